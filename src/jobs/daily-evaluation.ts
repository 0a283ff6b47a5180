import type { Kysely } from "kysely";
import { type EvaluationSummary, evaluateSchool } from "../app/policy/evaluate-school.ts";
import { momentOf } from "../app/registers/register.ts";
import { loadCalendar } from "../db/repositories/calendar.ts";
import type { DB } from "../db/schema.ts";

export const EVALUATION_JOB = "evaluate_policy";

/**
 * Once per school day, after the afternoon registers (from `runAfter`, London time), evaluates each
 * school's policy. A row in job_runs claims the day first, so two server processes, or a restart,
 * never run it twice.
 */
export async function runDailyEvaluation(
  db: Kysely<DB>,
  instant: Date,
  runAfter = "17:00",
): Promise<{ schoolId: number; summary: EvaluationSummary }[]> {
  const now = momentOf(instant);
  if (now.clock < runAfter) return [];
  const schools = await db.selectFrom("policies").select("school_id").distinct().execute();
  const done: { schoolId: number; summary: EvaluationSummary }[] = [];
  for (const { school_id: schoolId } of schools) {
    const calendar = await loadCalendar(db, schoolId);
    if (!calendar.isSchoolDay(now.date)) continue;
    const claimed = await db
      .insertInto("job_runs")
      .values({
        school_id: schoolId,
        job: EVALUATION_JOB,
        run_on: now.date,
        started_at: instant,
        summary: null,
      })
      .onConflict((oc) => oc.columns(["school_id", "job", "run_on"]).doNothing())
      .returning("school_id")
      .execute();
    if (claimed.length === 0) continue;
    let summary: EvaluationSummary;
    try {
      summary = await evaluateSchool(db, schoolId, now.date);
    } catch (error) {
      // Release the claim so the next tick tries again.
      await db
        .deleteFrom("job_runs")
        .where("school_id", "=", schoolId)
        .where("job", "=", EVALUATION_JOB)
        .where("run_on", "=", now.date)
        .execute();
      throw error;
    }
    await db
      .updateTable("job_runs")
      .set({ finished_at: new Date(), summary: JSON.stringify(summary) })
      .where("school_id", "=", schoolId)
      .where("job", "=", EVALUATION_JOB)
      .where("run_on", "=", now.date)
      .execute();
    done.push({ schoolId, summary });
  }
  return done;
}
