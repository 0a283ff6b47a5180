import { type Kysely, sql } from "kysely";
import { BulkMarkWriter } from "../../db/repositories/bulk-marks.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { findMarks, type MarkToRecord, markKey, recordMarks } from "../../db/repositories/marks.ts";
import type { DB, Pupil } from "../../db/schema.ts";
import { inTransactionOf } from "../../db/transactions.ts";
import type { CsvRow } from "../import/csv.ts";
import { parseMarkRows } from "../import/import-marks.ts";
import type { MisMark } from "./provider.ts";

/** Marks taken at once from which the bulk write path is used. */
const BULK_FROM = 2_000;

export interface TakenMarks {
  recorded: number;
  conflicts: number;
  problems: string[];
}

/**
 * The MIS's marks into Rollbook. A session Rollbook has no mark for takes the MIS's (through the
 * one write path, as an import). Where both hold a mark and they differ, Rollbook's is kept: if
 * the MIS's mark is the one it held last time, Rollbook's is simply newer (the writeback sends it);
 * otherwise the MIS changed it too, and the disagreement goes to the office as a conflict, with
 * any writeback of that session held until the office decides. Nothing is overwritten.
 */
export async function takeMisMarks(
  db: Kysely<DB>,
  schoolId: number,
  marks: MisMark[],
  options: { today: string; at: Date; by: string },
): Promise<TakenMarks> {
  const problems: string[] = [];
  if (marks.length === 0) return { recorded: 0, conflicts: 0, problems };
  const linked = await db
    .selectFrom("mis_pupils as m")
    .innerJoin("pupils as p", (join) =>
      join.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .selectAll("p")
    .select("m.mis_id")
    .where("m.school_id", "=", schoolId)
    .execute();
  const byMisId = new Map(linked.map((p) => [p.mis_id, p]));
  const byUpn = new Map<string, Pupil>(linked.map((p) => [p.upn, p]));
  const rows: CsvRow[] = [];
  const unknown = new Set<string>();
  for (const mark of marks) {
    const pupil = byMisId.get(mark.pupilMisId);
    if (!pupil) {
      unknown.add(mark.pupilMisId);
      continue;
    }
    rows.push({
      line: rows.length + 1,
      values: {
        upn: pupil.upn,
        date: mark.date,
        session: mark.session,
        code: mark.code,
        minutes_late: mark.minutesLate === null ? "" : String(mark.minutesLate),
      },
    });
  }
  for (const id of unknown)
    problems.push(`Marks of MIS pupil ${id} were not taken: that pupil is not in Rollbook`);
  const calendar = await loadCalendar(db, schoolId);
  const parsed = parseMarkRows(rows, calendar, byUpn, options.today);
  for (const p of parsed.problems) problems.push(`A mark from the MIS was not taken: ${p.message}`);
  const theirs = parsed.marks;
  const misTimes = new Map(
    marks.map((m) => [
      `${byMisId.get(m.pupilMisId)?.id}|${m.date}|${m.session}`,
      m.updatedAt ? new Date(m.updatedAt) : null,
    ]),
  );

  return inTransactionOf(db, async (tx) => {
    const existing = await findMarks(tx, schoolId, theirs);
    const lastSeen = await misMarksFor(tx, schoolId, theirs);
    const toRecord: MarkToRecord[] = [];
    const disagreements: (MarkToRecord & {
      ours: string;
      oursLate: number | null;
      oursAt: Date | null;
    })[] = [];
    for (const mark of theirs) {
      const ours = existing.get(markKey(mark));
      if (!ours) {
        toRecord.push(mark);
        continue;
      }
      if (ours.code === mark.code && ours.minutesLate === mark.minutesLate) continue;
      const seen = lastSeen.get(markKey(mark));
      const misUnchanged =
        seen && seen.code === mark.code && seen.minutes_late === mark.minutesLate;
      if (misUnchanged) continue;
      disagreements.push({ ...mark, ours: ours.code, oursLate: ours.minutesLate, oursAt: null });
    }
    const recording = { by: options.by, at: options.at, source: "import" as const, reason: null };
    // An initial load (thousands of marks) takes the bulk path; a ten-minute delta the register one.
    let recorded: { created: number; amended: number };
    if (toRecord.length >= BULK_FROM) {
      const writer = new BulkMarkWriter(tx, schoolId, recording);
      recorded = { created: 0, amended: 0 };
      for (let i = 0; i < toRecord.length; i += 50_000) {
        const done = await writer.write(toRecord.slice(i, i + 50_000));
        recorded.created += done.created;
        recorded.amended += done.amended;
      }
      await writer.finish();
    } else recorded = await recordMarks(tx, schoolId, toRecord, recording);
    for (const d of disagreements) {
      await sql`
        insert into mis_conflicts (school_id, pupil_id, date, session, ours, ours_minutes_late, ours_at,
                                   theirs, theirs_minutes_late, theirs_at, found_at)
        select ${schoolId}, ${d.pupilId}, ${d.date}, ${d.session}, ${d.ours}, ${d.oursLate}::int,
               (select recorded_at from session_marks where school_id = ${schoolId} and pupil_id = ${d.pupilId}
                  and date = ${d.date} and session = ${d.session}),
               ${d.code}, ${d.minutesLate}::int, ${misTimes.get(markKey(d)) ?? null}::timestamptz, ${options.at}
        on conflict (school_id, pupil_id, date, session) where decision is null
        do update set ours = excluded.ours, ours_minutes_late = excluded.ours_minutes_late,
                      theirs = excluded.theirs, theirs_minutes_late = excluded.theirs_minutes_late,
                      theirs_at = excluded.theirs_at`.execute(tx);
      await tx
        .updateTable("mis_writebacks")
        .set({
          state: "held",
          last_error: "Held: the MIS has a different mark; the office decides",
        })
        .where("school_id", "=", schoolId)
        .where("pupil_id", "=", d.pupilId)
        .where("date", "=", d.date)
        .where("session", "=", d.session)
        .where("state", "=", "pending")
        .execute();
    }
    await rememberMisMarks(tx, schoolId, theirs, misTimes);
    return {
      recorded: recorded.created + recorded.amended,
      conflicts: disagreements.length,
      problems,
    };
  });
}

type SessionRef = Pick<MarkToRecord, "pupilId" | "date" | "session">;

/** The marks the MIS held when last read or written, keyed as markKey. */
export async function misMarksFor(db: Kysely<DB>, schoolId: number, sessions: SessionRef[]) {
  const found = new Map<string, { code: string; minutes_late: number | null }>();
  for (let i = 0; i < sessions.length; i += 20_000) {
    const chunk = sessions.slice(i, i + 20_000);
    const { rows } = await sql<{
      pupil_id: number;
      date: string;
      session: string;
      code: string;
      minutes_late: number | null;
    }>`
      select m.pupil_id, m.date, m.session, m.code, m.minutes_late from mis_marks m
      join unnest(${chunk.map((s) => s.pupilId)}::int[], ${chunk.map((s) => s.date)}::date[],
                  ${chunk.map((s) => s.session)}::text[]) as wanted(pupil_id, date, session)
        on m.pupil_id = wanted.pupil_id and m.date = wanted.date and m.session = wanted.session
      where m.school_id = ${schoolId}`.execute(db);
    for (const r of rows)
      found.set(`${r.pupil_id}|${r.date}|${r.session}`, {
        code: r.code,
        minutes_late: r.minutes_late,
      });
  }
  return found;
}

/** Records what the MIS now holds for these sessions (read from it, or written to it). */
export async function rememberMisMarks(
  db: Kysely<DB>,
  schoolId: number,
  marks: (SessionRef & { code: string; minutesLate: number | null })[],
  times: Map<string, Date | null> = new Map(),
): Promise<void> {
  for (let i = 0; i < marks.length; i += 20_000) {
    const chunk = marks.slice(i, i + 20_000);
    await sql`
      insert into mis_marks (school_id, pupil_id, date, session, code, minutes_late, mis_updated_at)
      select ${schoolId}, * from unnest(${chunk.map((m) => m.pupilId)}::int[], ${chunk.map((m) => m.date)}::date[],
        ${chunk.map((m) => m.session)}::text[], ${chunk.map((m) => m.code)}::text[],
        ${chunk.map((m) => m.minutesLate)}::int[],
        ${chunk.map((m) => times.get(markKey(m))?.toISOString() ?? null)}::timestamptz[])
      on conflict (school_id, pupil_id, date, session) do update
        set code = excluded.code, minutes_late = excluded.minutes_late, mis_updated_at = excluded.mis_updated_at`.execute(
      db,
    );
  }
}
