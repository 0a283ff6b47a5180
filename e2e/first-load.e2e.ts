import { request } from "node:http";
import { expect, test } from "vitest";
import { demoSchoolForThisFile, pageProblems, signIn } from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

/** The bytes as sent on the wire (no decompression), with the response's headers. */
function raw(
  path: string,
  encoding: string,
): Promise<{ status: number; headers: Record<string, unknown>; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, e2e.school.url), {
      headers: { "accept-encoding": encoding },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const all = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: all.length,
          body: all.toString("utf8"),
        });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

// Before code splitting and compression the first load was one 971 KB script, sent uncompressed.
const BEFORE = 971 * 1024;

test("the app's first load is its frame only, compressed: under a tenth of what it was", async () => {
  const index = await raw("/login", "identity");
  const script = /<script type="module" crossorigin src="([^"]+\.js)"/.exec(index.body)?.[1];
  const style = /<link rel="stylesheet" crossorigin href="([^"]+\.css)"/.exec(index.body)?.[1];
  expect(script, index.body).toBeTruthy();

  const plain = await raw(script as string, "identity");
  expect(plain.headers["content-encoding"]).toBeUndefined();
  // Code splitting alone: the screens and the charts library are no longer in the main script.
  expect(plain.bytes).toBeLessThan(BEFORE / 2);

  const brotli = await raw(script as string, "gzip, deflate, br");
  expect(brotli.headers["content-encoding"]).toBe("br");
  expect(String(brotli.headers.vary)).toMatch(/accept-encoding/i);
  expect(brotli.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  const gzip = await raw(script as string, "gzip");
  expect(gzip.headers["content-encoding"]).toBe("gzip");
  const css = await raw(style as string, "br");
  expect(css.headers["content-encoding"]).toBe("br");
  const firstLoad = brotli.bytes + css.bytes;
  expect(firstLoad).toBeLessThan(BEFORE / 10);
  expect(gzip.bytes).toBeLessThan(BEFORE / 8);
  console.log(
    `first load: main script ${plain.bytes} B (${brotli.bytes} B brotli, ${gzip.bytes} B gzip), style ${css.bytes} B brotli`,
  );
});

test("a screen's code arrives only when the screen is opened", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
  });
  await page.goto("/pupils");
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  expect(scripts.some((s) => /\/Dashboard-[^/]+\.js$/.test(s))).toBe(false);
  expect(scripts.some((s) => /\/Chart-[^/]+\.js$/.test(s))).toBe(false);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Dashboard" })
    .click();
  await page.getByRole("heading", { level: 1, name: "Attendance dashboard" }).waitFor();
  expect(scripts.some((s) => /\/Dashboard-[^/]+\.js$/.test(s))).toBe(true);
  expect(scripts.some((s) => /\/Chart-[^/]+\.js$/.test(s))).toBe(true);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
