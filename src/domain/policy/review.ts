import { addDays, type IsoDate } from "../dates.ts";
import type { Ratio } from "../statistics.ts";
import { comparePercent } from "./bands.ts";
import { endOfDuration } from "./durations.ts";
import { ABSENT, type SessionIndex } from "./timeline.ts";
import type { Stage } from "./types.ts";

/**
 * When a stage's review falls: its weeks (fewer when attendance was lower at the start, as the LA
 * contract process recommends), plus any extension per day of absence since the stage began ("4
 * weeks, and one more week per day of additional absence").
 */
export function reviewDueDate(
  stage: Stage,
  startedOn: IsoDate,
  baseline: Ratio,
  index: SessionIndex,
  codes: Uint8Array,
  asOf: IsoDate,
): IsoDate | null {
  const rule = stage.review;
  if (!rule) return null;
  const row = rule.byStartingAttendance?.find(
    (r) => baseline.denominator > 0 && comparePercent(baseline, r.below) < 0,
  );
  let weeks = row?.weeks ?? rule.weeks;
  if (rule.extendWeeksPerDayAbsent) {
    let absentSessions = 0;
    for (let i = index.firstOnOrAfter(startedOn), end = index.endOf(asOf); i < end; i++) {
      absentSessions += ABSENT[codes[i] as number] as number;
    }
    weeks += Math.floor(absentSessions / 2) * rule.extendWeeksPerDayAbsent;
  }
  if (rule.maxWeeks !== undefined) weeks = Math.min(weeks, rule.maxWeeks);
  return rule.unit === "school_weeks"
    ? endOfDuration(index.calendar, startedOn, { length: weeks, unit: "school_weeks" })
    : addDays(startedOn, weeks * 7);
}
