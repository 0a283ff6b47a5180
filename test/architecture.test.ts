import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

function importsOf(file: string): string[] {
  return [
    ...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm),
  ].map((m) => m[1] as string);
}

describe("architecture", () => {
  // zod describes the policy document once, in the domain, so its types derive from the schema.
  const DOMAIN_PACKAGES = ["zod"];

  it("keeps src/domain pure: it imports only other domain modules, and zod", () => {
    const offences: string[] = [];
    for (const file of sourceFiles(join(SRC, "domain"))) {
      for (const specifier of importsOf(file)) {
        const relativePath = specifier.startsWith("./") || specifier.startsWith("../");
        const target = relativePath ? relative(SRC, join(file, "..", specifier)) : specifier;
        if (relativePath ? !target.startsWith("domain/") : !DOMAIN_PACKAGES.includes(specifier))
          offences.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it("reads the environment only in src/config.ts", () => {
    const readers = sourceFiles(SRC)
      .filter((file) => /process\.env\b/.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file));
    expect(readers).toEqual(["config.ts"]);
  });

  it("builds SQL only through Kysely or parameters: no raw SQL outside the migrations", () => {
    const offences = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith("db/migrations/"))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
          // sql.raw and sql.lit splice text into a statement; .query(`...${x}`) does the same in pg.
          .filter(({ line }) => /\bsql\.(raw|lit|id|ref|table)\(|\.query\(\s*`[^`]*\$\{/.test(line))
          .map(({ at }) => at),
      );
    expect(offences).toEqual([]);
  });
});
