import type { DateRange, SchoolCalendar } from "./calendar.ts";
import { dayLabel, type IsoDate } from "./dates.ts";

/**
 * Persistent (10%) and severe (50%) absence describe a pupil over a stretch of school, not a day:
 * DfE publishes them for the year to date and calls them "not available for short time periods".
 * Rollbook counts them over the calendar's periods (year to date, term, half term) once at least
 * two school weeks have passed in the period; a day, a week or a hand-picked range shows none.
 */
export const MINIMUM_SESSIONS_FOR_ABSENCE_MEASURES = 20;

export type PeriodKind = "year_to_date" | "year" | "term" | "half_term" | "custom";

export interface AbsenceMeasures {
  /** Whether persistent and severe absence mean something over this period. */
  counted: boolean;
  /** School sessions the period has held so far. */
  sessions: number;
  /** What is counted, or why nothing is, in the words the screen shows. */
  label: string;
}

const PERIOD_NAMES: Record<Exclude<PeriodKind, "custom">, string> = {
  year_to_date: "This year to date",
  year: "This academic year",
  term: "This term",
  half_term: "This half term",
};

export function absenceMeasuresOver(
  calendar: SchoolCalendar,
  kind: PeriodKind,
  range: DateRange,
  today: IsoDate,
): AbsenceMeasures {
  const to = range.to < today ? range.to : today;
  const sessions = to < range.from ? 0 : calendar.countSessions(range.from, to);
  // A period not begun yet is shown from its first day to its first day (dates are strings).
  let shownTo = to;
  if (shownTo < range.from) shownTo = range.from;
  const span = `${dayLabel(range.from)} to ${dayLabel(shownTo)}, ${sessions} school sessions`;
  if (kind === "custom")
    return {
      counted: false,
      sessions,
      label: `Persistent and severe absence are counted over the year to date, a term or a half term, not over chosen dates (${span}).`,
    };
  if (sessions < MINIMUM_SESSIONS_FOR_ABSENCE_MEASURES)
    return {
      counted: false,
      sessions,
      label: `Persistent and severe absence are counted once a period has had ${MINIMUM_SESSIONS_FOR_ABSENCE_MEASURES} school sessions; ${PERIOD_NAMES[kind].toLowerCase()} has had ${sessions}.`,
    };
  return {
    counted: true,
    sessions,
    label: `${PERIOD_NAMES[kind]} (${span}): persistently absent means missing 10% or more of one's possible sessions, severely absent 50% or more.`,
  };
}
