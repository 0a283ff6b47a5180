import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { DB, TransferredAttendanceTable } from "../schema.ts";
import { chunks } from "./marks.ts";

export type TransferredYear = Selectable<TransferredAttendanceTable>;
export type NewTransferredYear = Insertable<TransferredAttendanceTable>;

/** A year from one school starting on one date: a later row with the same key supersedes. */
export function transferredKey(row: {
  pupil_id: number;
  from_lea: string;
  from_estab: string;
  from_school_name: string;
  academic_year: number;
  start_date?: string | null;
}): string {
  return [
    row.pupil_id,
    row.from_lea,
    row.from_estab,
    row.from_school_name,
    row.academic_year,
    row.start_date ?? "",
  ].join("|");
}

/**
 * The current transferred years of the given pupils (the latest row of each key), in order of
 * academic year, then start date.
 */
export async function currentTransferredYears(
  db: Kysely<DB>,
  schoolId: number,
  pupilIds: number[],
): Promise<TransferredYear[]> {
  const latest = new Map<string, TransferredYear>();
  for (const chunk of chunks(pupilIds, 10_000)) {
    const rows = await db
      .selectFrom("transferred_attendance")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", chunk.length > 0 ? chunk : [-1])
      .orderBy("id")
      .execute();
    for (const row of rows) latest.set(transferredKey(row), row);
  }
  return [...latest.values()].sort(
    (a, b) =>
      a.pupil_id - b.pupil_id ||
      a.academic_year - b.academic_year ||
      (a.start_date ?? "").localeCompare(b.start_date ?? "") ||
      a.id - b.id,
  );
}

/** Appends transferred years; the table refuses updates and deletes. */
export async function appendTransferredYears(
  tx: Kysely<DB>,
  rows: NewTransferredYear[],
): Promise<void> {
  for (const chunk of chunks(rows, 1_000)) {
    await tx.insertInto("transferred_attendance").values(chunk).execute();
  }
}

/** Serialises writers to the same pupils' transferred history (call inside a transaction). */
export async function lockPupilsForTransfer(
  tx: Kysely<DB>,
  schoolId: number,
  pupilIds: number[],
): Promise<void> {
  if (pupilIds.length === 0) return;
  const sorted = [...new Set(pupilIds)].sort((a, b) => a - b);
  await sql`select id from pupils where school_id = ${schoolId} and id = any(${sorted}::int[])
            order by id for no key update`.execute(tx);
}
