import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import {
  findMarks,
  loadYearMarks,
  markHistory,
  type Recording,
  recordMarks,
  yearMarksFromRows,
} from "../../src/db/repositories/marks.ts";
import type { Pupil, School } from "../../src/db/schema.ts";
import { describeMarks, slotRange } from "../../src/domain/marks.ts";
import { testDatabase } from "../support/database.ts";
import { aSchoolWithPupils } from "../support/school.ts";

let database: Database;
let school: School;
let pupils: Pupil[];

beforeAll(async () => {
  database = await testDatabase();
  ({ school, pupils } = await aSchoolWithPupils(database.db));
});
afterAll(async () => {
  await database?.close();
});

const teacher = (at = "2025-09-03T07:52:00Z") => ({
  by: "Ms K. Teacher (teacher)",
  at: new Date(at),
  source: "register" as const,
  reason: null,
});

function save(
  marks: { pupil: Pupil; date: string; session: "AM" | "PM"; code: string; minutesLate?: number }[],
  recording: Recording = teacher(),
) {
  return database.db.transaction().execute((tx) =>
    recordMarks(
      tx,
      school.id,
      marks.map((m) => ({
        pupilId: m.pupil.id,
        date: m.date,
        session: m.session,
        code: m.code,
        minutesLate: m.minutesLate ?? null,
      })),
      recording,
    ),
  );
}

describe("session marks storage", () => {
  it("records marks with their history and compact form", async () => {
    const [a, b] = pupils as [Pupil, Pupil];
    const result = await save([
      { pupil: a, date: "2025-09-03", session: "AM", code: "/" },
      { pupil: a, date: "2025-09-03", session: "PM", code: "\\" },
      { pupil: b, date: "2025-09-03", session: "AM", code: "L", minutesLate: 7 },
      { pupil: b, date: "2025-09-03", session: "PM", code: "N" },
    ]);
    expect(result).toMatchObject({ created: 4, amended: 0, unchanged: 0 });
    const history = await markHistory(database.db, school.id, b.id);
    expect(history.map((h) => [h.session, h.previousCode, h.code, h.minutesLate])).toEqual([
      ["AM", null, "L", 7],
      ["PM", null, "N", null],
    ]);
    const compact = await loadYearMarks(database.db, school.id, 2025);
    const [lo, hi] = slotRange(2025, "2025-09-03", "2025-09-03");
    expect(describeMarks(compact.get(b.id) as Uint8Array, lo, hi)).toBe("LN");
  });

  it("saving the same marks twice changes nothing", async () => {
    const [a] = pupils as [Pupil];
    const again = await save([{ pupil: a, date: "2025-09-03", session: "AM", code: "/" }]);
    expect(again).toMatchObject({ created: 0, amended: 0, unchanged: 1 });
    expect(await markHistory(database.db, school.id, a.id)).toHaveLength(2);
  });

  it("keeps the original mark, the new mark, who, when and why on an amendment", async () => {
    const [, b] = pupils as [Pupil, Pupil];
    const office = {
      by: "Mrs S. Office (attendance officer)",
      at: new Date("2025-09-04T09:30:00Z"),
      source: "amendment" as const,
      reason: "Parent phoned: dentist",
    };
    const result = await save([{ pupil: b, date: "2025-09-03", session: "PM", code: "M" }], office);
    expect(result).toMatchObject({ created: 0, amended: 1, unchanged: 0 });
    expect([...result.versions.values()]).toEqual([2]);
    const history = await markHistory(database.db, school.id, b.id, {
      from: "2025-09-03",
      to: "2025-09-03",
    });
    const last = history.at(-1);
    expect(last).toMatchObject({
      previousCode: "N",
      code: "M",
      changedBy: office.by,
      reason: "Parent phoned: dentist",
      source: "amendment",
    });
    expect(last?.changedAt.toISOString()).toBe("2025-09-04T09:30:00.000Z");
    const current = await findMarks(database.db, school.id, [
      { pupilId: b.id, date: "2025-09-03", session: "PM" },
    ]);
    expect([...current.values()][0]).toMatchObject({ code: "M", version: 2 });
  });

  it("keeps the compact form equal to the register rows", async () => {
    const [a, b, c] = pupils as [Pupil, Pupil, Pupil];
    await save([
      { pupil: c, date: "2026-07-17", session: "PM", code: "I" },
      { pupil: a, date: "2026-01-06", session: "AM", code: "C1" },
    ]);
    const compact = await loadYearMarks(database.db, school.id, 2025);
    for (const pupil of [a, b, c]) {
      const rebuilt = await yearMarksFromRows(database.db, school.id, pupil.id, 2025);
      expect(
        Buffer.from(compact.get(pupil.id) as Uint8Array).equals(Buffer.from(rebuilt)),
        pupil.upn,
      ).toBe(true);
    }
  });

  it("refuses, in the database itself, to change or delete register history", async () => {
    await expect(sql`update mark_history set code = 'O'`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from mark_history`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from session_marks`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate mark_history`.execute(database.db)).rejects.toThrow(/append-only/);
    const rows = await database.db
      .selectFrom("mark_history")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    expect(Number(rows?.n)).toBe(7);
  });

  it("writes nothing when the transaction fails part-way", async () => {
    const [a] = pupils as [Pupil];
    await expect(
      database.db.transaction().execute(async (tx) => {
        await recordMarks(
          tx,
          school.id,
          [{ pupilId: a.id, date: "2025-09-04", session: "AM", code: "/", minutesLate: null }],
          teacher(),
        );
        throw new Error("connection lost");
      }),
    ).rejects.toThrow("connection lost");
    expect(
      await findMarks(database.db, school.id, [
        { pupilId: a.id, date: "2025-09-04", session: "AM" },
      ]),
    ).toHaveProperty("size", 0);
    expect(
      await markHistory(database.db, school.id, a.id, { from: "2025-09-04", to: "2025-09-04" }),
    ).toEqual([]);
  });
});
