import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { IsoDate } from "../domain/dates.ts";

/**
 * Runs `work` for a school at most once on `day`: a row in job_runs claims the day first, so two
 * server processes, or a restart, never run it twice. A failure releases the claim, so the next
 * tick tries again. Returns null when the day was already claimed.
 */
export async function onceADay<T>(
  db: Kysely<DB>,
  schoolId: number,
  job: string,
  day: IsoDate,
  instant: Date,
  work: () => Promise<T>,
): Promise<T | null> {
  const claimed = await db
    .insertInto("job_runs")
    .values({ school_id: schoolId, job, run_on: day, started_at: instant, summary: null })
    .onConflict((oc) => oc.columns(["school_id", "job", "run_on"]).doNothing())
    .returning("school_id")
    .execute();
  if (claimed.length === 0) return null;
  const run = db
    .updateTable("job_runs")
    .where("school_id", "=", schoolId)
    .where("job", "=", job)
    .where("run_on", "=", day);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await db
      .deleteFrom("job_runs")
      .where("school_id", "=", schoolId)
      .where("job", "=", job)
      .where("run_on", "=", day)
      .execute();
    throw error;
  }
  await run.set({ finished_at: new Date(), summary: JSON.stringify(result) }).execute();
  return result;
}
