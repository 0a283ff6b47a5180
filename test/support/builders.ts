import type { AcademicYearCalendar, SchoolCalendar } from "../../src/domain/calendar.ts";
import { SchoolCalendar as Calendar } from "../../src/domain/calendar.ts";
import { addDays, type IsoDate } from "../../src/domain/dates.ts";
import { emptyYearMarks, putMark, splitSymbols, type YearMarks } from "../../src/domain/marks.ts";

/** A plain 2025/26 calendar: six half terms, 190 school days (380 sessions) once INSET is taken out. */
export function year2025(): AcademicYearCalendar {
  return {
    startYear: 2025,
    halfTerms: [
      { name: "Autumn 1", term: "Autumn", start: "2025-09-01", end: "2025-10-24" },
      { name: "Autumn 2", term: "Autumn", start: "2025-11-03", end: "2025-12-19" },
      { name: "Spring 1", term: "Spring", start: "2026-01-05", end: "2026-02-13" },
      { name: "Spring 2", term: "Spring", start: "2026-02-23", end: "2026-03-27" },
      { name: "Summer 1", term: "Summer", start: "2026-04-13", end: "2026-05-22" },
      { name: "Summer 2", term: "Summer", start: "2026-06-01", end: "2026-07-22" },
    ],
    closures: [
      { date: "2025-09-01", session: null, reason: "INSET" },
      { date: "2025-09-02", session: null, reason: "INSET" },
      { date: "2026-01-05", session: null, reason: "INSET" },
      { date: "2026-05-04", session: null, reason: "Early May bank holiday" },
      { date: "2026-06-01", session: null, reason: "INSET" },
      { date: "2026-07-20", session: null, reason: "INSET" },
      { date: "2026-07-21", session: null, reason: "INSET" },
      { date: "2026-07-22", session: null, reason: "INSET" },
    ],
  };
}

export function aCalendar(...years: AcademicYearCalendar[]): SchoolCalendar {
  return new Calendar(years.length > 0 ? years : [year2025()]);
}

/**
 * A pupil's year with the given run of marks written into consecutive school sessions from
 * `from`: `marksFrom(cal, "2025-09-03", "//\\\\NN")`.
 */
export function marksFrom(
  calendar: SchoolCalendar,
  from: IsoDate,
  run: string,
  marks = emptyYearMarks(),
): YearMarks {
  const symbols = splitSymbols(run);
  let date = from;
  const startYear = calendar.years[0]?.startYear ?? 2025;
  while (symbols.length > 0) {
    for (const session of calendar.sessionsOn(date)) {
      const symbol = symbols.shift();
      if (symbol === undefined) break;
      putMark(marks, startYear, date, session, symbol);
    }
    date = addDays(date, 1);
    if (date > `${startYear + 1}-07-31`)
      throw new Error("run of marks is longer than the school year");
  }
  return marks;
}

/** A run of `n` copies of a symbol. */
export function times(symbol: string, n: number): string {
  return symbol.repeat(n);
}
