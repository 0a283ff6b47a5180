import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { londonToday } from "../../domain/dates.ts";
import { isRollbookError, RollbookError } from "../../domain/errors.ts";
import type { UseCaseContext } from "../context.ts";
import {
  type MisConnection,
  type ProviderFactory,
  providerFor,
  requireConnection,
} from "./connection.ts";
import type { MisDeletion, MisMark, MisPupil } from "./provider.ts";
import { takeMisMarks } from "./sync-marks.ts";
import { leaveRoll, writePupils } from "./sync-pupils.ts";

export interface SyncCounts {
  read: number;
  added: number;
  changed: number;
  unchanged: number;
  left: number;
  contacts: number;
  /** Photos stored because the MIS's image changed. */
  photos: number;
  marksRead: number;
  marksRecorded: number;
  conflicts: number;
}

export interface SyncOutcome {
  runId: number;
  kind: "initial" | "delta";
  state: "done" | "failed";
  counts: SyncCounts;
  errors: string[];
}

export interface SyncProgressReport {
  step: string;
  done: number;
  total: number;
}

export interface SyncOptions {
  trigger: string;
  clock?: () => Date;
  providers?: ProviderFactory;
  onProgress?: (progress: SyncProgressReport) => void;
  /** Pupils written per transaction (default 500). */
  batchSize?: number;
}

const STALE_RUN_MS = 30 * 60_000;

/** The head, an administrator (or the operator) syncs the school from its MIS now. */
export async function syncMis(
  ctx: UseCaseContext,
  options: Omit<SyncOptions, "clock">,
): Promise<SyncOutcome> {
  ctx.access.require("school.setup");
  return runMisSync(ctx.db, ctx.access.schoolId, { ...options, clock: ctx.clock });
}

/** Starts a sync and answers at once with its run, which the screen follows. */
export async function startMisSync(
  ctx: UseCaseContext,
  options: Omit<SyncOptions, "clock">,
): Promise<{ runId: number; finished: Promise<SyncOutcome> }> {
  ctx.access.require("school.setup");
  const { db } = ctx;
  const schoolId = ctx.access.schoolId;
  const connection = await requireConnection(db, schoolId);
  const runId = await openRun(db, schoolId, connection, options.trigger, ctx.clock());
  const finished = runMisSync(db, schoolId, { ...options, clock: ctx.clock }, runId);
  finished.catch(() => {});
  return { runId, finished };
}

/**
 * Brings the school up to date from its MIS (docs/mis.md): the first run loads everyone, later
 * runs only what changed since the last one finished reading (`updated_after`) and the MIS's
 * deletions, which become leaving dates (history is never deleted). Pupils go through the pupils
 * import (a field the MIS does not share is left as it is), contacts through the contacts import,
 * marks through the one write path, disagreements to the conflicts list. Each batch commits on
 * its own; the cursor moves only when the whole run has succeeded, so a failed run is repeated.
 */
export async function runMisSync(
  db: Kysely<DB>,
  schoolId: number,
  options: SyncOptions,
  existingRun?: number,
): Promise<SyncOutcome> {
  const clock = options.clock ?? (() => new Date());
  const connection = await requireConnection(db, schoolId);
  const startedAt = clock();
  const runId =
    existingRun ?? (await openRun(db, schoolId, connection, options.trigger, startedAt));
  const kind = connection.synced_until ? "delta" : "initial";
  const since = connection.synced_until ?? undefined;
  const counts: SyncCounts = {
    read: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    left: 0,
    contacts: 0,
    photos: 0,
    marksRead: 0,
    marksRecorded: 0,
    conflicts: 0,
  };
  const errors: string[] = [];
  let lastShown = 0;
  const progress = async (step: string, done: number, total: number, force = false) => {
    options.onProgress?.({ step, done, total });
    const now = Date.now();
    if (!force && now - lastShown < 500) return;
    lastShown = now;
    await db
      .updateTable("mis_sync_runs")
      .set({ step, done, total, counts: JSON.stringify(counts) })
      .where("school_id", "=", schoolId)
      .where("id", "=", runId)
      .execute();
  };
  try {
    const provider = (options.providers ?? providerFor)(connection);
    const pupils: MisPupil[] = [];
    for await (const page of provider.pupils({ updatedAfter: since })) {
      pupils.push(...page);
      await progress(`Reading pupils from ${provider.name}`, pupils.length, pupils.length);
    }
    counts.read = pupils.length;
    await writePupils(
      db,
      schoolId,
      pupils,
      counts,
      errors,
      progress,
      options.batchSize ?? 500,
      startedAt,
    );
    if (since) {
      const deletions: MisDeletion[] = [];
      for await (const page of provider.deletions({ updatedAfter: since })) deletions.push(...page);
      counts.left += await leaveRoll(db, schoolId, deletions, londonToday(startedAt), errors);
    }
    if (connection.sync_marks) {
      const today = londonToday(startedAt);
      const from = academicYearBounds(academicYearOf(today)).from;
      let batch: MisMark[] = [];
      const take = async () => {
        const taken = await takeMisMarks(db, schoolId, batch, {
          today,
          at: startedAt,
          by: `MIS sync (${provider.name})`,
        });
        counts.marksRecorded += taken.recorded;
        counts.conflicts += taken.conflicts;
        errors.push(...taken.problems);
        batch = [];
      };
      for await (const page of provider.marks({ from, to: today, updatedAfter: since })) {
        counts.marksRead += page.length;
        batch.push(...page);
        if (batch.length >= 20_000) await take();
        await progress(`Reading marks from ${provider.name}`, counts.marksRead, counts.marksRead);
      }
      await take();
    }
    await db
      .updateTable("mis_connections")
      .set({ synced_until: startedAt, state: "active" })
      .where("school_id", "=", schoolId)
      .execute();
    await closeRun(db, schoolId, runId, "done", counts, errors, clock());
    return { runId, kind, state: "done", counts, errors };
  } catch (error) {
    if (!isRollbookError(error)) {
      await closeRun(
        db,
        schoolId,
        runId,
        "failed",
        counts,
        [...errors, "An unexpected error stopped the sync; the server's log has it"],
        clock(),
      );
      throw error;
    }
    errors.push(error.message);
    if ((error.details as { status?: number } | undefined)?.status === 401)
      await db
        .updateTable("mis_connections")
        .set({ state: "token_refused" })
        .where("school_id", "=", schoolId)
        .execute();
    await closeRun(db, schoolId, runId, "failed", counts, errors, clock());
    return { runId, kind, state: "failed", counts, errors };
  }
}

async function openRun(
  db: Kysely<DB>,
  schoolId: number,
  connection: MisConnection,
  trigger: string,
  at: Date,
): Promise<number> {
  const running = await db
    .selectFrom("mis_sync_runs")
    .select("id")
    .where("school_id", "=", schoolId)
    .where("state", "=", "running")
    .where("started_at", ">", new Date(at.getTime() - STALE_RUN_MS))
    .executeTakeFirst();
  if (running)
    throw new RollbookError(
      "conflict",
      "A sync from the MIS is already running; its progress is shown in Settings > MIS",
    );
  const run = await db
    .insertInto("mis_sync_runs")
    .values({
      school_id: schoolId,
      kind: connection.synced_until ? "delta" : "initial",
      trigger,
      started_at: at,
      step: "Starting",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return run.id;
}

async function closeRun(
  db: Kysely<DB>,
  schoolId: number,
  runId: number,
  state: "done" | "failed",
  counts: SyncCounts,
  errors: string[],
  at: Date,
): Promise<void> {
  await db
    .updateTable("mis_sync_runs")
    .set({
      state,
      finished_at: at,
      step: state === "done" ? "Finished" : "Stopped",
      counts: JSON.stringify(counts),
      // The first 200 are enough to act on; the count says how many there were.
      errors: JSON.stringify(
        errors.length > 200
          ? [...errors.slice(0, 200), `...and ${errors.length - 200} more`]
          : errors,
      ),
    })
    .where("school_id", "=", schoolId)
    .where("id", "=", runId)
    .execute();
}
