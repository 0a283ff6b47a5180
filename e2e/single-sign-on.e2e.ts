import { afterAll, beforeAll, expect, test } from "vitest";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startProvider,
  type TestProvider,
} from "../test/support/oidc-provider.ts";
import {
  type E2eSchool,
  expectAccessible,
  screenshot,
  signIn,
  startSchool,
} from "./support/harness.ts";

/** "Sign in with Microsoft" on the sign-in page, through a real OpenID Connect provider's pages. */
let school: E2eSchool;
let provider: TestProvider;

beforeAll(async () => {
  school = await startSchool({
    more: {
      publicUrl: "http://127.0.0.1:{port}",
      ssoSecrets: { ROLLBOOK_SSO_SECRET_ENTRA: CLIENT_SECRET },
    },
  });
  provider = await startProvider(
    {
      head: { email: "head@northfield.example", email_verified: true },
      stranger: { email: "new.starter@northfield.example", email_verified: true },
    },
    `${school.url}/api/auth/sso/callback`,
  );
});
afterAll(async () => {
  await provider?.close();
  await school?.close();
});

test("an administrator adds the school's provider on the Users page", async () => {
  const { context, page } = await signIn(school, "admin@rollbook.example");
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Add a single sign-on provider" });
  await form.getByLabel(/^Button name/).fill("Microsoft");
  await form.getByLabel("Issuer address").fill(provider.issuer);
  await form.getByLabel("Client id").fill(CLIENT_ID);
  await form.getByLabel(/^Client secret variable/).fill("ROLLBOOK_SSO_SECRET_ENTRA");
  await form.getByLabel(/^Staff email domains/).fill("northfield.example");
  await form.getByRole("button", { name: "Add provider" }).click();
  await page.getByRole("status").filter({ hasText: "Added" }).waitFor();
  await page.getByText(`Microsoft (${provider.issuer}) for northfield.example`).waitFor();
  await expectAccessible(page, "sign-in rules and providers");
  await context.close();
});

async function throughProvider(account: string) {
  const context = await school.browser.newContext({ baseURL: school.url, locale: "en-GB" });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
  // The provider's own sign-in page, then its consent page.
  await page.waitForURL((u) => u.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill("the provider checks this, not Rollbook");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.origin === school.url);
  return { context, page };
}

test("a member of staff signs in with the school's provider and out again", async () => {
  const { context, page } = await throughProvider("head");
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  const session = await page.request.get("/api/auth/session");
  expect((await session.json()).user.email).toBe("head@northfield.example");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await screenshot(page, "sso-signed-in");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((u) => u.pathname.startsWith("/login"));
  await page.goto("/");
  await page.waitForURL((u) => u.pathname.startsWith("/login"));
  await context.close();
});

test("an email with no Rollbook account is refused with a page that says why", async () => {
  const { context, page } = await throughProvider("stranger");
  await page.waitForURL((u) => u.pathname === "/login");
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toContain("There is no Rollbook account");
  // The provider buttons come from a request of their own, after the refusal is shown.
  await page.getByRole("link", { name: "Sign in with Microsoft" }).waitFor();
  await expectAccessible(page, "sign-in page with single sign-on refused");
  await screenshot(page, "sso-unknown-email");
  await context.close();
});
