import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The autumn term 2025 to Friday 19 December: Amelia ill, at the dentist, late after the register
 * closed and on an unauthorised holiday; Bilal away without reason for ten school days in
 * September; Chloe ill in three spells of five days; Dev (born 2009, so 16: outside the census
 * cohort) ill for fifteen days in a row; Eve, on roll from October, away without reason for the
 * last ten days of term.
 */
let server: TestServer;
let office: Client;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  const { db } = server.database;
  const [amelia, bilal, chloe, dev, eve] = server.pupils as [Pupil, Pupil, Pupil, Pupil, Pupil];
  await db
    .updateTable("pupils")
    .set({ date_of_birth: "2009-05-01" })
    .where("id", "=", dev.id)
    .execute();
  const write = (p: Pupil, from: string, exceptions: Parameters<typeof writeAttendance>[5]) =>
    writeAttendance(db, server.school.id, p.id, from, "2025-12-19", exceptions);
  await write(amelia, "2025-09-03", [
    ["2025-10-01", "day", "I"],
    ["2025-10-02", "AM", "M"],
    ["2025-12-01", "PM", "U"],
    ["2025-12-02", "day", "G"],
  ]);
  await write(bilal, "2025-09-03", daysOf("2025-09-15", 10, "N"));
  await write(chloe, "2025-09-03", [
    ...daysOf("2025-09-08", 5, "I"),
    ...daysOf("2025-10-06", 5, "I"),
    ...daysOf("2025-12-01", 5, "I"),
  ]);
  await write(dev, "2025-09-03", daysOf("2025-11-03", 15, "I"));
  await write(eve, "2025-10-01", daysOf("2025-12-08", 10, "O"));
  server.setNow("2026-01-07", "09:30");
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("census attendance summary", () => {
  it("gives each pupil of the headline cohort their sessions, authorised, unauthorised and reasons", async () => {
    const response = await office.get(url("/reports/census?term=autumn&year=2025"));
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json();
    expect(summary.window).toMatchObject({
      from: "2025-08-01",
      to: "2025-12-31",
      census: "Spring census 2026",
    });
    expect(summary.rule).toContain("aged 5 to 15 on 31 August");
    expect(summary.pupils.map((p: { forename: string }) => p.forename)).toEqual([
      "Amelia",
      "Bilal",
      "Chloe",
      "Eve",
    ]);
    expect(summary.excluded).toEqual({ outsideAgeRange: 1, noPossibleSessions: 0 });
    expect(summary.pupils[0]).toMatchObject({
      sessionsPossible: 146,
      sessionsAuthorised: 3,
      sessionsUnauthorised: 3,
      byReason: expect.objectContaining({ I: 2, M: 1, U: 1, G: 2, N: 0 }),
    });
    expect(summary.totals).toMatchObject({ pupils: 4, sessionsUnauthorised: 3 + 20 + 20 });
  });

  it("downloads as CSV with one column per reason", async () => {
    const response = await office.get(url("/reports/census?term=autumn&year=2025&format=csv"));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toContain(
      'filename="census-attendance-autumn-term-2025.csv"',
    );
    const [header, first] = response.body.split("\r\n");
    expect(header).toBe(
      "UPN,Surname,Forename,Date of birth,Age at 31 August,Sessions possible,Sessions authorised,Sessions unauthorised,C,C1,C2,E,I,J1,M,R,S,T,G,N,O,U",
    );
    expect(first).toMatch(
      /^[A-Z]\d{12},Pupil,Amelia,2012-10-01,12,146,3,3,0,0,0,0,2,0,1,0,0,0,2,0,0,1$/,
    );
  });

  it("refuses an unknown term, and teachers", async () => {
    expect((await office.get(url("/reports/census?term=winter"))).statusCode).toBe(400);
    expect((await (await server.as("teacher")).get(url("/reports/census"))).statusCode).toBe(403);
  });
});

describe("local authority returns", () => {
  it("lists every run of 10 school days without permission, with its dates and marks", async () => {
    const response = await office.get(url("/reports/continuous-absence?date=2025-12-19"));
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.rule).toMatchObject({ days: 10, source: "default" });
    expect(report.rule.statement).toContain("statutory default of 10 school days");
    expect(
      report.rows.map(
        (r: { name: string; from: string; to: string; days: number; ongoing: boolean }) => [
          r.name,
          r.from,
          r.to,
          r.days,
          r.ongoing,
        ],
      ),
    ).toEqual([
      ["Bilal Pupil", "2025-09-15", "2025-09-26", 10, false],
      ["Eve Pupil", "2025-12-08", "2025-12-19", 10, true],
    ]);
    expect(report.rows[0].evidence[0]).toEqual({ date: "2025-09-15", session: "AM", code: "N" });
  });

  it("lists 15 days of illness in a row or in all, and takes thresholds from the policy", async () => {
    const head = await server.as("head");
    expect(
      (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
    ).toBe(201);
    const report = (await office.get(url("/reports/illness?date=2025-12-19"))).json();
    expect(report.rule).toMatchObject({
      consecutiveDays: 15,
      cumulativeDays: 15,
      source: "policy",
    });
    expect(
      report.rows.map((r: { name: string; days: number; reached: string }) => [
        r.name,
        r.days,
        r.reached,
      ]),
    ).toEqual([
      ["Chloe Pupil", 15, "15 days in all, reached on 5 Dec 2025"],
      [
        "Dev Pupil",
        15,
        "15 days in a row (3 Nov 2025 to 21 Nov 2025); and 15 days in all, reached on 21 Nov 2025",
      ],
    ]);
    const csv = await office.get(url("/reports/illness?date=2025-12-19&format=csv"));
    expect(csv.body.split("\r\n")[0]).toBe(
      "UPN,Name,Date of birth,Registration group,Days of illness,Longest qualifying run (days),Threshold reached,First illness,Last illness,Marks",
    );
    expect(csv.body).toContain("I 2025-09-08 AM; I 2025-09-08 PM");
  });

  it("downloads a return as XLSX", async () => {
    const response = await office.get(
      url("/reports/continuous-absence?date=2025-12-19&format=xlsx"),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).getCell(1).value).toBe("UPN");
    expect(sheet?.getRow(2).getCell(2).value).toBe("Bilal Pupil");
    expect(sheet?.getRow(2).getCell(7).value).toBe(10);
  });
});

describe("any table as XLSX", () => {
  const table = {
    title: "Persistent absentees: 8C",
    columns: [{ label: "Pupil" }, { label: "Attendance %", numeric: true }],
    rows: [
      ['=HYPERLINK("http://example.com")', 88.5],
      ["Bilal Pupil", null],
    ],
  };

  it("builds the workbook from the rows the app sends, text never a formula", async () => {
    const response = await office.send("POST", "/api/exports/xlsx", table);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-disposition"]).toContain(
      'filename="persistent-absentees-8c.xlsx"',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.name).toBe("Persistent absentees  8C");
    const cell = sheet?.getRow(2).getCell(1);
    expect(cell?.type).toBe(ExcelJS.ValueType.String);
    expect(sheet?.getRow(2).getCell(2).value).toBe(88.5);
  });

  it("refuses strangers, a missing CSRF token, ragged rows and too many rows", async () => {
    const anonymous = await server.app.inject({
      method: "POST",
      url: "/api/exports/xlsx",
      payload: table,
    });
    expect(anonymous.statusCode).toBe(401);
    const noToken = await server.app.inject({
      method: "POST",
      url: "/api/exports/xlsx",
      payload: table,
      headers: { cookie: office.cookie },
    });
    expect(noToken.statusCode).toBe(403);
    const ragged = await office.send("POST", "/api/exports/xlsx", {
      ...table,
      rows: [["only one"]],
    });
    expect(ragged.statusCode).toBe(400);
    expect(ragged.json().error.message).toContain("one cell per column");
    const huge = await office.send("POST", "/api/exports/xlsx", {
      ...table,
      rows: Array.from({ length: 20_001 }, () => ["x", 1]),
    });
    expect(huge.statusCode).toBe(400);
  });
});
