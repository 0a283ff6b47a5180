import type { SessionName } from "./calendar.ts";
import { type AttendanceCode, codesValidOn, presentSymbolFor } from "./codes.ts";
import type { IsoDate } from "./dates.ts";

/** How many codes the register's picker shows before "All codes". */
export const COMMON_CODES_SHOWN = 6;

export interface CodePicker {
  /** Shown first: the session's present mark has its own button, so these are the school's most-used others. */
  common: string[];
  /** Every code that may be recorded that day and session, in register order. */
  all: string[];
}

/**
 * The picker a tutor sees on a touch screen: the school's most-used codes first (counted over the
 * recent weeks), then every code in force on the date, so nothing valid is out of reach. The other
 * session's present mark is left out: `/` is the morning's, `\` the afternoon's.
 */
export function codePicker(
  date: IsoDate,
  session: SessionName,
  usage: ReadonlyMap<string, number>,
): CodePicker {
  const otherPresent = presentSymbolFor(session === "AM" ? "PM" : "AM");
  const present = presentSymbolFor(session);
  const all = codesValidOn(date)
    .map((c: AttendanceCode) => c.symbol)
    .filter((s) => s !== otherPresent);
  const order = new Map(all.map((s, i) => [s, i]));
  const common = all
    .filter((s) => s !== present && (usage.get(s) ?? 0) > 0)
    .sort(
      (a, b) =>
        (usage.get(b) ?? 0) - (usage.get(a) ?? 0) || (order.get(a) ?? 0) - (order.get(b) ?? 0),
    );
  // A new school has no history yet: late, no reason yet, illness and appointments are every school's commonest.
  for (const s of ["L", "N", "I", "M", "U", "C"]) {
    if (common.length >= COMMON_CODES_SHOWN) break;
    if (order.has(s) && !common.includes(s)) common.push(s);
  }
  return { common: common.slice(0, COMMON_CODES_SHOWN), all };
}
