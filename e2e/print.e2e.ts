import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { demoSchoolForThisFile, pageProblems, signIn } from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
const dir = mkdtempSync(join(tmpdir(), "rollbook-print-"));

/** The page printed to PDF by Chromium, as pdftotext reads it back. */
async function printed(page: Page, name: string): Promise<string> {
  await page.emulateMedia({ media: "print" });
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, await page.pdf({ format: "A4" }));
  return execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
}

test("a register prints as a list of pupils and marks, without the page's controls", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  const form = await e2e.school.database.db
    .selectFrom("registration_groups")
    .select("id")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("name", "=", "9A")
    .executeTakeFirstOrThrow();
  await page.goto(`/registers/${form.id}/2026-01-13/AM`);
  await page.getByRole("heading", { level: 1, name: /9A · AM register/ }).waitFor();
  const names = await page
    .getByRole("table")
    .locator("tbody th a")
    .evaluateAll((links) => links.map((a) => a.textContent ?? ""));
  expect(names.length).toBeGreaterThan(0);
  const text = await printed(page, "register");
  expect(text).toContain("9A · AM register");
  for (const name of names) expect(text).toContain(name);
  expect(text).toMatch(/Present \(AM\)|Illness|Late/);
  for (const control of ["Sign out", "Other code", "Mark everyone else present", "Print"])
    expect(text).not.toContain(control);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("Today's lists and the call list print with names and contacts, without buttons", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/today");
  await page.getByRole("heading", { level: 2, name: "Absent with no reason: call list" }).waitFor();
  await page.getByRole("heading", { level: 2, name: "Lates" }).waitFor();
  const callCards = page.locator(".cards .card h3 a");
  await callCards.first().waitFor();
  const first = (await callCards.first().textContent()) as string;
  const text = await printed(page, "today");
  expect(text).toContain("Registers not taken");
  expect(text).toContain("Absent with no reason: call list");
  expect(text).toContain(first);
  for (const control of ["Answered", "Reached: record reason", "Sign out", "Print the day"])
    expect(text).not.toContain(control);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a pupil's summary prints with their figures, codes and history, without the page's forms", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  const { db } = e2e.school.database;
  const pupil = await db
    .selectFrom("pupils")
    .select(["id", "upn", "legal_forename", "legal_surname"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("leaving_date", "is", null)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const stats = await page.request.get(
    `/api/schools/${e2e.school.demo.school.id}/pupils/${pupil.id}/statistics`,
  );
  expect(stats.status(), await stats.text()).toBe(200);
  const { statistics } = (await stats.json()) as {
    statistics: { possible: number; attendanceRate: { numerator: number; denominator: number } };
  };
  await page.goto(`/pupils/${pupil.id}`);
  await page.getByText(`UPN ${pupil.upn}`).waitFor();
  await page.getByRole("table", { name: "Sessions by code" }).waitFor();
  await page.getByRole("table", { name: "Changes to recorded marks" }).waitFor();
  await page.getByRole("button", { name: "Print the summary" }).waitFor();
  const name = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  expect(name).toContain(pupil.legal_surname);
  const text = await printed(page, "pupil-summary");
  expect(text).toContain(name);
  expect(text).toContain(`UPN ${pupil.upn}`);
  expect(text).toContain("attendance this year");
  expect(text).toContain(
    `${statistics.attendanceRate.numerator} of ${statistics.attendanceRate.denominator} possible sessions`,
  );
  expect(text).toMatch(new RegExp(`Possible sessions\\s+${statistics.possible}\\b`));
  for (const heading of ["The year day by day", "Sessions by code", "Amendments"])
    expect(text).toContain(heading);
  for (const control of ["Print the summary", "Amend the mark", "Photo (JPEG or PNG", "Download"])
    expect(text).not.toContain(control);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
