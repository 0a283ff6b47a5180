import { academicYearOf, type SchoolCalendar, type SessionName } from "./calendar.ts";
import { addDays, type IsoDate, weekday } from "./dates.ts";

export interface SessionsOffered {
  /** The sessions of the date that have a register: none on weekends, holidays and closures. */
  sessions: SessionName[];
  /** Why a session has no register, in words for the screen; null when both sessions meet. */
  why: string | null;
  previousSchoolDay: IsoDate | null;
  nextSchoolDay: IsoDate | null;
}

/** Which registers a day has, and if not both, why not: registers are taken only on school sessions. */
export function sessionsOffered(calendar: SchoolCalendar, date: IsoDate): SessionsOffered {
  const sessions = calendar.sessionsOn(date);
  return {
    sessions,
    why: sessions.length === 2 ? null : reason(calendar, date, sessions),
    previousSchoolDay: previous(calendar, date),
    nextSchoolDay: calendar.schoolDayAfter(date, 1),
  };
}

function reason(calendar: SchoolCalendar, date: IsoDate, sessions: SessionName[]): string {
  if (weekday(date) >= 5) return "The school does not meet at weekends.";
  const closures = calendar.years.flatMap((y) => y.closures).filter((c) => c.date === date);
  if (closures.length > 0) {
    const which =
      sessions.length === 1
        ? `The ${sessions[0] === "AM" ? "afternoon" : "morning"} is`
        : "The school is";
    return `${which} closed: ${closures.map((c) => c.reason).join("; ")}.`;
  }
  if (calendar.halfTermOf(date) === undefined)
    return calendar.years.some((y) => y.startYear === academicYearOf(date))
      ? "This is a school holiday."
      : "The school's calendar does not cover this date yet.";
  return "The school does not meet on this day.";
}

/** The school day before `date`, looking back at most a long summer holiday. */
function previous(calendar: SchoolCalendar, date: IsoDate): IsoDate | null {
  for (let back = 1; back <= 70; back++) {
    const day = addDays(date, -back);
    if (calendar.isSchoolDay(day)) return day;
  }
  return null;
}
