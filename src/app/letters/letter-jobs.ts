import type { Kysely } from "kysely";
import type { DB, LetterJobStatus } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { UseCaseContext } from "../context.ts";
import { planLettersByBand, writeBandLetters } from "./band-letters.ts";
import { issueBatches } from "./issue-letters.ts";

/** A batch the office starts and watches: the colour-coded letters by band, or one letter to many. */
export type LetterJobRequest =
  | { kind: "by_band"; letters: Record<string, string> }
  | {
      kind: "letters";
      letterId: string;
      pupilIds: number[];
      meetingId?: number | null;
      reviewDate?: IsoDate | null;
    };

export interface LetterJob {
  id: number;
  kind: string;
  status: LetterJobStatus;
  /** Pupils to write to, written to, and not written to (each with its reason in the result). */
  total: number;
  done: number;
  failed: number;
  result: unknown;
  error: string | null;
  startedBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Jobs this process is running. A job recorded as running that is not here was cut off by a
 * restart: its letters were never recorded (a batch is recorded all at once at its end), so it is
 * reported failed, to be started again, rather than left "running" for ever.
 */
const running = new Set<string>();
const key = (schoolId: number, id: number) => `${schoolId}:${id}`;

/** Progress is written at most this often: a row update per letter would slow a batch down. */
const PROGRESS_EVERY_MS = 250;

/**
 * Starts writing a batch of letters in the background and answers at once with the job, whose
 * progress the office watches. Bad input (no such band or letter, no pupils) is refused here, not
 * in a failed job later.
 */
export async function startLetterJob(
  ctx: UseCaseContext,
  request: LetterJobRequest,
): Promise<LetterJob> {
  const { db, access } = ctx;
  access.require("letters.send");
  let total: number;
  let run: (progress: (done: number, failed: number) => void) => Promise<unknown>;
  if (request.kind === "by_band") {
    const plan = await planLettersByBand(ctx, request.letters);
    total = plan.chosen.reduce((n, band) => n + band.pupilIds.length, 0);
    run = (progress) => writeBandLetters(ctx, plan, progress);
  } else {
    if (request.pupilIds.length === 0)
      throw new RollbookError("invalid_input", "Choose at least one pupil");
    total = request.pupilIds.length;
    run = async (progress) => (await issueBatches(ctx, [request], progress))[0];
  }
  const { id } = await db
    .insertInto("letter_jobs")
    .values({
      school_id: access.schoolId,
      kind: request.kind,
      request: JSON.stringify(request),
      status: "running",
      total,
      started_by: access.signature(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  running.add(key(access.schoolId, id));
  void runJob(db, access.schoolId, id, run);
  return letterJob(ctx, id);
}

async function runJob(
  db: Kysely<DB>,
  schoolId: number,
  id: number,
  run: (progress: (done: number, failed: number) => void) => Promise<unknown>,
): Promise<void> {
  const row = db.updateTable("letter_jobs").where("school_id", "=", schoolId).where("id", "=", id);
  let shown = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const progress = (done: number, failed: number) => {
    const now = Date.now();
    if (now - shown < PROGRESS_EVERY_MS) return;
    shown = now;
    writing = writing.then(() => row.set({ done, failed }).execute()).catch(() => {});
  };
  try {
    const result = await run(progress);
    await writing;
    const counts = outcome(result);
    await row
      .set({
        status: "done",
        done: counts.done,
        failed: counts.failed,
        result: JSON.stringify(result),
        finished_at: new Date(),
      })
      .execute();
  } catch (error) {
    await writing;
    await row
      .set({
        status: "failed",
        error: `${(error as Error).message}. No letter of this batch was recorded: start it again.`,
        finished_at: new Date(),
      })
      .execute()
      .catch(() => {});
  } finally {
    running.delete(key(schoolId, id));
  }
}

interface Batch {
  letters: { pupilId: number }[];
  skipped: unknown[];
}

/** Pupils written to and not, from a finished job's result. */
function outcome(result: unknown): { done: number; failed: number } {
  const batches: Batch[] =
    result && typeof result === "object" && "bands" in result
      ? (result as { bands: { batch: Batch }[] }).bands.map((b) => b.batch)
      : [result as Batch];
  return {
    done: batches.reduce((n, b) => n + new Set(b.letters.map((l) => l.pupilId)).size, 0),
    failed: batches.reduce((n, b) => n + b.skipped.length, 0),
  };
}

/** A letter job as the office sees it. */
export async function letterJob(ctx: UseCaseContext, id: number): Promise<LetterJob> {
  const { db, access } = ctx;
  access.require("letters.send");
  const job = await db
    .selectFrom("letter_jobs")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!job) throw new RollbookError("not_found", `No letter job ${id} in this school`);
  if (job.status === "running" && !running.has(key(access.schoolId, id))) {
    job.status = "failed";
    job.error =
      "The server stopped while this batch was being written. No letter of it was recorded: start it again.";
    job.finished_at = new Date();
    await db
      .updateTable("letter_jobs")
      .set({ status: job.status, error: job.error, finished_at: job.finished_at })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", id)
      .where("status", "=", "running")
      .execute();
  }
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    total: job.total,
    done: job.done,
    failed: job.failed,
    result: job.result,
    error: job.error,
    startedBy: job.started_by,
    createdAt: job.created_at,
    finishedAt: job.finished_at,
  };
}

/** Waits for a job this process runs to finish (the CLI's bar, and tests). */
export async function finishedLetterJob(
  ctx: UseCaseContext,
  id: number,
  onProgress?: (job: LetterJob) => void,
  pollMs = 200,
): Promise<LetterJob> {
  for (;;) {
    const job = await letterJob(ctx, id);
    onProgress?.(job);
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
