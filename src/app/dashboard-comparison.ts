import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { DateRange, SchoolCalendar } from "../domain/calendar.ts";
import { isRollbookError } from "../domain/errors.ts";
import { sameWindowLastYear } from "../domain/last-year.ts";
import type { GroupStatistics } from "../domain/statistics.ts";
import { withinSchoolYears } from "./attendance-statistics.ts";
import { schoolDashboard } from "./dashboard.ts";

export interface LastYear {
  /** The same dates a year earlier. */
  range: DateRange;
  /** Exact counts over that window; null when the school has no registers for last year. */
  overall: GroupStatistics | null;
  /**
   * Each year group's exact counts then, pupils counted in the year group they were in then (last
   * year's Year 8 are today's Year 9), so a row sets this year's Year 8 against last year's.
   */
  byYearGroup: { label: string; statistics: GroupStatistics }[];
}

/**
 * The school's figures at the same date last year (src/domain/last-year.ts), counted exactly as
 * this year's are, so the dashboard sets like against like.
 */
export async function lastYearAtSameDate(
  db: Kysely<DB>,
  schoolId: number,
  calendar: SchoolCalendar,
  range: DateRange,
): Promise<LastYear> {
  const window = sameWindowLastYear(range);
  let within: DateRange;
  try {
    within = withinSchoolYears(calendar, window);
  } catch (error) {
    if (isRollbookError(error)) return { range: window, overall: null, byYearGroup: [] };
    throw error;
  }
  const { overall, byYearGroup } = await schoolDashboard(db, schoolId, within, {
    yearGroupsAsOf: range.to,
  });
  if (overall.possible === 0) return { range: within, overall: null, byYearGroup: [] };
  return {
    range: within,
    overall,
    byYearGroup: byYearGroup.filter((g) => g.statistics.possible > 0),
  };
}
