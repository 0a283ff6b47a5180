import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPICAL_TERM_DATES } from "../../src/app/demo/term-dates.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { type MarkToRecord, recordMarks } from "../../src/db/repositories/marks.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { sameWindowLastYear } from "../../src/domain/last-year.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  const { db } = server.database;
  await saveAcademicYear(db, server.school.id, TYPICAL_TERM_DATES[1] as never);
  const [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  const day = (date: string, codes: [Pupil, string][]): MarkToRecord[] =>
    codes.flatMap(([p, code]) =>
      (["AM", "PM"] as const).map((session) => ({
        pupilId: p.id,
        date,
        session,
        code: session === "PM" && code === "/" ? "\\" : code,
        minutesLate: null,
      })),
    );
  const at = { by: "Office", source: "register" as const, reason: null };
  // Last year, the week of 8 September 2025: Bilal off on the Wednesday without a reason.
  await recordMarks(
    db,
    server.school.id,
    [
      ...day("2025-09-08", [
        [amelia, "/"],
        [bilal, "/"],
        [chloe, "/"],
      ]),
      ...day("2025-09-10", [
        [amelia, "/"],
        [bilal, "O"],
        [chloe, "/"],
      ]),
      // Outside the window a year back: must not count.
      ...day("2025-09-15", [[bilal, "O"]]),
    ],
    { ...at, at: londonInstant("2025-09-15", "09:00") },
  );
  // This year, the week of 7 September 2026: Amelia ill on the Tuesday.
  await recordMarks(
    db,
    server.school.id,
    day("2026-09-08", [
      [amelia, "I"],
      [bilal, "/"],
      [chloe, "/"],
    ]),
    { ...at, at: londonInstant("2026-09-08", "09:00") },
  );
  server.setNow("2026-09-11", "15:00");
  head = await server.as("head");
});
afterAll(async () => {
  await server?.close();
});

describe("the dashboard against last year at the same date", () => {
  it("moves the window back a year by calendar date, 29 February included", () => {
    expect(sameWindowLastYear({ from: "2026-09-07", to: "2026-09-11" })).toEqual({
      from: "2025-09-07",
      to: "2025-09-11",
    });
    expect(sameWindowLastYear({ from: "2028-02-01", to: "2028-02-29" }).to).toBe("2027-02-28");
  });

  it("counts last year's same dates exactly, and nothing after them", async () => {
    const response = await head.get(url("/dashboard/last-year?from=2026-09-07&to=2026-09-11"));
    expect(response.statusCode, response.body).toBe(200);
    const { range, overall } = response.json();
    expect(range).toEqual({ from: "2025-09-07", to: "2025-09-11" });
    expect(overall).toMatchObject({
      possible: 12,
      absence: 2,
      attendanceRate: { numerator: 10, denominator: 12 },
      unauthorisedAbsenceRate: { numerator: 2, denominator: 12 },
      // A week is too short for persistent absence: withheld last year as this year.
      persistentAbsentees: null,
    });
    const thisYear = (await head.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    expect(thisYear.overall.attendanceRate).toEqual({ numerator: 4, denominator: 6 });
  });

  it("says there is nothing to compare with before the school's first year", async () => {
    server.setNow("2025-09-10", "15:00");
    const response = await head.get(url("/dashboard/last-year?period=year_to_date"));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ range: { to: "2024-09-10" }, overall: null });
    server.setNow("2026-09-11", "15:00");
  });

  it("is refused to teachers and parents", async () => {
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url("/dashboard/last-year"));
      expect(response.statusCode, person).toBe(403);
    }
  });
});

describe("drilling down from a figure to the pupils behind it", () => {
  it("lists each pupil's group and cohorts, so any row's pupils add up to its figures", async () => {
    const dashboard = (await head.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    type Row = { pupilId: number; group: string; cohorts: string[]; possible: number };
    const in8C = dashboard.pupils.filter((p: Row) => p.group === "8C");
    const row = dashboard.byRegistrationGroup.find((g: { label: string }) => g.label === "8C");
    expect(in8C.reduce((n: number, p: Row) => n + p.possible, 0)).toBe(row.statistics.possible);
    const social = dashboard.cohorts.find((c: { cohort: string }) => c.cohort === "Social worker");
    const named = dashboard.pupils.filter((p: Row) => p.cohorts.includes("Social worker"));
    expect(named.length).toBe(social.statistics.enrolments);
    expect(dashboard.listedCohorts).toContain("Social worker");
  });

  it("names who has a social worker only to those who may read safeguarding details", async () => {
    const trust = await server.as("trust");
    const dashboard = (await trust.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    expect(dashboard.listedCohorts).not.toContain("Social worker");
    expect(dashboard.listedCohorts).toContain("Free school meals");
    expect(dashboard.pupils.flatMap((p: { cohorts: string[] }) => p.cohorts)).not.toContain(
      "Social worker",
    );
  });
});
