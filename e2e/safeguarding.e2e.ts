import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

test("the DSL sees the named list, and sets a safeguarding concern on a pupil with the reason", async () => {
  const { page, context } = await signIn(e2e.school, "dsl@northfield.example");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Safeguarding", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: /Safeguarding: named children/ }).waitFor();
  await page.getByRole("table").waitFor();
  const rows = page.getByRole("table").getByRole("row");
  expect(await rows.count()).toBeGreaterThan(1);
  await expect(page.getByRole("table").textContent()).resolves.toMatch(
    /social worker|looked after/,
  );
  // The DSL records no calls: the call-list link (follow_up.record) is not shown.
  await expect(page.getByRole("link", { name: /call list/ }).count()).resolves.toBe(0);
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "/safeguarding");
  await screenshot(page, "dsl-named-list");

  await page.getByRole("table").getByRole("link").first().click();
  await page.getByRole("heading", { level: 2, name: "Safeguarding" }).waitFor();
  await page.getByLabel("Flag").selectOption("safeguarding_concern");
  await page.getByLabel("Why").fill("Disclosure to form tutor");
  await page.getByRole("button", { name: "Set" }).click();
  await page.getByText("safeguarding concern: set").waitFor();
  await expect(page.locator("ol.history").textContent()).resolves.toContain(
    "safeguarding concern set by",
  );
  // The DSL does not manage the roll: no deletion form.
  await expect(page.getByText("Delete from the admission register").count()).resolves.toBe(0);
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "pupil page with safeguarding flags");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("at phone width the named list still reads, and the office has no Safeguarding page", async () => {
  const phone = await signIn(e2e.school, "dsl@northfield.example", { width: 375, height: 740 });
  await phone.page.goto("/safeguarding");
  await phone.page.getByRole("heading", { level: 1, name: /Safeguarding/ }).waitFor();
  await phone.page.waitForLoadState("networkidle");
  await screenshot(phone.page, "dsl-named-list-phone");
  await expectAccessible(phone.page, "/safeguarding at phone width");
  await phone.context.close();

  const office = await signIn(e2e.school, "attendance@northfield.example");
  const nav = office.page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Cases", exact: true }).waitFor();
  await expect(nav.getByRole("link", { name: "Safeguarding", exact: true }).count()).resolves.toBe(
    0,
  );
  // The office deletes from the roll only on a ground, and is told what is missing first.
  await nav.getByRole("link", { name: "Pupils", exact: true }).click();
  await office.page.getByRole("table").getByRole("link").first().click();
  await office.page.getByText("Delete from the admission register").click();
  await office.page.getByLabel(/^Ground/).selectOption("moved_away");
  await office.page.getByLabel("What makes the ground true").fill("Moved to Leeds");
  await office.page.getByRole("button", { name: "Delete from the register" }).click();
  await expect(office.page.getByRole("alert").textContent()).resolves.toMatch(
    /cannot be deleted from the admission register yet: .*set its address/,
  );
  await expectAccessible(office.page, "pupil page with the deletion form");
  await office.context.close();
});
