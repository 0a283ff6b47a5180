import type { Kysely } from "kysely";
import {
  type EvaluationSummary,
  type EvaluationTimings,
  evaluateSchool,
} from "../app/policy/evaluate-school.ts";
import { momentOf } from "../app/registers/register.ts";
import { loadCalendar } from "../db/repositories/calendar.ts";
import type { DB } from "../db/schema.ts";
import { onceADay } from "./once-a-day.ts";

export const EVALUATION_JOB = "evaluate_policy";

/** Once per school day, after the afternoon registers (from `runAfter`, London time), evaluates each school's policy. */
export async function runDailyEvaluation(
  db: Kysely<DB>,
  instant: Date,
  runAfter = "17:00",
  timings?: EvaluationTimings,
): Promise<{ schoolId: number; summary: EvaluationSummary }[]> {
  const now = momentOf(instant);
  if (now.clock < runAfter) return [];
  const schools = await db.selectFrom("policies").select("school_id").distinct().execute();
  const done: { schoolId: number; summary: EvaluationSummary }[] = [];
  for (const { school_id: schoolId } of schools) {
    const calendar = await loadCalendar(db, schoolId);
    if (!calendar.isSchoolDay(now.date)) continue;
    const summary = await onceADay(db, schoolId, EVALUATION_JOB, now.date, instant, () =>
      evaluateSchool(db, schoolId, now.date, timings),
    );
    if (!summary) continue;
    done.push({ schoolId, summary });
  }
  return done;
}
