import { type GroupStatistics, percentage, type Ratio } from "../statistics.ts";
import type { CountColumn } from "./dfe-attendance-file.ts";

/**
 * The figures a school is compared on, the same for a school and for DfE's areas: every rate over
 * possible sessions, persistent absence over enrolments (see the reference report, section 2).
 * Percentages are unrounded; screens round them for display.
 */
export interface ComparisonFigures {
  possibleSessions: number | null;
  attendancePercent: number | null;
  overallAbsencePercent: number | null;
  authorisedAbsencePercent: number | null;
  unauthorisedAbsencePercent: number | null;
  persistentAbsencePercent: number | null;
}

export interface PublishedFigures {
  counts: Record<CountColumn, number | null>;
  percentages: Record<string, number | null>;
}

/**
 * An area's figures from DfE's exact counts; where DfE withheld a count, its published
 * percentage. DfE publishes persistent absence only as a percentage (`pa_perc`).
 */
export function figuresOfBenchmark(row: PublishedFigures): ComparisonFigures {
  const possible = row.counts.possible_sessions;
  const rate = (count: CountColumn, published: string): number | null => {
    const numerator = row.counts[count];
    if (numerator !== null && possible !== null && possible > 0)
      return percentage({ numerator, denominator: possible });
    return row.percentages[published] ?? null;
  };
  return {
    possibleSessions: possible,
    attendancePercent: rate("overall_attendance", "attendance_perc"),
    overallAbsencePercent: rate("overall_absence", "overall_absence_perc"),
    authorisedAbsencePercent: rate("authorised_absence", "authorised_absence_perc"),
    unauthorisedAbsencePercent: rate("unauthorised_absence", "unauthorised_absence_perc"),
    persistentAbsencePercent: row.percentages.pa_perc ?? null,
  };
}

/** A school's (or any group's) figures from its enrolments' exact counts. */
export function figuresOfGroup(statistics: GroupStatistics): ComparisonFigures {
  const rate = (ratio: Ratio) => percentage(ratio);
  return {
    possibleSessions: statistics.possible,
    attendancePercent: rate(statistics.attendanceRate),
    overallAbsencePercent: rate(statistics.overallAbsenceRate),
    authorisedAbsencePercent: rate(statistics.authorisedAbsenceRate),
    unauthorisedAbsencePercent: rate(statistics.unauthorisedAbsenceRate),
    persistentAbsencePercent: rate(statistics.persistentAbsenceRate),
  };
}
