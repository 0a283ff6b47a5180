import type { SchoolCalendar } from "../calendar.ts";
import { addDays, type IsoDate } from "../dates.ts";
import type { Duration } from "./fields.ts";

/** Far enough for any policy's period (a school year and a half), and no further. */
const HORIZON_DAYS = 550;

/**
 * The day a duration that starts after `from` ends: the last of its school days or sessions, the
 * same weekday that many school weeks on (holiday weeks not counted), or plain calendar days.
 * Beyond the calendar's known terms, days are counted as calendar days.
 */
export function endOfDuration(calendar: SchoolCalendar, from: IsoDate, d: Duration): IsoDate {
  if (d.unit === "calendar_days" || d.unit === "calendar_weeks")
    return countedEnd(calendar, from, d);
  // Counting school days walks the calendar: every pupil of a stage begun the same day asks the
  // same question (a review due in 4 school weeks), so each calendar keeps its answers.
  let known = ends.get(calendar);
  if (!known) {
    known = new Map();
    ends.set(calendar, known);
  }
  const key = `${from}|${d.length}|${d.unit}`;
  let end = known.get(key);
  if (end === undefined) {
    end = countedEnd(calendar, from, d);
    known.set(key, end);
  }
  return end;
}

const ends = new WeakMap<SchoolCalendar, Map<string, IsoDate>>();

function countedEnd(calendar: SchoolCalendar, from: IsoDate, d: Duration): IsoDate {
  switch (d.unit) {
    case "calendar_days":
      return addDays(from, d.length);
    case "calendar_weeks":
      return addDays(from, d.length * 7);
    case "school_days":
    case "sessions": {
      let left = d.length;
      for (let day = 1; day <= HORIZON_DAYS; day++) {
        const date = addDays(from, day);
        left -=
          d.unit === "school_days"
            ? calendar.isSchoolDay(date)
              ? 1
              : 0
            : calendar.sessionsOn(date).length;
        if (left <= 0) return date;
      }
      return addDays(from, d.length);
    }
    case "school_weeks": {
      let weeks = 0;
      let end = from;
      while (weeks < d.length && addDays(end, 7) <= addDays(from, HORIZON_DAYS)) {
        const next = addDays(end, 7);
        if (calendar.schoolDays(addDays(end, 1), next).length > 0) weeks++;
        end = next;
      }
      return weeks < d.length ? addDays(end, (d.length - weeks) * 7) : end;
    }
  }
}

export function describeDuration(d: Duration): string {
  const noun = {
    calendar_days: "day",
    calendar_weeks: "week",
    school_days: "school day",
    school_weeks: "school week",
    sessions: "session",
  }[d.unit];
  return `${d.length} ${noun}${d.length === 1 ? "" : "s"}`;
}
