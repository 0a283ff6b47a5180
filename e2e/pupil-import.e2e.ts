import { expect, test } from "vitest";
import { makeUpn } from "../src/domain/pupil.ts";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
const UPN = makeUpn("383", "4999", 26, 9);

/** A SIMS export as Excel saves it: Windows-1252 bytes, UK dates, a column Rollbook does not use. */
const SIMS = Buffer.from(
  `UPN,Legal Surname,Legal Forename,Gender,Date of Birth,Year,Reg Group,Date of Admission,Ethnicity\r\n${UPN},Müller,Renée,F,01/10/2014,Year 6,6M,05/01/2026,White British\r\n`,
  "latin1",
);

test("the office checks a SIMS export, sees the summary, and imports it", async () => {
  const { context, page } = await signIn(e2e.school, "attendance@northfield.example", {
    width: 390,
    height: 844,
  });
  await page.goto("/imports/pupils");
  await page.getByRole("heading", { name: "Import pupils" }).waitFor();
  await expectAccessible(page, "pupil import");

  await page.getByLabel("CSV file (or drop it here)").setInputFiles({
    name: "sims-pupils.csv",
    mimeType: "text/csv",
    buffer: SIMS,
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  const summary = page.getByRole("region", { name: "What the import will do" });
  await summary.waitFor();
  const text = (await summary.textContent()) ?? "";
  expect(text).toContain("Read as a SIMS export (Windows-1252 text)");
  expect(text).toContain("Columns not used: Ethnicity");
  expect(text).toContain(`Renée Müller (${UPN})`);
  expect(text).toContain("1 added");
  await expectAccessible(page, "pupil import summary");
  await screenshot(page, "pupil-import-summary-phone");
  // Nothing is written before the summary is confirmed.
  const before = await e2e.school.database.db
    .selectFrom("pupils")
    .select("id")
    .where("upn", "=", UPN)
    .execute();
  expect(before).toEqual([]);

  await page.getByRole("button", { name: "Import these changes" }).click();
  await page.getByText("Imported: 1 pupil added, 0 updated.").waitFor();
  const pupil = await e2e.school.database.db
    .selectFrom("pupils")
    .select(["legal_forename", "legal_surname", "date_of_birth"])
    .where("upn", "=", UPN)
    .executeTakeFirstOrThrow();
  expect(pupil).toEqual({
    legal_forename: "Renée",
    legal_surname: "Müller",
    date_of_birth: "2014-10-01",
  });
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("a file in neither UTF-8 nor Windows-1252 is refused with a message", async () => {
  const { context, page } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/imports/pupils");
  await page.getByLabel("CSV file (or drop it here)").setInputFiles({
    name: "utf16.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("\uFEFFUPN,Legal Surname\r\n", "utf16le"),
  });
  await page.getByRole("button", { name: "Check the file" }).click();
  await page.getByRole("alert").filter({ hasText: "it is UTF-16 text" }).waitFor();
  await context.close();
});
