import { Secret, TOTP } from "otpauth";
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

/** Two-factor sign-in required by role, recovery codes, and inviting a form's parents. */
const e2e = demoSchoolForThisFile();

describe("two-factor sign-in required of a role", () => {
  test("the DSL is sent to set it up first, keeps recovery codes, then signs in with one", async () => {
    const email = "dsl@northfield.example";
    await e2e.school.database.db.insertInto("two_factor_rules").values({ role: "dsl" }).execute();
    const { page, context } = await signIn(e2e.school, email);
    await page.getByRole("heading", { level: 1, name: "Set up two-factor sign-in" }).waitFor();
    await expectAccessible(page, "two-factor setup required");
    // The API agrees: nothing else answers until it is done.
    const refused = await page.request.get("/api/schools");
    expect((await refused.json()).error.code).toBe("two_factor_setup_required");

    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const key = (await page.locator("code.address").textContent()) as string;
    const code = new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30 }).generate({
      timestamp: e2e.school.app.clock().getTime(),
    });
    await page.getByLabel("Code from the app").fill(code);
    await page.getByRole("button", { name: "Turn on" }).click();
    const codes = page.getByRole("region", { name: "Your recovery codes" });
    await codes.waitFor();
    const shown = await codes.locator("li code").allTextContents();
    expect(shown).toHaveLength(10);
    await expectAccessible(page, "recovery codes shown once");
    await screenshot(page, "recovery-codes");
    await codes.getByRole("button", { name: "I have kept my recovery codes" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.goto("/account");
    await page.getByText("Recovery codes left: 10 of 10").waitFor();
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.waitForURL((u) => u.pathname === "/login");

    // A lost phone: a recovery code in place of the app's.
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Lost your phone? Use a recovery code" }).click();
    await page.getByLabel("Recovery code (each works once)").fill(shown[0] as string);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto("/account");
    await page.getByText("Recovery codes left: 9 of 10").waitFor();
    // The one expected refusal: the password alone, answered 401 "enter the code".
    expect(pageProblems(page).filter((p) => !p.includes("status of 401"))).toEqual([]);
    await context.close();
  });
});

describe("inviting parents from the screen", () => {
  test("the head previews a form's parents, invites them, and a parent sets a password on a phone", async () => {
    const { page, context } = await signIn(e2e.school, "head@northfield.example");
    await page.goto("/users");
    await page.getByRole("link", { name: "Invite parents" }).click();
    await page.getByRole("heading", { level: 1, name: "Invite parents" }).waitFor();
    const forms = page.getByRole("group", { name: "Forms" });
    const first = forms.getByRole("checkbox").first();
    await first.check();
    await page.getByRole("button", { name: "Show who will be invited" }).click();
    const invitees = page.getByRole("table", { name: "Parents who will be emailed an invitation" });
    await invitees.waitFor();
    await page.getByRole("table", { name: "Contacts left out, and why" }).waitFor();
    const count = await invitees.locator("tbody tr").count();
    expect(count).toBeGreaterThan(0);
    const parentEmail = (await invitees.locator("tbody tr td").nth(1).textContent()) as string;
    await expectAccessible(page, "parent invitations preview");
    await screenshot(page, "parent-invitations-preview");
    await page.getByRole("button", { name: /^Invite \d+ parents?$/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `${count} invited` })
      .waitFor();
    await expectAccessible(page, "parent invitations sent");
    const emailed = await e2e.school.database.db
      .selectFrom("outbox")
      .select("body")
      .where("to_address", "=", parentEmail)
      .where("purpose", "=", "account_invitation")
      .executeTakeFirstOrThrow();
    await context.close();

    // The parent, on a phone, follows the link and chooses a password.
    const phone = await e2e.school.browser.newContext({
      baseURL: e2e.school.url,
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      locale: "en-GB",
      timezoneId: "Europe/London",
    });
    await phone.clock.install({ time: londonInstant(DEMO_TODAY, START_TIME) });
    const parent = await phone.newPage();
    const link = (emailed.body.match(/\/reset-password#token=[\w-]+/) as RegExpMatchArray)[0];
    await parent.goto(link);
    await parent.getByText(`For ${parentEmail}`).waitFor();
    await parent.getByLabel("New password", { exact: true }).fill("blackbirds sing at dawn");
    await parent.getByLabel("New password again").fill("blackbirds sing at dawn");
    await expectAccessible(parent, "invited parent chooses a password (phone)");
    await parent.getByRole("button", { name: "Set my password" }).click();
    await parent.getByRole("status").filter({ hasText: "Your new password is set" }).waitFor();
    await screenshot(parent, "invited-parent-password-phone");
    await phone.close();
  });
});
