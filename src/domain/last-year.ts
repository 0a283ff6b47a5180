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

/** A school's year group as stored: its name and National Curriculum year (0 is Reception). */
export interface YearGroupName {
  name: string;
  ncYear: number | null;
}

/**
 * The year group a pupil was in `yearsBack` academic years before the one their stored year group
 * is for: today's Year 9 were Year 8 last year, so last year's Year 8 is set against this year's.
 * The school's own name for that National Curriculum year when it has one, else "Year N"
 * ("Reception" for 0); with no National Curriculum year, the stored name is all there is.
 */
export function yearGroupYearsBack(
  stored: YearGroupName | null,
  yearsBack: number,
  schoolGroups: readonly YearGroupName[],
): YearGroupName | null {
  if (!stored || yearsBack === 0 || stored.ncYear === null) return stored;
  const ncYear = stored.ncYear - yearsBack;
  const named = schoolGroups.find((g) => g.ncYear === ncYear);
  if (named) return named;
  if (ncYear < 0) return { name: "Before Reception", ncYear };
  return { name: ncYear === 0 ? "Reception" : `Year ${ncYear}`, ncYear };
}
