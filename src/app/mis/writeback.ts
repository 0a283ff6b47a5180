import { type Kysely, sql, type Updateable } from "kysely";
import type { DB, MisWritebackTable } from "../../db/schema.ts";
import {
  type MisConnection,
  type ProviderFactory,
  providerFor,
  requireConnection,
} from "./connection.ts";
import type { MarkToWrite } from "./provider.ts";
import { misMarksFor, rememberMisMarks } from "./sync-marks.ts";

/** Marks sent to the MIS in one request. */
const BATCH = 200;
/** The pause before retry n when the MIS does not say how long: 1, 2, 4... minutes, at most an hour. */
export const writebackBackoffMs = (attempt: number) =>
  Math.min(60 * 60_000, 60_000 * 2 ** (attempt - 1));

/**
 * Queues for writeback every mark recorded in Rollbook since the last look (registers,
 * amendments, imports: read from the register's history, so no write path needs to know about
 * the MIS) that differs from what the MIS holds. One queued row per session: a later change
 * replaces the queued code. A session in open conflict is queued held.
 */
export async function queueWritebacks(
  db: Kysely<DB>,
  connection: MisConnection,
  at: Date,
): Promise<{ queued: number }> {
  const schoolId = connection.school_id;
  const changes = await db
    .selectFrom("mark_history")
    .select(["id", "pupil_id", "date", "session", "code", "minutes_late", "reason"])
    .where("school_id", "=", schoolId)
    .where("id", ">", connection.writeback_after)
    .orderBy("id")
    .limit(20_000)
    .execute();
  if (changes.length === 0) return { queued: 0 };
  const latest = new Map<string, (typeof changes)[number]>();
  for (const c of changes) latest.set(`${c.pupil_id}|${c.date}|${c.session}`, c);
  const sessions = [...latest.values()].map((c) => ({
    pupilId: c.pupil_id,
    date: c.date,
    session: c.session as "AM" | "PM",
  }));
  const held = await misMarksFor(db, schoolId, sessions);
  const { rows: open } = await sql<{ pupil_id: number; date: string; session: string }>`
    select pupil_id, date, session from mis_conflicts where school_id = ${schoolId} and decision is null`.execute(
    db,
  );
  const inConflict = new Set(open.map((o) => `${o.pupil_id}|${o.date}|${o.session}`));
  let queued = 0;
  await db.transaction().execute(async (tx) => {
    for (const [key, c] of latest) {
      const mis = held.get(key);
      if (mis && mis.code === c.code && mis.minutes_late === c.minutes_late) continue;
      const values = {
        code: c.code,
        minutes_late: c.minutes_late,
        comment: c.reason?.slice(0, 250) ?? null,
        state: inConflict.has(key) ? "held" : "pending",
        attempts: 0,
        next_attempt_at: at,
        last_error: inConflict.has(key)
          ? "Held: the MIS has a different mark; the office decides"
          : null,
        queued_at: at,
      };
      const updated = await tx
        .updateTable("mis_writebacks")
        .set(values)
        .where("school_id", "=", schoolId)
        .where("pupil_id", "=", c.pupil_id)
        .where("date", "=", c.date)
        .where("session", "=", c.session as "AM")
        .where("state", "in", ["pending", "held"])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0)
        await tx
          .insertInto("mis_writebacks")
          .values({
            school_id: schoolId,
            pupil_id: c.pupil_id,
            date: c.date,
            session: c.session as "AM",
            ...values,
          })
          .execute();
      queued++;
    }
    const last = changes[changes.length - 1]?.id ?? connection.writeback_after;
    await tx
      .updateTable("mis_connections")
      .set({ writeback_after: last })
      .where("school_id", "=", schoolId)
      .execute();
  });
  return { queued };
}

export interface DeliveryCounts {
  written: number;
  refused: number;
  retrying: number;
}

/**
 * Sends the due writebacks to the MIS, a batch at a time. Accepted marks are written (and the
 * MIS's mark remembered, so the next sync sees agreement); refusals keep the MIS's reason for the
 * office; a rate limit or outage waits (the MIS's Retry-After, else a growing pause) and goes
 * again; a refused token stops the connection until the school approves Rollbook again.
 */
export async function deliverWritebacks(
  db: Kysely<DB>,
  connection: MisConnection,
  at: Date,
  providers: ProviderFactory = providerFor,
): Promise<DeliveryCounts> {
  const schoolId = connection.school_id;
  const counts: DeliveryCounts = { written: 0, refused: 0, retrying: 0 };
  if (connection.state === "token_refused" || connection.state === "paused") return counts;
  const due = await db
    .selectFrom("mis_writebacks as w")
    .leftJoin("mis_pupils as m", (join) =>
      join.onRef("m.school_id", "=", "w.school_id").onRef("m.pupil_id", "=", "w.pupil_id"),
    )
    .select([
      "w.id",
      "w.pupil_id",
      "w.date",
      "w.session",
      "w.code",
      "w.minutes_late",
      "w.comment",
      "w.attempts",
      "m.mis_id",
    ])
    .where("w.school_id", "=", schoolId)
    .where("w.state", "=", "pending")
    .where("w.next_attempt_at", "<=", at)
    .orderBy("w.id")
    .limit(BATCH * 10)
    .execute();
  if (due.length === 0) return counts;
  const set = (ids: number[], values: Updateable<MisWritebackTable>) =>
    ids.length === 0
      ? Promise.resolve()
      : db
          .updateTable("mis_writebacks")
          .set(values)
          .where("school_id", "=", schoolId)
          .where("id", "in", ids)
          .execute();
  const unknown = due.filter((w) => !w.mis_id);
  await set(
    unknown.map((w) => w.id),
    {
      state: "refused",
      last_error:
        "This pupil is not linked to a record in the MIS (sync pupils from the MIS first)",
    },
  );
  counts.refused += unknown.length;
  const provider = providers(connection);
  const sendable = due.filter((w) => w.mis_id);
  for (let i = 0; i < sendable.length; i += BATCH) {
    const batch = sendable.slice(i, i + BATCH);
    const marks: MarkToWrite[] = batch.map((w) => ({
      ref: w.id,
      pupilMisId: w.mis_id as string,
      date: w.date,
      session: w.session,
      code: w.code,
      minutesLate: w.minutes_late,
      comment: w.comment,
    }));
    const outcome = await provider.writeMarks(marks);
    if (outcome.kind === "token_refused") {
      await db
        .updateTable("mis_connections")
        .set({ state: "token_refused" })
        .where("school_id", "=", schoolId)
        .execute();
      await set(
        batch.map((w) => w.id),
        { last_error: outcome.reason },
      );
      counts.retrying += batch.length;
      return counts;
    }
    const refused = new Map((outcome.refused ?? []).map((r) => [r.ref, r.reason]));
    for (const [ref, reason] of refused)
      await set([ref], {
        state: "refused",
        last_error: reason.slice(0, 500),
      });
    counts.refused += refused.size;
    const rest = batch.filter((w) => !refused.has(w.id));
    if (outcome.kind === "accepted") {
      await set(
        rest.map((w) => w.id),
        {
          state: "written",
          written_at: at,
          provider_ref: outcome.providerRef,
          last_error: null,
        },
      );
      await rememberMisMarks(
        db,
        schoolId,
        rest.map((w) => ({
          pupilId: w.pupil_id,
          date: w.date,
          session: w.session,
          code: w.code,
          minutesLate: w.minutes_late,
        })),
      );
      counts.written += rest.length;
      continue;
    }
    for (const w of rest) {
      const wait = outcome.retryAfterMs ?? writebackBackoffMs(w.attempts + 1);
      await set([w.id], {
        attempts: w.attempts + 1,
        next_attempt_at: new Date(at.getTime() + wait),
        last_error: outcome.reason.slice(0, 500),
      });
    }
    counts.retrying += rest.length;
    // The MIS asked us to slow down (or is down): the rest waits for the next round.
    if (outcome.retryAfterMs !== 0) break;
  }
  return counts;
}

/** Queue and deliver for one school: what the scheduler and "write back now" run. */
export async function runWriteback(
  db: Kysely<DB>,
  connection: MisConnection,
  at: Date,
  providers?: ProviderFactory,
): Promise<DeliveryCounts & { queued: number }> {
  if (!connection.writeback) return { queued: 0, written: 0, refused: 0, retrying: 0 };
  // The history is read 20,000 rows at a time until caught up.
  let queued = 0;
  let cursor = connection;
  for (;;) {
    const before = cursor.writeback_after;
    queued += (await queueWritebacks(db, cursor, at)).queued;
    cursor = await requireConnection(db, connection.school_id);
    if (cursor.writeback_after === before) break;
  }
  return { queued, ...(await deliverWritebacks(db, cursor, at, providers)) };
}
