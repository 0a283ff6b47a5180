import type { Kysely } from "kysely";
import { type PurgeCounts, purgeExpired } from "../app/audit/retention.ts";
import { momentOf } from "../app/registers/register.ts";
import type { DB } from "../db/schema.ts";
import { onceADay } from "./once-a-day.ts";

export const PURGE_JOB = "retention_purge";

/** Once a day, early in the morning (from `runAfter`), removes what each school's retention rules let go. */
export async function runDailyPurge(
  db: Kysely<DB>,
  instant: Date,
  runAfter = "02:00",
): Promise<{ schoolId: number; purged: PurgeCounts }[]> {
  const now = momentOf(instant);
  if (now.clock < runAfter) return [];
  const schools = await db.selectFrom("retention_rules").select("school_id").distinct().execute();
  const done: { schoolId: number; purged: PurgeCounts }[] = [];
  for (const { school_id: schoolId } of schools) {
    const purged = await onceADay(db, schoolId, PURGE_JOB, now.date, instant, () =>
      purgeExpired(db, schoolId, now.date),
    );
    if (purged) done.push({ schoolId, purged });
  }
  return done;
}
