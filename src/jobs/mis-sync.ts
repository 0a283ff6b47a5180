import type { Kysely } from "kysely";
import type { ProviderFactory } from "../app/mis/connection.ts";
import { runMisSync, type SyncOutcome } from "../app/mis/sync.ts";
import { type DeliveryCounts, runWriteback } from "../app/mis/writeback.ts";
import type { DB } from "../db/schema.ts";
import { isRollbookError } from "../domain/errors.ts";

/** How often a connected school's changes are read from its MIS. */
export const MIS_SYNC_EVERY_MINUTES = 10;

/**
 * Each tick: every active connection's writeback queue is sent, and a sync of the changes runs
 * when the last one started more than ten minutes ago. A school whose token was refused waits
 * for the school to approve Rollbook again (Settings > MIS shows why).
 */
export async function runMisJobs(
  db: Kysely<DB>,
  instant: Date,
  providers?: ProviderFactory,
): Promise<
  { schoolId: number; sync: SyncOutcome | null; writeback: DeliveryCounts & { queued: number } }[]
> {
  const connections = await db
    .selectFrom("mis_connections")
    .selectAll()
    .where("state", "=", "active")
    .execute();
  const done = [];
  for (const connection of connections) {
    const schoolId = connection.school_id;
    const last = await db
      .selectFrom("mis_sync_runs")
      .select("started_at")
      .where("school_id", "=", schoolId)
      .orderBy("started_at", "desc")
      .limit(1)
      .executeTakeFirst();
    const due =
      !last || instant.getTime() - last.started_at.getTime() >= MIS_SYNC_EVERY_MINUTES * 60_000;
    try {
      const sync = due
        ? await runMisSync(db, schoolId, { trigger: "schedule", clock: () => instant, providers })
        : null;
      const writeback = await runWriteback(db, connection, instant, providers);
      done.push({ schoolId, sync, writeback });
    } catch (error) {
      // One school's trouble (a sync still running, a token not set) never stops the others.
      if (!isRollbookError(error)) throw error;
    }
  }
  return done;
}
