import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importContacts } from "../../src/app/import/import-contacts.ts";
import { importMarks } from "../../src/app/import/import-marks.ts";
import { importPupils } from "../../src/app/import/import-pupils.ts";
import type { Database } from "../../src/db/database.ts";
import { loadCalendar, saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { pupilsByUpn } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { School } from "../../src/db/schema.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { year2025 } from "../support/builders.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
let school: School;
const UPN = makeUpn("383", "4999", 24, 1);
const HEADER = "upn,date,session,code";

beforeAll(async () => {
  database = await testDatabase();
  school = await createSchool(database.db, { name: "Limits School", phase: "secondary" });
  await saveAcademicYear(database.db, school.id, year2025());
  await importPupils(
    database.db,
    school.id,
    `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n${UPN},Amelia,Khan,2012-10-01,F,2024-09-01\n`,
  );
});
afterAll(async () => {
  await database?.close();
});

async function rejection(promise: Promise<unknown>): Promise<RollbookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected the import to be refused");
}

const storedMarks = async () =>
  (
    await database.db
      .selectFrom("session_marks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("school_id", "=", school.id)
      .executeTakeFirstOrThrow()
  ).n;

/** The file in small pieces that cut rows in half, as a file read from disk arrives. */
async function* inPieces(text: string, size = 97): AsyncGenerator<Buffer> {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

describe("import limits", () => {
  it("refuses marks dated after today", async () => {
    const csv = `${HEADER}\n${UPN},2025-09-03,AM,/\n${UPN},2025-09-04,AM,/\n`;
    const error = await rejection(
      importMarks(database.db, school.id, csv, { by: "test", today: "2025-09-03" }),
    );
    expect(error.message).toContain(
      "line 3: 2025-09-04 is after today (2025-09-03): a register cannot be recorded in advance",
    );
    expect(await storedMarks()).toBe(0);
  });

  it("caps names at 100 characters, as the API does", async () => {
    const long = "A".repeat(200_000);
    const pupils = await rejection(
      importPupils(
        database.db,
        school.id,
        `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n${UPN},${long},Khan,2012-10-01,F,2024-09-01\n`,
      ),
    );
    expect(pupils.message).toContain(
      "line 2: legal_forename is 200000 characters long; at most 100",
    );
    const contacts = await rejection(
      importContacts(
        database.db,
        school.id,
        `upn,priority,name,relationship\n${UPN},1,${long},Mother\n`,
      ),
    );
    expect(contacts.message).toContain("line 2: name is 200000 characters long; at most 200");
    expect((await pupilsByUpn(database.db, school.id)).get(UPN)?.legal_forename).toBe("Amelia");
  });

  it("reports the first 100 problems of a file and counts the rest", async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `X${i},2025-09-03,AM,/`);
    const error = await rejection(
      importMarks(database.db, school.id, `${HEADER}\n${rows.join("\n")}\n`, { by: "test" }),
    );
    expect(error.message).toContain("Nothing was imported: 5000 problems in the marks file");
    expect(error.message).toContain("...and 4900 more");
    expect(error.details.problems).toHaveLength(100);
    expect(error.details.moreProblems).toBe(4_900);
    expect(JSON.stringify(error.details).length).toBeLessThan(20_000);
  });

  it("reads a marks file in batches as it arrives: a problem in the last batch undoes the first ones", async () => {
    const calendar = await loadCalendar(database.db, school.id);
    const sessions = calendar
      .schoolDays("2025-09-01", "2025-12-19")
      .flatMap((date) => [`${UPN},${date},AM,/`, `${UPN},${date},PM,/`]);
    expect(sessions.length).toBeGreaterThan(120);
    const good = `${HEADER}\n${sessions.join("\n")}\n`;
    const bad = `${good}${sessions[0]}\n`;
    const error = await rejection(
      importMarks(database.db, school.id, inPieces(bad), {
        by: "test",
        today: "2026-01-01",
        batchSize: 50,
      }),
    );
    expect(error.message).toContain(
      `line ${sessions.length + 2}: ${sessions[0]?.split(",").slice(0, 3).join(" ")} is also on line 2`,
    );
    expect(await storedMarks()).toBe(0);
    let progress = 0;
    const result = await importMarks(database.db, school.id, inPieces(good), {
      by: "test",
      today: "2026-01-01",
      batchSize: 50,
      onProgress: (rows) => {
        progress = rows;
      },
    });
    expect(result).toEqual({ created: sessions.length, amended: 0, unchanged: 0 });
    expect(progress).toBe(sessions.length);
    expect(await storedMarks()).toBe(sessions.length);
  });
});
