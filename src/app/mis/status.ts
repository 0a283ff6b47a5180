import { sql } from "kysely";
import type { UseCaseContext } from "../context.ts";
import { loadConnection } from "./connection.ts";

/** What Settings > MIS shows: the connection, the runs, the writeback queue and its refusals. */
export async function misStatus(ctx: UseCaseContext) {
  ctx.access.require("school.setup");
  const { db } = ctx;
  const schoolId = ctx.access.schoolId;
  const connection = await loadConnection(db, schoolId);
  if (!connection)
    return { connection: null, runs: [], writeback: [], refused: [], openConflicts: 0 };
  const runs = await db
    .selectFrom("mis_sync_runs")
    .select([
      "id",
      "kind",
      "trigger",
      "started_at",
      "finished_at",
      "state",
      "step",
      "done",
      "total",
      "counts",
      "errors",
    ])
    .where("school_id", "=", schoolId)
    .orderBy("id", "desc")
    .limit(10)
    .execute();
  const { rows: writeback } = await sql<{ state: string; marks: number }>`
    select state, count(*)::int as marks from mis_writebacks where school_id = ${schoolId} group by state order by state`.execute(
    db,
  );
  const refused = await db
    .selectFrom("mis_writebacks as w")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "w.school_id").onRef("p.id", "=", "w.pupil_id"),
    )
    .select([
      "w.id",
      "w.pupil_id",
      "p.legal_forename",
      "p.legal_surname",
      "w.date",
      "w.session",
      "w.code",
      "w.state",
      "w.last_error",
      "w.attempts",
    ])
    .where("w.school_id", "=", schoolId)
    .where((eb) =>
      eb.or([
        eb("w.state", "=", "refused"),
        eb.and([eb("w.state", "=", "pending"), eb("w.last_error", "is not", null)]),
      ]),
    )
    .orderBy("w.id", "desc")
    .limit(50)
    .execute();
  ctx.audit.listed(
    schoolId,
    refused.map((r) => r.pupil_id),
  );
  const { rows } = await sql<{ open: number }>`
    select count(*)::int as open from mis_conflicts where school_id = ${schoolId} and decision is null`.execute(
    db,
  );
  return {
    connection: {
      provider: connection.provider,
      providerSchoolId: connection.provider_school_id,
      baseUrl: connection.base_url,
      tokenRef: connection.token_ref,
      state: connection.state,
      syncMarks: connection.sync_marks,
      writeback: connection.writeback,
      syncedUntil: connection.synced_until,
    },
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      trigger: r.trigger,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      state: r.state,
      step: r.step,
      done: r.done,
      total: r.total,
      counts: r.counts,
      errors: r.errors,
    })),
    writeback: writeback.map((w) => ({ state: w.state, marks: w.marks })),
    refused: refused.map((r) => ({
      id: r.id,
      pupil: `${r.legal_forename} ${r.legal_surname}`,
      date: r.date,
      session: r.session,
      code: r.code,
      state: r.state,
      reason: r.last_error ?? "",
      attempts: r.attempts,
    })),
    openConflicts: rows[0]?.open ?? 0,
  };
}
