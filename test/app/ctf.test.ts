import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pupilReport } from "../../src/app/attendance-statistics.ts";
import { exportCtf } from "../../src/app/ctf/export-ctf.ts";
import { importCtf } from "../../src/app/ctf/import-ctf.ts";
import { parseCtf } from "../../src/app/ctf/parse-ctf.ts";
import type { Database } from "../../src/db/database.ts";
import { recordMarks } from "../../src/db/repositories/marks.ts";
import { pupilsByUpn } from "../../src/db/repositories/pupils.ts";
import type { DB, Pupil, School } from "../../src/db/schema.ts";
import type { SessionName } from "../../src/domain/calendar.ts";
import type { CtfYearData } from "../../src/domain/ctf/document.ts";
import { writeCtf } from "../../src/domain/ctf/write.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { testDatabase } from "../support/database.ts";
import { aSchoolWithPupils } from "../support/school.ts";

let database: Database;
let db: Kysely<DB>;
let from: School;
let to: School;
let amelia: Pupil;
let bilal: Pupil;
const at = new Date("2025-10-01T15:00:00Z");
const by = "Mrs S. Office (attendance officer)";

type Entry = [date: string, session: SessionName, code: string];

async function record(schoolId: number, pupilId: number, entries: Entry[]): Promise<void> {
  await db.transaction().execute((tx) =>
    recordMarks(
      tx,
      schoolId,
      entries.map(([date, session, code]) => ({ pupilId, date, session, code, minutesLate: null })),
      { by: "test", at, source: "register", reason: null },
    ),
  );
}

/** Every day's AM and PM from a list of codes, Monday to Friday from `monday`. */
function week(monday: string, codes: string[]): Entry[] {
  const entries: Entry[] = [];
  codes.forEach((code, i) => {
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + (i >> 1));
    entries.push([day.toISOString().slice(0, 10), i % 2 === 0 ? "AM" : "PM", code]);
  });
  return entries;
}

async function rowsOf(table: "transferred_attendance" | "pupils" | "session_marks") {
  return (
    await sql<{
      row: string;
    }>`select to_jsonb(t)::text as row from ${sql.table(table)} t order by 1`.execute(db)
  ).rows.map((r) => r.row);
}

async function refusal(promise: Promise<unknown>): Promise<RollbookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  database = await testDatabase();
  db = database.db;
  const a = await aSchoolWithPupils(db, 2, "Northfield Academy");
  const b = await aSchoolWithPupils(db, 0, "Southgate School");
  from = a.school;
  to = b.school;
  [amelia, bilal] = a.pupils as [Pupil, Pupil];
  await db.insertInto("local_authorities").values({ code: "383", name: "Leeds" }).execute();
  await db.insertInto("local_authorities").values({ code: "999", name: "Elsewhere" }).execute();
  await db
    .updateTable("schools")
    .set({ la_code: "383", estab: "4001" })
    .where("id", "=", from.id)
    .execute();
  await db
    .updateTable("schools")
    .set({ la_code: "999", estab: "1234" })
    .where("id", "=", to.id)
    .execute();
  // Last year at Northfield (no calendar stored for it, so unmarked days are written #), then
  // this year with the 2024 two-character codes.
  await record(from.id, amelia.id, [
    ...week("2024-09-02", ["/", "\\", "/", "\\", "I", "I", "/", "L", "N", "\\"]),
    ...week("2025-07-14", ["/", "\\", "G", "G"]),
  ]);
  await record(from.id, amelia.id, [
    ...week("2025-09-03", ["/", "\\", "C2", "C2", "Y4", "Y4"]),
    ...week("2025-09-08", ["J1", "\\", "/", "U", "B", "\\", "M", "\\", "/", "\\"]),
  ]);
  await record(from.id, bilal.id, week("2025-09-03", ["/", "\\", "O", "O"]));
});
afterAll(async () => {
  await database?.close();
});

describe("CTF export and import", () => {
  let xml: string;

  it("exports one YearData per academic year, with totals counted from the exact codes", async () => {
    const result = await exportCtf(db, from.id, [amelia.id], {
      at,
      destination: { lea: "999", estab: "1234" },
    });
    xml = result.xml;
    expect(result.years).toBe(2);
    expect(result.notes).toEqual([
      `Pupil ${amelia.upn}, 2025/26: 2 sessions coded C2, 2 coded Y4, 1 coded J1 are written in AttendanceMarks as their one-character family (C, Y, J), which has the same statistical category; the YearData totals count the exact codes`,
    ]);
    expect(xml).toContain("<CTFversion>25.0</CTFversion>");
    expect(xml).toContain("<DateTime>2025-10-01T16:00:00</DateTime>");
    const { file, problems } = parseCtf(xml);
    expect(problems).toEqual([]);
    const [lastYear, thisYear] = file.pupils[0]?.attendance ?? [];
    for (const [year, ctf] of [
      [2024, lastYear],
      [2025, thisYear],
    ] as const) {
      const { statistics } = await pupilReport(db, from.id, amelia.id, {
        from: `${year}-08-01`,
        to: `${year + 1}-07-31`,
      });
      expect(ctf).toMatchObject({
        year,
        school: { lea: "383", estab: "4001", schoolName: "Northfield Academy" },
        sessionsPossible: statistics.possible,
        sessionsAttended: statistics.attendance,
        sessionsAuthorised: statistics.authorised,
        sessionsUnauthorised: statistics.unauthorised,
      });
    }
    // Wednesday 3 September to Friday 12th, the weekend written #.
    expect(thisYear?.attendSessions).toEqual({
      startDate: "2025-09-03",
      marks: "/\\CCYY####J\\/UB\\M\\/\\",
    });
    expect(thisYear).toMatchObject({ sessionsPossible: 14, sessionsAttended: 9 });
  });

  it("refuses a pupil the receiving school does not have, writing nothing", async () => {
    const before = await Promise.all([rowsOf("transferred_attendance"), rowsOf("pupils")]);
    const error = await refusal(importCtf(db, to.id, xml, { by }));
    expect(error.code).toBe("import_rejected");
    const pupilLine = xml.split("\n").findIndex((l) => l.includes("<Pupil>")) + 1;
    expect(error.message).toContain(
      `line ${pupilLine}, <Pupil>: no pupil with UPN ${amelia.upn} in this school: admit them first`,
    );
    expect(await Promise.all([rowsOf("transferred_attendance"), rowsOf("pupils")])).toEqual(before);
  });

  it("admits the pupil from the file when asked, and keeps each year as sent", async () => {
    const registersBefore = await rowsOf("session_marks");
    const result = await importCtf(db, to.id, xml, { by, admitOn: "2025-10-01", at });
    expect(result).toEqual({
      pupils: 1,
      admitted: 1,
      years: { recorded: 2, superseded: 0, unchanged: 0, skipped: 0 },
      notes: [],
    });
    const admitted = (await pupilsByUpn(db, to.id)).get(amelia.upn);
    expect(admitted).toMatchObject({
      legal_forename: amelia.legal_forename,
      legal_surname: amelia.legal_surname,
      date_of_birth: amelia.date_of_birth,
      sex: amelia.sex,
      admission_date: "2025-10-01",
    });
    const rows = await db
      .selectFrom("transferred_attendance")
      .selectAll()
      .where("school_id", "=", to.id)
      .orderBy("academic_year")
      .execute();
    expect(rows.map((r) => [r.academic_year, r.from_school_name, r.imported_by])).toEqual([
      [2024, "Northfield Academy", by],
      [2025, "Northfield Academy", by],
    ]);
    expect(rows[0]?.ctf_source).toBe(
      "CTF 25.0 from Northfield Academy (383/4001), made 2025-10-01T16:00:00",
    );
    // The previous school's register is not this school's: no register entry was written.
    expect(await rowsOf("session_marks")).toEqual(registersBefore);
  });

  it("round trip: the receiving school's export carries the same years, totals and marks", async () => {
    const admitted = (await pupilsByUpn(db, to.id)).get(amelia.upn) as Pupil;
    const again = await exportCtf(db, to.id, [admitted.id], { at });
    const sent = parseCtf(xml).file.pupils[0]?.attendance;
    const carried = parseCtf(again.xml).file.pupils[0]?.attendance;
    const strip = (years: typeof sent) => years?.map(({ line: _line, ...year }) => year);
    expect(strip(carried)).toEqual(strip(sent));
    expect(parseCtf(again.xml).file.header.sourceSchool).toMatchObject({
      lea: "999",
      estab: "1234",
    });
  });

  it("importing the same file twice changes nothing", async () => {
    const before = await rowsOf("transferred_attendance");
    const result = await importCtf(db, to.id, xml, { by, admitOn: "2025-10-01" });
    expect(result.years).toEqual({ recorded: 0, superseded: 0, unchanged: 2, skipped: 0 });
    expect(result.admitted).toBe(0);
    expect(await rowsOf("transferred_attendance")).toEqual(before);
  });

  it("a corrected file adds a newer version of the year; the earlier one stays in history", async () => {
    const { file } = parseCtf(xml);
    const year = file.pupils[0]?.attendance[1] as CtfYearData;
    expect(year.attendSessions?.marks).toContain(String.raw`J\/UB\M`);
    year.attendSessions = {
      startDate: year.attendSessions?.startDate as string,
      marks: year.attendSessions?.marks.replace(String.raw`J\/UB\M`, String.raw`J\/IB\M`) ?? "",
    };
    year.sessionsAuthorised++;
    year.sessionsUnauthorised--;
    const corrected = writeCtf(file);
    const result = await importCtf(db, to.id, corrected, { by });
    expect(result.years).toEqual({ recorded: 1, superseded: 1, unchanged: 1, skipped: 0 });
    expect(result.notes).toEqual([]);
    const admitted = (await pupilsByUpn(db, to.id)).get(amelia.upn) as Pupil;
    const exported = parseCtf((await exportCtf(db, to.id, [admitted.id], { at })).xml);
    expect(exported.file.pupils[0]?.attendance[1]?.attendSessions?.marks).toContain(
      String.raw`J\/IB\M`,
    );
    const versions = await db
      .selectFrom("transferred_attendance")
      .select("marks")
      .where("school_id", "=", to.id)
      .where("academic_year", "=", 2025)
      .orderBy("id")
      .execute();
    expect(versions).toHaveLength(2);
  });

  it("skips the school's own years when a pupil comes back with them", async () => {
    const before = await rowsOf("transferred_attendance");
    const own = (await exportCtf(db, from.id, [amelia.id], { at })).xml;
    const result = await importCtf(db, from.id, own, { by });
    expect(result.years).toEqual({ recorded: 0, superseded: 0, unchanged: 0, skipped: 2 });
    expect(result.notes[0]).toContain("this school's own register, which it already holds");
    expect(await rowsOf("transferred_attendance")).toEqual(before);
  });

  it("refuses a malformed file whole, naming every problem's line and element", async () => {
    const before = await Promise.all([rowsOf("transferred_attendance"), rowsOf("pupils")]);
    const two = (await exportCtf(db, from.id, [amelia.id, bilal.id], { at })).xml;
    const lines = two.split("\n");
    const marksLine = lines.findIndex((l) => l.includes("<AttendanceMarks>/\\CC")) + 1;
    const possibleLine = lines.findIndex((l) => l.includes("<SessionsPossible>")) + 1;
    const broken = two
      .replace(String.raw`/\CCYY`, String.raw`/\CCYYX`)
      .replace(/<SessionsPossible>\d+</, "<SessionsPossible>abc<");
    const error = await refusal(importCtf(db, to.id, broken, { by, admitOn: "2025-10-01" }));
    expect(error.message).toMatch(/^Nothing was imported: 2 problems in the CTF file\n/);
    expect(error.message).toContain(
      `line ${possibleLine}: <SessionsPossible> is 'abc', not a number`,
    );
    expect(error.message).toContain(
      `line ${marksLine}, <AttendanceMarks>: 21 characters is not a whole number of sessions (two per day)`,
    );
    expect(await Promise.all([rowsOf("transferred_attendance"), rowsOf("pupils")])).toEqual(before);
  });

  it("refuses a UPN whose date of birth differs here, and a file addressed to another school", async () => {
    const other = (
      await exportCtf(db, from.id, [bilal.id], { at, destination: { lea: "888", estab: "7777" } })
    ).xml.replace(/<DOB>[^<]*<\/DOB>/, "<DOB>2013-01-01</DOB>");
    const error = await refusal(importCtf(db, from.id, other, { by }));
    expect(error.message).toContain(
      `UPN ${bilal.upn} is ${bilal.legal_forename} ${bilal.legal_surname} here, born ${bilal.date_of_birth}, but the file's pupil was born 2013-01-01: check the UPN`,
    );
    expect(error.message).toContain(
      "<DestSchool>: the file is addressed to LEA 888, Estab 7777, not to this school (LEA 383, Estab 4001)",
    );
  });

  it("addresses a file with no known destination to MMM/MMMM, names it as DfE does, and a school imports it", async () => {
    const result = await exportCtf(db, from.id, [bilal.id], { at });
    expect(result.fileName).toBe("3834001_CTF_MMMMMMM_001.XML");
    expect(result.xml).toMatch(/<DestSchool>\s*<LEA>MMM<\/LEA>\s*<Estab>MMMM<\/Estab>/);
    expect(result.notes).toContain(
      "No destination school given: the file is addressed to MMM/MMMM (destination unknown), as DfE asks; give XXX/XXXX for a pupil leaving for no maintained school",
    );
    // One unknown mark character: reported for that pupil and date, the rest imported.
    const outside = result.xml
      .replace("<LEA>MMM</LEA>", "<LEA>XXX</LEA>")
      .replace("<Estab>MMMM</Estab>", "<Estab>XXXX</Estab>")
      .replace(/<AttendanceMarks>(.)/, "<AttendanceMarks>%");
    const imported = await importCtf(db, to.id, outside, { by, admitOn: "2025-10-01", at });
    expect(imported).toMatchObject({ pupils: 1, admitted: 1, years: { recorded: 1 } });
    expect(imported.notes.join("\n")).toContain(
      `character 1: "%" is not an attendance code (pupil ${bilal.upn}, 2025-09-03 AM)`,
    );
  });

  it("keeps transferred attendance append-only in the database", async () => {
    await expect(sql`update transferred_attendance set marks = null`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from transferred_attendance`.execute(db)).rejects.toThrow(
      /append-only/,
    );
  });
});
