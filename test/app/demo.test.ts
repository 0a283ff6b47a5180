import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  groupReport,
  pupilReport,
  resolveRange,
  schoolReport,
} from "../../src/app/attendance-statistics.ts";
import { demoMarks } from "../../src/app/demo/attendance.ts";
import { createDemoSchool, type DemoSummary } from "../../src/app/demo/create-demo-school.ts";
import { demoPupils } from "../../src/app/demo/pupils.ts";
import { Random } from "../../src/app/demo/random.ts";
import { TYPICAL_TERM_DATES } from "../../src/app/demo/term-dates.ts";
import { contactCheck } from "../../src/app/follow-up/contact-check.ts";
import type { Database } from "../../src/db/database.ts";
import { loadCalendar } from "../../src/db/repositories/calendar.ts";
import { loadYearMarks, yearMarksFromRows } from "../../src/db/repositories/marks.ts";
import { SchoolCalendar } from "../../src/domain/calendar.ts";
import { upnProblem } from "../../src/domain/pupil.ts";
import { percentage } from "../../src/domain/statistics.ts";
import { testDatabase } from "../support/database.ts";

const TODAY = "2026-11-25";

function generate(seed: number, perForm = 24) {
  const random = new Random(seed);
  const pupils = demoPupils(random, 2026, perForm);
  const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
  return demoMarks(random, pupils, {
    calendar,
    currentYear: 2026,
    until: TODAY,
    untakenToday: new Set(["9D"]),
  });
}

describe("demo school generation", () => {
  it("is deterministic from its seed", () => {
    const key = (m: ReturnType<typeof generate>[number]) =>
      `${m.pupil.upn}${m.date}${m.session}${m.code}${m.firstCode}`;
    const a = generate(7, 6).map(key);
    const b = generate(7, 6).map(key);
    const c = generate(8, 6).map(key);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("gives valid UPNs and leaves today's afternoon and one form's morning untaken", () => {
    const marks = generate(1);
    expect(new Set(marks.map((m) => upnProblem(m.pupil.upn)))).toEqual(new Set([null]));
    const today = marks.filter((m) => m.date === TODAY);
    expect(today.some((m) => m.session === "PM")).toBe(false);
    expect(today.some((m) => m.form === "9D")).toBe(false);
    expect(today.filter((m) => m.form === "9A").length).toBe(24);
  });

  it("has the patterns an attendance officer expects", () => {
    const marks = generate(2024);
    const codes = new Set(marks.map((m) => m.code));
    for (const code of [
      "I",
      "M",
      "O",
      "G",
      "L",
      "U",
      "E",
      "S",
      "W",
      "V",
      "K",
      "C2",
      "D",
      "N",
      "R",
    ]) {
      expect(codes.has(code), code).toBe(true);
    }
    const winter =
      marks.filter((m) => m.date.slice(5, 7) === "01" && m.code === "I").length /
      marks.filter((m) => m.date.slice(5, 7) === "01").length;
    const autumn =
      marks.filter((m) => m.date.slice(5, 7) === "10" && m.code === "I").length /
      marks.filter((m) => m.date.slice(5, 7) === "10").length;
    expect(winter).toBeGreaterThan(autumn);
    expect(marks.filter((m) => m.firstCode === "N").every((m) => m.amendReason !== null)).toBe(
      true,
    );
  });
});

describe("demo school in the database", () => {
  let database: Database;
  let summary: DemoSummary;

  beforeAll(async () => {
    database = await testDatabase();
    summary = await createDemoSchool(database.db, { seed: 3, today: TODAY, pupilsPerForm: 2 });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it("stores pupils, contacts and marks with amendments", () => {
    expect(summary.pupils).toBe(60);
    expect(summary.contacts).toBeGreaterThanOrEqual(60);
    expect(summary.marks).toBeGreaterThan(20_000);
    expect(summary.amendments).toBeGreaterThan(100);
  });

  it("gives the office contact details to put right: one contact, a bounced email, a wrong number", async () => {
    const check = await contactCheck(database.db, summary.school.id, TODAY, 2);
    const reasons = check.pupils.flatMap((p) => p.reasons);
    expect(reasons).toContain("Only one contact recorded");
    expect(
      reasons.some((r) => /: email to \S+@example\.com failed on .*User unknown/.test(r)),
    ).toBe(true);
    expect(reasons.some((r) => /: phone reported as wrong number on /.test(r))).toBe(true);
  });

  it("reports believable school statistics that add up", async () => {
    const calendar = await loadCalendar(database.db, summary.school.id);
    const range = resolveRange(calendar, { kind: "period", period: "year", date: "2026-03-01" });
    const report = await schoolReport(database.db, summary.school.id, range);
    const attendance = percentage(report.overall.attendanceRate) ?? 0;
    expect(attendance).toBeGreaterThan(85);
    expect(attendance).toBeLessThan(97);
    const sumOfYears = report.byYearGroup.reduce((n, row) => n + row.statistics.possible, 0);
    expect(sumOfYears).toBe(report.overall.possible);
    const sumOfGroups = report.byRegistrationGroup.reduce(
      (n, row) => n + row.statistics.enrolments,
      0,
    );
    expect(sumOfGroups).toBe(report.overall.enrolments);
  });

  it("agrees pupil by pupil with a group report and with the register rows", async () => {
    const range = { from: "2026-09-01", to: TODAY };
    const group = await groupReport(
      database.db,
      summary.school.id,
      { registrationGroup: "8A" },
      range,
    );
    const first = group.pupils[0];
    if (!first) throw new Error("group 8A has no pupils with marks");
    const single = await pupilReport(database.db, summary.school.id, first.pupilId, range);
    expect(single.statistics).toEqual(first.statistics);
    const compact = await loadYearMarks(database.db, summary.school.id, 2026, [first.pupilId]);
    const rebuilt = await yearMarksFromRows(database.db, summary.school.id, first.pupilId, 2026);
    expect(Buffer.from(compact.get(first.pupilId) as Uint8Array).equals(Buffer.from(rebuilt))).toBe(
      true,
    );
  });
});
