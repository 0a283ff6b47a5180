import { expect, test } from "vitest";
import { makeUpn } from "../src/domain/pupil.ts";
import { fakeWonde } from "../test/support/fake-wonde.ts";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
const TOKEN_ENV = "WONDE_TOKEN_E2E";

test("the head connects the MIS, syncs now, and the office's disagreement is decided on screen", async () => {
  const wonde = await fakeWonde();
  process.env[TOKEN_ENV] = wonde.token;
  try {
    const { db } = e2e.school.database;
    const pupil = await db
      .selectFrom("pupils as p")
      .innerJoin("session_marks as m", (j) =>
        j.onRef("m.school_id", "=", "p.school_id").onRef("m.pupil_id", "=", "p.id"),
      )
      .select(["p.upn", "p.legal_forename", "p.legal_surname", "m.date", "m.code"])
      .where("m.session", "=", "AM")
      .where("m.date", "<", DEMO_TODAY)
      .where("m.code", "<>", "C")
      .orderBy("m.date", "desc")
      .executeTakeFirstOrThrow();
    wonde.students = [
      {
        id: "B1",
        upn: pupil.upn,
        forename: pupil.legal_forename,
        surname: pupil.legal_surname,
        updatedAt: "2026-01-10T09:00:00Z",
      },
      {
        id: "B2",
        upn: makeUpn("383", "4999", 26, 77),
        forename: "Joining",
        surname: "Pupil",
        updatedAt: "2026-01-10T09:00:00Z",
      },
    ];
    // The MIS holds leave authorised (C) where Rollbook has another mark.
    wonde.marks = [
      {
        id: "M1",
        student: "B1",
        date: pupil.date,
        session: "AM",
        code: "C",
        updatedAt: "2026-01-13T16:00:00Z",
      },
    ];
    const { context, page } = await signIn(e2e.school, "head@northfield.example");
    await page.goto("/mis");
    await page.getByRole("heading", { name: "MIS", exact: true }).waitFor();
    await page.getByText("No MIS is connected yet.").waitFor();
    await page.getByLabel("The school's id in Wonde").fill(wonde.school);
    await page.getByLabel("Wonde's address").fill(wonde.base);
    await page.getByLabel("Where the server keeps the token").fill(`env:${TOKEN_ENV}`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved. Sync now for the first load.").waitFor();
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByRole("heading", { name: "Last sync: done" }).waitFor({ timeout: 30_000 });
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).toContain("2 pupils read");
    expect(text).toContain("1 admitted");
    expect(text).toContain("1 disagreements");
    await expectAccessible(page, "MIS settings");
    await screenshot(page, "mis-settings");
    await page
      .getByLabel("Reason, for the register's history")
      .fill("MIS record checked with the head of year");
    await page.getByRole("button", { name: "Take C" }).click();
    await page.getByText("None: the MIS and Rollbook agree.").waitFor();
    const history = await db
      .selectFrom("mark_history as h")
      .innerJoin("pupils as p", (j) =>
        j.onRef("p.school_id", "=", "h.school_id").onRef("p.id", "=", "h.pupil_id"),
      )
      .select(["h.code", "h.reason"])
      .where("p.upn", "=", pupil.upn)
      .where("h.date", "=", pupil.date)
      .where("h.session", "=", "AM")
      .orderBy("h.id", "desc")
      .executeTakeFirstOrThrow();
    expect(history).toEqual({
      code: "C",
      reason: "Taken from the MIS: MIS record checked with the head of year",
    });
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  } finally {
    delete process.env[TOKEN_ENV];
    await wonde.close();
  }
});
