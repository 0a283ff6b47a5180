import { mkdirSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { createDemoSchool, type DemoSummary } from "../../src/app/demo/create-demo-school.ts";
import { DEMO_PASSWORD } from "../../src/app/demo/demo-accounts.ts";
import { createDemoTrust, type DemoTrustSummary } from "../../src/app/demo/demo-trust.ts";
import type { Database } from "../../src/db/database.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { type App, type AppOptions, buildApp } from "../../src/server/app.ts";
import { filledTestDatabase } from "../../test/support/database.ts";

/** The demo's today: a Wednesday in the spring term, so every test sees the same school. */
export const DEMO_TODAY = "2026-01-14";
/** 08:58: morning registers are open; 9D's and 10B's are not taken yet. */
export const START_TIME = "08:58";
const SCREENSHOTS = join(import.meta.dirname, "../../test-results/e2e");

export interface E2eSchool {
  url: string;
  demo: DemoSummary;
  /** The demo trust, when the file asked for it (Northfield is `demo`). */
  trust: DemoTrustSummary | null;
  app: App;
  database: Database;
  browser: Browser;
  close(): Promise<void>;
}

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * A small demo school (four pupils a form) behind a real HTTP server on a free port, its clock
 * running from the demo's today at 08:58, and a headless Chromium to drive it.
 */
export async function startSchool(
  options: {
    /** The demo trust's three schools, Northfield as `demo`. */
    trust?: boolean;
    /** More server settings; `publicUrl` may use {port} for the port the server is given. */
    more?: Partial<AppOptions>;
  } = {},
): Promise<E2eSchool> {
  const more = options.more ?? {};
  // Filled once per run and cloned for each file: the same school, for a fraction of the cost.
  const demoOptions = { seed: 2024, today: DEMO_TODAY, pupilsPerForm: 4 };
  const { database, filled } = await filledTestDatabase(
    `e2e-demo-${options.trust ? "trust" : "school"}-${JSON.stringify(demoOptions)}`,
    async ({ db }) => {
      if (!options.trust) return { demo: await createDemoSchool(db, demoOptions), trust: null };
      const trust = await createDemoTrust(db, demoOptions);
      return { demo: trust.northfield, trust };
    },
  );
  const { demo, trust } = filled;
  const port = await freePort();
  const start = londonInstant(DEMO_TODAY, START_TIME).getTime();
  const began = Date.now();
  const app = await buildApp({
    database,
    clock: () => new Date(start + (Date.now() - began)),
    logLevel: "silent",
    signInsPerMinute: 1000,
    // Plain HTTP on this machine, as the embedded start is configured.
    secureCookies: false,
    ...more,
    ...(more.publicUrl ? { publicUrl: more.publicUrl.replace("{port}", String(port)) } : {}),
  });
  const url = await app.listen({ port, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  return {
    url,
    demo,
    trust,
    app,
    database,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

/** A port nothing listens on, known before the server starts (its public address names it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A fresh browser context whose clock matches the server's, signed in as `email`. */
export async function signIn(
  school: E2eSchool,
  email: string,
  viewport = { width: 1280, height: 900 },
  /** A phone or tablet: touch events and a mobile viewport, as Chromium emulates them. */
  device: { hasTouch?: boolean; isMobile?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await school.browser.newContext({
    baseURL: school.url,
    viewport,
    ...device,
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  await context.clock.install({ time: londonInstant(DEMO_TODAY, START_TIME) });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  (page as Page & { problems?: string[] }).problems = problems;
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  // Before signing in, the app asks whether a session exists and is told 401: expected, not a fault.
  problems.length = 0;
  return { context, page };
}

/** Errors the page logged: a clean run has none. */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

/**
 * Saves a full-page picture for a person to look at, when E2E_SCREENSHOTS=1 asks for them: no test
 * reads them back, and a full-page capture is one of the dearer steps of a browser test.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.E2E_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** WCAG 2.1 A and AA checks by axe: no serious or critical violation may remain. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // axe.run in the page itself: the default opens a blank page for every check to merge each
  // frame's results in, which cost about two of a check's three seconds here. Our pages hold no
  // cross-origin frames, the one thing the default would reach and this does not.
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .setLegacyMode()
    .analyze();
  expect(results.passes.length, "axe checked nothing").toBeGreaterThan(10);
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 5)
          .join(" | ")}`,
    );
  expect(serious).toEqual([]);
}

/** The demo school (or the whole demo trust) for the tests of one file: started before them, stopped after. */
export function demoSchoolForThisFile(options: { trust?: boolean } = {}): { school: E2eSchool } {
  const holder = {} as { school: E2eSchool };
  beforeAll(async () => {
    holder.school = await startSchool(options);
  });
  afterAll(() => holder.school?.close());
  return holder;
}
