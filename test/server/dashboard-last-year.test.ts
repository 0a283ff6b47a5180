import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPICAL_TERM_DATES } from "../../src/app/demo/term-dates.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { type MarkToRecord, recordMarks } from "../../src/db/repositories/marks.ts";
import { ensureGroups, insertPupils } from "../../src/db/repositories/pupils.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { sameWindowLastYear, yearGroupYearsBack } from "../../src/domain/last-year.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  const { db } = server.database;
  await saveAcademicYear(db, server.school.id, TYPICAL_TERM_DATES[1] as never);
  const [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  // Amelia and Bilal are in Year 9 now (Year 8 last year), Chloe in Year 8 (Year 7 last year,
  // a year group the school has no name for); Finn left last summer from Year 11.
  const years = await ensureGroups(db, server.school.id, [
    { yearGroup: "Year 8", registrationGroup: null },
    { yearGroup: "Year 9", registrationGroup: null },
    { yearGroup: "Year 11", registrationGroup: null },
  ]);
  const yearId = (name: string) => years.yearGroups.get(name) as number;
  for (const [p, year] of [
    [amelia, "Year 9"],
    [bilal, "Year 9"],
    [chloe, "Year 8"],
  ] as const)
    await db
      .updateTable("pupils")
      .set({ year_group_id: yearId(year) })
      .where("id", "=", p.id)
      .execute();
  const [finn] = (await insertPupils(db, [
    {
      school_id: server.school.id,
      upn: makeUpn("383", "4999", 24, server.school.id * 100 + 50),
      legal_forename: "Finn",
      legal_surname: "Pupil",
      preferred_forename: null,
      preferred_surname: null,
      date_of_birth: "2009-10-01",
      sex: "M" as const,
      year_group_id: yearId("Year 11"),
      registration_group_id: null,
      admission_date: "2021-09-01",
      leaving_date: "2026-07-20",
    },
  ])) as [Pupil];
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
        [finn, "/"],
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
      possible: 14,
      absence: 2,
      attendanceRate: { numerator: 12, denominator: 14 },
      unauthorisedAbsenceRate: { numerator: 2, denominator: 14 },
      // A week is too short for persistent absence: withheld last year as this year.
      persistentAbsentees: null,
    });
    const thisYear = (await head.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    expect(thisYear.overall.attendanceRate).toEqual({ numerator: 4, denominator: 6 });
  });

  it("breaks last year down by the year group each pupil was in then, in exact counts", async () => {
    const response = await head.get(url("/dashboard/last-year?from=2026-09-07&to=2026-09-11"));
    const { byYearGroup, overall } = response.json();
    type Row = { label: string; statistics: Record<string, unknown> };
    expect(byYearGroup.map((g: Row) => g.label)).toEqual(["Year 7", "Year 8", "Year 11"]);
    const of = (label: string) => byYearGroup.find((g: Row) => g.label === label).statistics;
    // Chloe, in Year 8 now, was in Year 7: four sessions, all attended.
    expect(of("Year 7")).toMatchObject({
      enrolments: 1,
      possible: 4,
      attendance: 4,
      attendanceRate: { numerator: 4, denominator: 4 },
      persistentAbsentees: null,
    });
    // Amelia and Bilal, in Year 9 now, were last year's Year 8: Bilal's two O sessions.
    expect(of("Year 8")).toMatchObject({
      enrolments: 2,
      possible: 8,
      attendance: 6,
      unauthorised: 2,
      attendanceRate: { numerator: 6, denominator: 8 },
    });
    // A leaver's stored year group is the one they left from: Finn was in Year 11 then.
    expect(of("Year 11")).toMatchObject({ enrolments: 1, possible: 2, attendance: 2 });
    // The rows add up to the whole school's figures.
    const sum = (key: string) =>
      byYearGroup.reduce((n: number, g: Row) => n + (g.statistics[key] as number), 0);
    expect(sum("possible")).toBe(overall.possible);
    expect(sum("attendance")).toBe(overall.attendance);
    expect(sum("absence")).toBe(overall.absence);
    // This year's Year 8 is Chloe; set against last year's Year 8 (Amelia and Bilal), like for like.
    const thisYear = (await head.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    expect(thisYear.byYearGroup.map((g: Row) => g.label)).toEqual(["Year 8", "Year 9"]);
  });

  it("names earlier year groups as the school does, or by their National Curriculum year", () => {
    const school = [
      { name: "Y8", ncYear: 8 },
      { name: "Year 9", ncYear: 9 },
    ];
    expect(yearGroupYearsBack({ name: "Year 9", ncYear: 9 }, 1, school)).toEqual({
      name: "Y8",
      ncYear: 8,
    });
    expect(yearGroupYearsBack({ name: "Year 9", ncYear: 9 }, 0, school)?.name).toBe("Year 9");
    expect(yearGroupYearsBack({ name: "Year 1", ncYear: 1 }, 1, school)?.name).toBe("Reception");
    expect(yearGroupYearsBack({ name: "Year 7", ncYear: 7 }, 2, school)?.name).toBe("Year 5");
    expect(yearGroupYearsBack({ name: "Nursery", ncYear: null }, 1, school)?.name).toBe("Nursery");
    expect(yearGroupYearsBack(null, 1, school)).toBeNull();
  });

  it("says there is nothing to compare with before the school's first year", async () => {
    server.setNow("2025-09-10", "15:00");
    const response = await head.get(url("/dashboard/last-year?period=year_to_date"));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      range: { to: "2024-09-10" },
      overall: null,
      byYearGroup: [],
    });
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

  it("opens the pupils behind a bar of the weekday chart: their sums are that bar's figures", async () => {
    const range = "from=2025-09-01&to=2026-09-11";
    const dashboard = (await head.get(url(`/dashboard?${range}`))).json();
    type Row = { pupilId: number; possible: number; absence: number; persistentlyAbsent: unknown };
    const sum = (rows: Row[], key: "possible" | "absence") => rows.reduce((n, p) => n + p[key], 0);
    for (const day of dashboard.weekdays as {
      weekday: string;
      possible: number;
      absence: number;
    }[]) {
      const behind = await head.get(url(`/dashboard/pupils?${range}&weekday=${day.weekday}`));
      expect(behind.statusCode, behind.body).toBe(200);
      const { pupils, weekday } = behind.json();
      expect(weekday).toBe(day.weekday);
      expect([sum(pupils, "possible"), sum(pupils, "absence")], day.weekday).toEqual([
        day.possible,
        day.absence,
      ]);
      // Persistent absence is never counted over one weekday's sessions.
      expect(pupils.every((p: Row) => p.persistentlyAbsent === null)).toBe(true);
    }
    // Bilal's two O sessions were on a Wednesday; Amelia's illness on a Tuesday.
    const wednesday = (await head.get(url(`/dashboard/pupils?${range}&weekday=Wednesday`))).json()
      .pupils;
    expect(
      wednesday.filter((p: Row) => p.absence > 0).map((p: { name: string }) => p.name),
    ).toEqual([expect.stringContaining("Bilal")]);
    const refused = await head.get(url(`/dashboard/pupils?${range}&weekday=Saturday`));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/weekday must be Monday, Tuesday, Wednesday, Thursday or Friday/);
  });

  it("opens the pupils behind a week of the week-by-week chart: the week's dates as the period", async () => {
    const dashboard = (await head.get(url("/dashboard?from=2025-09-01&to=2026-09-11"))).json();
    type Week = { weekStart: string; possible: number; attendance: number };
    const week = (dashboard.weeks as Week[]).find((w) => w.weekStart === "2025-09-08") as Week;
    expect(week.possible).toBeGreaterThan(0);
    const behind = await head.get(url("/dashboard/pupils?from=2025-09-08&to=2025-09-14"));
    const pupils = behind.json().pupils as { possible: number; absence: number }[];
    const possible = pupils.reduce((n, p) => n + p.possible, 0);
    const absence = pupils.reduce((n, p) => n + p.absence, 0);
    expect([possible, possible - absence]).toEqual([week.possible, week.attendance]);
  });

  it("carries each pupil's lates, so punctuality's figures open the pupils behind them", async () => {
    const { db } = server.database;
    const [amelia, bilal] = server.pupils as [Pupil, Pupil];
    await recordMarks(
      db,
      server.school.id,
      [
        { pupilId: amelia.id, date: "2026-09-09", session: "AM", code: "L", minutesLate: 5 },
        { pupilId: bilal.id, date: "2026-09-09", session: "AM", code: "U", minutesLate: 40 },
        { pupilId: bilal.id, date: "2026-09-10", session: "AM", code: "L", minutesLate: 3 },
      ],
      { by: "Office", source: "register", reason: null, at: londonInstant("2026-09-10", "10:00") },
    );
    const range = "from=2026-09-07&to=2026-09-11";
    const punctuality = (await head.get(url(`/dashboard/punctuality?${range}`))).json();
    const pupils = (await head.get(url(`/dashboard?${range}`))).json().pupils as {
      name: string;
      late: number;
      lateAfterClose: number;
    }[];
    const sum = (rows: typeof pupils, key: "late" | "lateAfterClose") =>
      rows.reduce((n, p) => n + p[key], 0);
    expect(punctuality.lates.total).toBe(3);
    expect(sum(pupils, "late")).toBe(punctuality.lates.total);
    expect(sum(pupils, "lateAfterClose")).toBe(punctuality.lates.U);
    for (const day of punctuality.byWeekday as { weekday: string; lates: number }[]) {
      const behind = (
        await head.get(url(`/dashboard/pupils?${range}&weekday=${day.weekday}`))
      ).json().pupils;
      expect(sum(behind, "late"), day.weekday).toBe(day.lates);
    }
  });

  it("refuses the pupils behind a figure to teachers and parents", async () => {
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url("/dashboard/pupils"));
      expect(response.statusCode, person).toBe(403);
    }
  });

  it("names who has a social worker only to those who may read safeguarding details", async () => {
    const trust = await server.as("trust");
    const dashboard = (await trust.get(url("/dashboard?from=2026-09-07&to=2026-09-11"))).json();
    expect(dashboard.listedCohorts).not.toContain("Social worker");
    expect(dashboard.listedCohorts).toContain("Free school meals");
    expect(dashboard.pupils.flatMap((p: { cohorts: string[] }) => p.cohorts)).not.toContain(
      "Social worker",
    );
    const behind = (
      await trust.get(url("/dashboard/pupils?from=2026-09-07&to=2026-09-11&weekday=Tuesday"))
    ).json();
    expect(behind.pupils.length).toBeGreaterThan(0);
    expect(behind.pupils.flatMap((p: { cohorts: string[] }) => p.cohorts)).not.toContain(
      "Social worker",
    );
  });
});
