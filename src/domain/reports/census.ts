import type { DateRange } from "../calendar.ts";
import { CODES } from "../codes.ts";
import { addDays, fromEpochDay, type IsoDate, toEpochDay, weekdayOfEpochDay } from "../dates.ts";
import { type CodeTally, countsFromTally } from "../statistics.ts";

/**
 * The school census attendance module, one term in arrears (reference report §2.6, from DfE's
 * absence methodology): the spring census collects the autumn term (1 August to 31 December), the
 * summer census the spring term (1 January to Easter Sunday), and the autumn census the summer
 * term in two parts returned separately: summer half term 1 (Easter Monday to the Sunday before the
 * spring bank holiday) and summer half term 2 (the spring bank holiday to 31 July). The census
 * windows are fixed dates, not the school's own term dates.
 */
export type CensusTerm = "autumn" | "spring" | "summer" | "summer_2";

export const CENSUS_TERMS: readonly CensusTerm[] = ["autumn", "spring", "summer", "summer_2"];

export interface CensusWindow extends DateRange {
  term: CensusTerm;
  /** "Autumn term 2025" */
  label: string;
  /** The census that collects it: "Spring census 2026". */
  census: string;
}

/** Easter Sunday of a year (Gregorian calendar; the anonymous algorithm of Meeus, Jones and Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The spring bank holiday: the last Monday in May. */
export function springBankHoliday(year: number): IsoDate {
  const lastOfMay = toEpochDay(`${year}-05-31`);
  return fromEpochDay(lastOfMay - weekdayOfEpochDay(lastOfMay));
}

/** The dates a census term covers in the academic year starting `startYear`. */
export function censusWindow(term: CensusTerm, startYear: number): CensusWindow {
  const next = startYear + 1;
  switch (term) {
    case "autumn":
      return {
        term,
        from: `${startYear}-08-01`,
        to: `${startYear}-12-31`,
        label: `Autumn term ${startYear}`,
        census: `Spring census ${next}`,
      };
    case "spring":
      return {
        term,
        from: `${next}-01-01`,
        to: easterSunday(next),
        label: `Spring term ${next}`,
        census: `Summer census ${next}`,
      };
    case "summer":
      return {
        term,
        from: addDays(easterSunday(next), 1),
        to: addDays(springBankHoliday(next), -1),
        label: `Summer half term 1, ${next}`,
        census: `Autumn census ${next}`,
      };
    case "summer_2":
      return {
        term,
        from: springBankHoliday(next),
        to: `${next}-07-31`,
        label: `Summer half term 2, ${next}`,
        census: `Autumn census ${next} (summer half term 2, returned separately)`,
      };
  }
}

/**
 * One column per absence reason that could be recorded in the window (the census's SessionDetail
 * per AttendanceReason): every authorised and unauthorised code in force on some day of it, by
 * register symbol, in the order of the code registry.
 */
export function absenceReasonColumns(window: DateRange): string[] {
  const symbols: string[] = [];
  for (const code of CODES) {
    if (code.category !== "authorised" && code.category !== "unauthorised") continue;
    if (code.validFrom !== null && code.validFrom > window.to) continue;
    if (code.validTo !== null && code.validTo < window.from) continue;
    if (!symbols.includes(code.symbol)) symbols.push(code.symbol);
  }
  return symbols;
}

export interface CensusFigures {
  sessionsPossible: number;
  sessionsAuthorised: number;
  sessionsUnauthorised: number;
  /** Absence sessions per reason code, one entry per column (zero included). */
  byReason: Record<string, number>;
}

/** A pupil's census figures from their tally over the window. */
export function censusFigures(tally: CodeTally, reasons: readonly string[]): CensusFigures {
  const counts = countsFromTally(tally);
  const byReason: Record<string, number> = {};
  for (const symbol of reasons) byReason[symbol] = counts.byCode[symbol] ?? 0;
  return {
    sessionsPossible: counts.possible,
    sessionsAuthorised: counts.authorised,
    sessionsUnauthorised: counts.unauthorised,
    byReason,
  };
}

/** The cohort rule as the report states it. */
export const CENSUS_COHORT_RULE =
  "DfE headline cohort: pupils aged 5 to 15 on 31 August before the academic year, with at least one possible session in the window; for pupils aged 15, sessions in the second half of the summer term (the school calendar's last summer half term) are left out. Enrolments are counted, so pupils who have left are included for the sessions they were on roll. Rollbook holds no boarding status: every pupil is treated as a day pupil.";
