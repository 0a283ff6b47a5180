import type { SchoolCalendar } from "../calendar.ts";
import type { IsoDate } from "../dates.ts";
import { endOfDuration } from "./durations.ts";
import type { Stage } from "./types.ts";

export interface CadenceDue {
  what: "contact" | "review";
  everyWeeks: number;
  /** The day it falls due: a cadence after the last one done, or after the stage began. */
  due: IsoDate;
  lastDone: IsoDate | null;
}

/**
 * The regular contact and reviews a stage asks for, each due `everyWeeks` school weeks after it
 * was last done (or after the stage began): "the Attendance Leader contacts parents weekly". A
 * week of holiday is not a school week, so weekly contact does not fall due over half term; a
 * due day that is a closure or holiday moves to the next school day.
 */
export function cadenceDue(
  stage: Stage,
  startedOn: IsoDate,
  lastDone: { contact: IsoDate | null; review: IsoDate | null },
  calendar: SchoolCalendar,
): CadenceDue[] {
  return (stage.cadence ?? []).map((c) => {
    const last = lastDone[c.what];
    const from = last && last >= startedOn ? last : startedOn;
    const end = endOfDuration(calendar, from, { length: c.everyWeeks, unit: "school_weeks" });
    const due = calendar.isSchoolDay(end) ? end : (calendar.schoolDayAfter(end, 1) ?? end);
    return { ...c, due, lastDone: last };
  });
}

export function cadenceName(c: { what: "contact" | "review"; everyWeeks: number }): string {
  const every =
    c.everyWeeks === 1
      ? "Weekly"
      : c.everyWeeks === 2
        ? "Fortnightly"
        : `Every ${c.everyWeeks} school weeks:`;
  return `${every} ${c.what === "contact" ? "contact with the family" : "review"}`;
}
