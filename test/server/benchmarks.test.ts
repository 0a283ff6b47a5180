import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPupils } from "../../src/db/repositories/pupils.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

const SAMPLE = readFileSync(
  new URL("../fixtures/dfe-attendance-ytd-2025-26-sample.csv", import.meta.url),
  "utf8",
);
const LINES = SAMPLE.trimEnd().split("\n");
const COLUMNS = JSON.parse(`[${LINES[0]}]`) as string[];

/** The sample with one cell of one line (1 is the header) changed. */
function withCell(text: string, line: number, column: string, value: string): string {
  const lines = text.trimEnd().split("\n");
  const cells = JSON.parse(`[${lines[line - 1]}]`) as string[];
  cells[COLUMNS.indexOf(column)] = value;
  lines[line - 1] = cells.map((c) => `"${c}"`).join(",");
  return `${lines.join("\n")}\n`;
}

/** The file line of the sample's row for an area and phase. */
const lineOf = (area: string, phase: string) =>
  LINES.findIndex((l) => l.includes(`"${area}"`) && l.includes(`"${phase}"`)) + 1;

let server: TestServer;
let admin: Client;
let head: Client;
const csv = { "content-type": "text/csv" };
const schoolUrl = () => `/api/schools/${server.school.id}/benchmarks`;
const importFile = (client: Client, text: string) =>
  client.send("POST", "/api/benchmarks", text, csv);
const stored = () =>
  server.database.db
    .selectFrom("attendance_benchmarks")
    .selectAll()
    .orderBy("geographic_level")
    .orderBy("area_code")
    .orderBy("education_phase")
    .execute();

beforeAll(async () => {
  server = await testServer();
  const [amelia, bilal] = server.pupils as [Pupil, Pupil];
  // A sixth-former, 16 at the start of the year: outside DfE's 5-to-15 statistics.
  await insertPupils(server.database.db, [
    {
      school_id: server.school.id,
      upn: makeUpn("383", "4999", 24, 190),
      legal_forename: "Sam",
      legal_surname: "Pupil",
      preferred_forename: null,
      preferred_surname: null,
      date_of_birth: "2009-01-15",
      sex: "M",
      year_group_id: null,
      registration_group_id: server.groups.g9C,
      admission_date: "2024-09-01",
      leaving_date: null,
    },
  ]);
  [admin, head] = await Promise.all([server.as("admin"), server.as("head")]);
  const office = await server.as("office");
  const register = (group: number, body: object) =>
    office.send("PUT", `/api/schools/${server.school.id}/registers/${group}/2025-09-03/AM`, body);
  // 8C: Amelia ill, Bilal no reason yet, Chloe present; 9C: Dev and Sam present.
  for (const saved of [
    await register(server.groups.g8C, {
      marks: [
        { pupilId: amelia.id, code: "I" },
        { pupilId: bilal.id, code: "N" },
      ],
      allPresent: true,
    }),
    await register(server.groups.g9C, { marks: [], allPresent: true }),
  ])
    expect(saved.statusCode, saved.body).toBeLessThan(300);
});
afterAll(async () => {
  await server?.close();
});

describe("before any DfE statistics are imported", () => {
  it("the school's comparison says there is no benchmark", async () => {
    const response = await head.get(schoolUrl());
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      educationPhase: "Secondary",
      benchmark: null,
      rows: [],
    });
  });

  it("a file with a bad number is refused, naming the line and column, and nothing is written", async () => {
    const bad = withCell(
      withCell(SAMPLE, 2, "reason_i_authorised_illness", "224480.5"),
      7,
      "possible_sessions",
      "n/a",
    );
    const response = await importFile(admin, bad);
    expect(response.statusCode).toBe(400);
    const { message } = response.json().error;
    expect(message).toContain("Nothing was imported: 2 problems");
    expect(message).toContain(
      'line 2: column reason_i_authorised_illness: "224480.5" is not a whole number of sessions',
    );
    expect(message).toContain('line 7: column possible_sessions: "n/a" is not a number');
    expect(await stored()).toEqual([]);
  });
});

describe("importing DfE's attendance statistics", () => {
  it("is for administrators only", async () => {
    expect((await importFile(head, SAMPLE)).statusCode).toBe(403);
    expect((await importFile(await server.as("la"), SAMPLE)).statusCode).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it("stores every row, and the truth check finds nothing to report on DfE's sample", async () => {
    const response = await importFile(admin, SAMPLE);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      periods: ["202526 Academic year"],
      rows: 59,
      added: 59,
      updated: 0,
      removed: 0,
      unchanged: 0,
      checks: [],
    });
    const england = (await stored()).find(
      (r) => r.geographic_level === "National" && r.education_phase === "Total",
    );
    expect(england).toMatchObject({
      area_code: "E92000001",
      possible_sessions: 2_445_419_687,
      authorised_absence: 110_576_083,
      num_schools: "20392.4095744681",
      imported_by: "Admin (administrator)",
    });
    expect(england?.reason_sessions.reason_present_am).toBe(1_087_607_804);
    expect(england?.percentages.pa_perc).toBe(18.7817604593414);
  });

  it("is idempotent: importing the same file again changes nothing", async () => {
    const before = await stored();
    server.setNow("2025-09-03", "10:00");
    const response = await importFile(admin, SAMPLE);
    expect(response.json()).toMatchObject({
      rows: 59,
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 59,
    });
    expect(await stored()).toEqual(before);
    server.setNow("2025-09-03", "08:45");
  });

  it("refuses a bad file without touching what is stored, even its good rows", async () => {
    const before = await stored();
    const leeds = lineOf("Leeds", "Secondary");
    const bad = withCell(withCell(SAMPLE, leeds, "pa_perc", "19.0"), 3, "geographic_level", "Ward");
    const response = await importFile(admin, bad);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(
      'line 3: column geographic_level: "Ward" is not one of National, Regional, Local authority',
    );
    expect(await stored()).toEqual(before);
  });

  it("refuses a file whose header is not DfE's, naming the columns", async () => {
    const renamed = SAMPLE.replace('"possible_sessions"', '"possible"');
    const response = await importFile(admin, renamed);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain("missing column(s): possible_sessions");
    expect(response.json().error.message).toContain("unknown column(s): possible");
  });

  it("replaces the period as a whole, and reports rows whose codes do not add up", async () => {
    const leeds = lineOf("Leeds", "Secondary");
    const rutland = lineOf("Rutland", "Secondary");
    const changed = withCell(SAMPLE, leeds, "reason_o_other_unauthorised", "1")
      .split("\n")
      .filter((_, i) => i + 1 !== rutland)
      .join("\n");
    const response = await importFile(admin, changed);
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ rows: 58, added: 0, updated: 1, removed: 1, unchanged: 57 });
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({
      line: leeds,
      row: "Local authority Leeds (E08000035), Secondary, 202526 Academic year",
    });
    expect(result.checks[0].problems[0]).toMatch(
      /^the unauthorised codes add up to \d+, but unauthorised_absence is \d+$/,
    );
    expect(
      (await stored()).some((r) => r.area_name === "Rutland" && r.education_phase === "Secondary"),
    ).toBe(false);
    // DfE's own file again: back as it was.
    expect((await importFile(admin, SAMPLE)).json()).toMatchObject({ added: 1, updated: 1 });
  });
});

describe("a school against England, its region and its local authority", () => {
  it("compares School A (LA 383 Leeds, secondary) with Leeds, Yorkshire and The Humber and England", async () => {
    const response = await head.get(schoolUrl());
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      educationPhase: "Secondary",
      note: null,
      benchmark: { timePeriod: "202526", academicYear: "2025/26", timeIdentifier: "Academic year" },
      schoolRange: { from: "2025-08-01", to: "2025-09-03" },
      missing: [],
    });
    expect(body.rows.map((r: { level: string; name: string }) => `${r.level}: ${r.name}`)).toEqual([
      "School: School A",
      "Local authority: Leeds",
      "Regional: Yorkshire and The Humber",
      "National: England",
    ]);
    const [school, leeds, region, england] = body.rows;
    // Sam (16) is left out as DfE leaves him out: four enrolments, one session each.
    expect(school).toEqual({
      level: "School",
      name: "School A",
      areaCode: null,
      enrolments: 4,
      possibleSessions: 4,
      attendancePercent: 50,
      overallAbsencePercent: 50,
      authorisedAbsencePercent: 25,
      unauthorisedAbsencePercent: 25,
      persistentAbsencePercent: 50,
    });
    expect(leeds).toMatchObject({ areaCode: "E08000035", possibleSessions: 17_425_458 });
    expect(leeds.attendancePercent).toBeCloseTo(91.1605594527272, 10);
    expect(leeds.persistentAbsencePercent).toBe(23.8068267633288);
    expect(region.areaCode).toBe("E12000003");
    expect(england).toMatchObject({ areaCode: "E92000001", possibleSessions: 1_093_892_081 });
  });

  it("is shown to every role with statistics.view, and refused to others", async () => {
    for (const person of ["office", "dsl", "trust", "la", "admin"] as const) {
      const response = await (await server.as(person)).get(schoolUrl());
      expect(response.statusCode, person).toBe(200);
    }
    for (const person of ["teacher", "parent", "otherHead"] as const) {
      const response = await (await server.as(person)).get(schoolUrl());
      expect(response.statusCode, person).toBe(403);
    }
  });

  it("names what is missing for a school whose local authority is not in the file", async () => {
    const response = await admin.get(`/api/schools/${server.other.id}/benchmarks`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.educationPhase).toBe("Primary");
    expect(body.rows.map((r: { level: string }) => r.level)).toEqual(["School", "National"]);
    expect(body.missing).toEqual([
      "local authority 999 (Elsewhere)",
      "the region of local authority 999",
    ]);
  });
});
