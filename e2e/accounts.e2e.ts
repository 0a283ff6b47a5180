import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { DEMO_PASSWORD } from "../src/app/demo/demo-accounts.ts";
import { londonInstant } from "../src/domain/dates.ts";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  START_TIME,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

const VIEWPORTS = [
  { name: "desktop", viewport: { width: 1280, height: 900 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
];

async function freshPage(viewport: { width: number; height: number }) {
  const context = await e2e.school.browser.newContext({
    baseURL: e2e.school.url,
    viewport,
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  await context.clock.install({ time: londonInstant(DEMO_TODAY, START_TIME) });
  const page = await context.newPage();
  // The same record of page errors as the harness keeps; 401s before sign-in are expected.
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

async function signInWith(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

async function lastLinkTo(email: string): Promise<string> {
  const row = await e2e.school.database.db
    .selectFrom("outbox")
    .select("body")
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return (row.body.match(/\/reset-password#token=[\w-]+/) as RegExpMatchArray)[0];
}

test("the demo says it is a demo on the sign-in page and on every page, with its accounts listed", async () => {
  const { context, page } = await freshPage(
    VIEWPORTS[0]?.viewport as { width: number; height: number },
  );
  await page.goto("/login");
  const banner = page.getByRole("note");
  await expect(banner.textContent()).resolves.toMatch(/Demo school: sample data, shared passwords/);
  await page.getByRole("heading", { name: "Demo accounts" }).waitFor();
  await expect(page.getByText(DEMO_PASSWORD, { exact: true }).count()).resolves.toBe(1);
  await page.getByRole("button", { name: "Use head@northfield.example" }).click();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: /^Today/ }).waitFor();
  await expect(page.getByRole("note").textContent()).resolves.toMatch(/Demo school/);
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "sign-in with demo accounts");
  await context.close();
});

describe("an administrator manages users", () => {
  for (const { name, viewport } of VIEWPORTS) {
    test(`creates, disables, enables and resets an account (${name})`, async () => {
      const { page, context } = await signIn(e2e.school, "admin@rollbook.example", viewport);
      if (name === "phone") await page.goto("/users");
      else
        await page
          .getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "Users" })
          .click();
      await page.getByRole("heading", { level: 1, name: "Users" }).waitFor();
      await page.getByRole("table").waitFor();
      const email = `new.teacher.${name}@northfield.example`;
      const create = page.getByRole("form", { name: "Create an account" });
      await create.getByLabel("Name", { exact: true }).fill(`Ms N. ${name}`);
      await create.getByLabel("Email", { exact: true }).fill(email);
      await create.getByLabel(/^Role/).selectOption("teacher");
      await create.getByLabel(/^School/).selectOption({ label: "Northfield Academy" });
      await create.getByLabel(/^Registration group/).selectOption({ label: "8A" });
      await create.getByLabel(/^Password/).fill("a tall giraffe reading");
      await create.getByRole("button", { name: "Create account" }).click();
      await page.getByRole("status").filter({ hasText: "account is created" }).waitFor();

      await page.getByLabel("Name or email").fill(`new.teacher.${name}`);
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("caption").filter({ hasText: "1 accounts" }).waitFor();
      const row = page.getByRole("row", { name: new RegExp(email) });
      await expect
        .poll(() => row.textContent())
        .toMatch(/teacher \(Northfield Academy\).*8A.*Active/);
      await page.waitForLoadState("networkidle");
      await expectAccessible(page, `users (${name})`);
      await screenshot(page, `users-${name}`);

      await row.getByRole("button", { name: /^Disable/ }).click();
      await page.getByRole("status").filter({ hasText: "signed out everywhere" }).waitFor();
      await expect.poll(() => row.textContent()).toMatch(/Disabled/);
      await row.getByRole("button", { name: /^Enable/ }).click();
      await page.getByRole("status").filter({ hasText: "is enabled" }).waitFor();

      await row.getByRole("button", { name: /^Roles of/ }).click();
      const add = page.getByRole("form", { name: /^Add a role/ });
      await add.getByLabel(/^Role/).selectOption("attendance_officer");
      await add.getByLabel(/^School/).selectOption({ label: "Northfield Academy" });
      await add.getByRole("button", { name: "Add role" }).click();
      await page.getByRole("status").filter({ hasText: "roles are saved" }).waitFor();
      await expect.poll(() => row.textContent()).toMatch(/attendance officer/);

      await row.getByRole("button", { name: /^Force a password reset/ }).click();
      await page.getByRole("status").filter({ hasText: "has been emailed" }).waitFor();
      await expect(lastLinkTo(email)).resolves.toMatch(/#token=/);
      expect(pageProblems(page)).toEqual([]);
      await context.close();
    });
  }
});

describe("everyone changes their own password", () => {
  for (const [i, { name, viewport }] of VIEWPORTS.entries()) {
    test(`with the current one, then signs in with the new one (${name})`, async () => {
      const email = i === 0 ? "tutor.7a@northfield.example" : "tutor.7b@northfield.example";
      const { page, context } = await signIn(e2e.school, email, viewport);
      await page.goto("/account");
      await page.getByRole("heading", { level: 1, name: "Change password" }).waitFor();
      const form = page.getByRole("form", { name: "Change password" });
      await form.getByLabel("Current password").fill("not my password");
      await form.getByLabel(/^New password \(/).fill("lemon drizzle on tuesdays");
      await form.getByLabel("New password again").fill("lemon drizzle on tuesdays");
      await form.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByRole("alert").textContent()).resolves.toBe(
        "Your current password is not right",
      );
      await form.getByLabel("Current password").fill(DEMO_PASSWORD);
      await form.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
      await page.waitForLoadState("networkidle");
      await expectAccessible(page, `change password (${name})`);
      await screenshot(page, `change-password-${name}`);
      await page.getByRole("button", { name: "Sign out everywhere" }).click();
      await page.waitForURL((u) => u.pathname === "/login");
      await signInWith(page, email, "lemon drizzle on tuesdays");
      await page.getByRole("heading", { level: 1, name: /My form/ }).waitFor();
      await context.close();
    });
  }
});

test("a member of staff turns on two-factor sign-in, then signs in with a code from the app", async () => {
  const email = "tutor.8a@northfield.example";
  const { page, context } = await signIn(e2e.school, email);
  await page.goto("/account");
  const section = page.getByRole("region", { name: "Two-factor sign-in" });
  await section.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const key = (await section.locator("code").textContent()) as string;
  // The app's code, as an authenticator computes it, for the server's clock.
  const codeAt = (offsetMs: number) =>
    new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30 }).generate({
      timestamp: e2e.school.app.clock().getTime() + offsetMs,
    });
  await section.getByLabel("Code from the app").fill(codeAt(0));
  await section.getByRole("button", { name: "Turn on" }).click();
  await page.getByRole("status").filter({ hasText: "Two-factor sign-in is on" }).waitFor();
  await expectAccessible(page, "two-factor sign-in on");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL((u) => u.pathname === "/login");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The password was right: the form now asks for the code, without calling it an error.
  const codeField = page.getByLabel("Code from your authenticator app");
  await codeField.waitFor();
  await expect(page.getByRole("alert").count()).resolves.toBe(0);
  await codeField.fill("000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "not right or was already used" }).waitFor();
  // The next step's code (a code is accepted once, and the confirming one has been used).
  await codeField.fill(codeAt(30_000));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: /My form/ }).waitFor();
  await expectAccessible(page, "signed in with two factors");
  await context.close();
});

test("a forgotten password is reset from the emailed link, which then stops working", async () => {
  const { page, context } = await freshPage({ width: 390, height: 844 });
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgotten your password?" }).click();
  await page.getByLabel("Email").fill("dsl@northfield.example");
  await page.getByRole("button", { name: "Email me a link" }).click();
  await page.getByRole("status").filter({ hasText: "is on its way" }).waitFor();
  await expectAccessible(page, "forgotten password");
  await page.goto(await lastLinkTo("dsl@northfield.example"));
  await page.getByText("For dsl@northfield.example").waitFor();
  await page.getByLabel("New password", { exact: true }).fill("seven swans on the canal");
  await page.getByLabel("New password again").fill("seven swans on the canal");
  await expectAccessible(page, "reset password");
  await page.getByRole("button", { name: "Set my password" }).click();
  await page.getByRole("status").filter({ hasText: "Your new password is set" }).waitFor();
  await screenshot(page, "reset-password-done");
  await page.reload();
  await expect(page.getByRole("alert").textContent()).resolves.toMatch(
    /^This link no longer works/,
  );
  await signInWith(page, "dsl@northfield.example", "seven swans on the canal");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
