import type { DateRange } from "./calendar.ts";
import type { IsoDate } from "./dates.ts";

/** The same calendar date a year earlier; 29 February becomes the 28th. */
export function sameDateLastYear(date: IsoDate): IsoDate {
  const year = Number(date.slice(0, 4)) - 1;
  const monthDay = date.slice(5) === "02-29" ? "02-28" : date.slice(5);
  return `${year}-${monthDay}`;
}

/**
 * Last year's figures at the same date: the same window of calendar dates a year earlier, so
 * "this year to date" on 2 December is set against 1 September to 2 December last year, never
 * against the whole of last year.
 */
export function sameWindowLastYear(range: DateRange): DateRange {
  return { from: sameDateLastYear(range.from), to: sameDateLastYear(range.to) };
}
