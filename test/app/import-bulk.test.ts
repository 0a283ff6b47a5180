import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importMarks } from "../../src/app/import/import-marks.ts";
import type { Database } from "../../src/db/database.ts";
import { BulkMarkWriter } from "../../src/db/repositories/bulk-marks.ts";
import {
  loadYearMarks,
  markHistory,
  recordMarks,
  yearMarksFromRows,
} from "../../src/db/repositories/marks.ts";
import type { Pupil, School } from "../../src/db/schema.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { testDatabase } from "../support/database.ts";
import { aSchoolWithPupils } from "../support/school.ts";

let database: Database;
let school: School;
let pupils: Pupil[];
const header = "upn,date,session,code,minutes_late";
const DAYS = ["2025-09-03", "2025-09-04", "2025-09-05", "2025-09-08", "2025-09-09"];

beforeAll(async () => {
  database = await testDatabase();
  ({ school, pupils } = await aSchoolWithPupils(database.db, 4, "Bulk School"));
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

const count = async (table: "session_marks" | "mark_history") =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where school_id = ${school.id}`.execute(
      database.db,
    )
  ).rows[0]?.n;

/** Every pupil, every day, AM and PM, in batches of `batchSize` rows. */
function everyMark(code: (pupil: number, day: number) => string): string {
  const lines = [header];
  for (const [d, date] of DAYS.entries())
    for (const session of ["AM", "PM"])
      for (const [p, pupil] of pupils.entries())
        lines.push(`${pupil.upn},${date},${session},${code(p, d)},`);
  return `${lines.join("\n")}\n`;
}

describe("bulk marks import", () => {
  it("writes new marks in batches, with their history and compact form", async () => {
    const csv = everyMark(() => "/");
    const result = await importMarks(database.db, school.id, csv, { by: "bulk", batchSize: 7 });
    expect(result).toEqual({ created: 40, amended: 0, unchanged: 0 });
    expect(await count("session_marks")).toBe(40);
    expect(await count("mark_history")).toBe(40);
    const stored = await loadYearMarks(database.db, school.id, 2025);
    for (const pupil of pupils)
      expect(stored.get(pupil.id)).toEqual(
        await yearMarksFromRows(database.db, school.id, pupil.id, 2025),
      );
  });

  it("refuses changed marks without a reason, naming their lines, and writes nothing of the file", async () => {
    // Pupil 1's marks on day 2 differ; the rest are unchanged; a new day for everyone.
    const csv = `${everyMark((p, d) => (p === 0 && d === 1 ? "I" : "/"))}${pupils[0]?.upn},2025-09-10,AM,/,\n`;
    const error = await rejection(importMarks(database.db, school.id, csv, { by: "bulk" }));
    expect(error.message).toContain(
      "line 10: 2025-09-04 AM is already recorded as /; give an amendment reason",
    );
    expect(error.message).toContain("line 14: 2025-09-04 PM is already recorded as \\");
    expect(await count("session_marks")).toBe(40);
    expect(await count("mark_history")).toBe(40);
  });

  it("writes a mixture of new, unchanged and amended marks, amendments kept in the history", async () => {
    const csv = `${everyMark((p, d) => (p === 0 && d === 1 ? "I" : "/"))}${pupils[0]?.upn},2025-09-10,AM,/,\n`;
    const result = await importMarks(database.db, school.id, csv, {
      by: "office import",
      amendReason: "Illness reported by letter",
      batchSize: 3,
    });
    expect(result).toEqual({ created: 1, amended: 2, unchanged: 38 });
    const pupil = pupils[0] as Pupil;
    const history = await markHistory(database.db, school.id, pupil.id, {
      from: "2025-09-04",
      to: "2025-09-04",
    });
    expect(history.map((h) => [h.session, h.previousCode, h.code, h.reason])).toEqual([
      ["AM", null, "/", null],
      ["AM", "/", "I", "Illness reported by letter"],
      ["PM", null, "\\", null],
      ["PM", "\\", "I", "Illness reported by letter"],
    ]);
    expect(await count("mark_history")).toBe(43);
    expect((await loadYearMarks(database.db, school.id, 2025, [pupil.id])).get(pupil.id)).toEqual(
      await yearMarksFromRows(database.db, school.id, pupil.id, 2025),
    );
  });

  it("rolls back every batch already written when a later row is invalid", async () => {
    const good = Array.from({ length: 4 }, (_, i) => `${pupils[i]?.upn},2025-09-11,AM,/,`).join(
      "\n",
    );
    const csv = `${header}\n${good}\n${pupils[1]?.upn},2025-09-11,PM,K9,\nNOBODY,2025-09-11,PM,/,\n`;
    const error = await rejection(
      importMarks(database.db, school.id, csv, { by: "bulk", batchSize: 2 }),
    );
    expect(error.message).toContain("line 6:");
    expect(error.message).toContain('line 7: no pupil with UPN "NOBODY"');
    expect(await count("session_marks")).toBe(41);
    expect(await count("mark_history")).toBe(43);
  });

  it("keeps the compact form of marks recorded before the load beside the loaded ones", async () => {
    const pupil = pupils[3] as Pupil;
    await database.db
      .transaction()
      .execute((tx) =>
        recordMarks(
          tx,
          school.id,
          [{ pupilId: pupil.id, date: "2025-09-12", session: "AM", code: "N", minutesLate: null }],
          { by: "tutor", at: new Date(), source: "register", reason: null },
        ),
      );
    await database.db.transaction().execute(async (tx) => {
      const writer = new BulkMarkWriter(tx, school.id, {
        by: "loader",
        at: new Date(),
        source: "import",
        reason: null,
      });
      const written = await writer.write([
        { pupilId: pupil.id, date: "2025-09-12", session: "PM", code: "L", minutesLate: 12 },
        { pupilId: pupil.id, date: "2025-09-12", session: "AM", code: "N", minutesLate: null },
      ]);
      expect(written).toMatchObject({ created: 1, amended: 0, unchanged: 1 });
      await writer.finish();
    });
    expect((await loadYearMarks(database.db, school.id, 2025, [pupil.id])).get(pupil.id)).toEqual(
      await yearMarksFromRows(database.db, school.id, pupil.id, 2025),
    );
    const history = await markHistory(database.db, school.id, pupil.id, {
      from: "2025-09-12",
      to: "2025-09-12",
    });
    expect(history.map((h) => [h.session, h.code, h.minutesLate, h.changedBy])).toEqual([
      ["AM", "N", null, "tutor"],
      ["PM", "L", 12, "loader"],
    ]);
  });
});
