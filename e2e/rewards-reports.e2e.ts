import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

test("the head reads the week's rewards, downloads a certificate and the LA returns", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Rewards" })
    .click();
  await page.getByRole("heading", { level: 1, name: "Rewards" }).waitFor();
  await page.getByRole("heading", { level: 2, name: /^Best class/ }).waitFor();
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "/rewards");
  await screenshot(page, "rewards");
  const certificate = page.getByRole("link", { name: /^Certificate for .* best class/ }).first();
  const [pdf] = await Promise.all([page.waitForEvent("download"), certificate.click()]);
  expect(
    readFileSync((await pdf.path()) as string)
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Reports" })
    .click();
  await page.getByRole("heading", { level: 1, name: "Reports" }).waitFor();
  await page.getByRole("table", { name: /^Census attendance/ }).waitFor();
  await page.getByRole("table", { name: /^Illness to/ }).waitFor();
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "/reports");
  await screenshot(page, "reports");
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV of the census summary" }).click(),
  ]);
  expect(readFileSync((await csv.path()) as string, "utf8")).toMatch(/^UPN,Surname,Forename/);
  const [xlsx] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export XLSX" }).first().click(),
  ]);
  expect(
    readFileSync((await xlsx.path()) as string)
      .subarray(0, 2)
      .toString(),
  ).toBe("PK");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
