import { academicYearOf, type SessionName } from "./calendar.ts";
import {
  CODE_INDEX_LIMIT,
  codeByIndex,
  codeOn,
  type MarkContext,
  normaliseSymbol,
} from "./codes.ts";
import { fromEpochDay, type IsoDate, toEpochDay } from "./dates.ts";
import { RollbookError } from "./errors.ts";

/**
 * The compact form of a pupil's register for one academic year: one byte per session, holding a
 * code index (0 = no mark). The database rows stay the legal record; this array is derived from
 * them and is what statistics and policy triggers read.
 *
 * Slots are by calendar date (two per day from 1 August, AM then PM), not by school-session
 * number, like the Common Transfer File's AttendanceMarks string: editing the calendar (a new
 * INSET day) never shifts a stored mark, and a date range maps to a slot range without the
 * calendar.
 */
export type YearMarks = Uint8Array;

export const SLOTS_PER_YEAR = 732; // 366 days x 2 sessions

export function emptyYearMarks(): YearMarks {
  return new Uint8Array(SLOTS_PER_YEAR);
}

function yearStartDay(startYear: number): number {
  return toEpochDay(`${startYear}-08-01`);
}

/** The slot of a session in its academic year. */
export function slotOf(date: IsoDate, session: SessionName): { startYear: number; slot: number } {
  const startYear = academicYearOf(date);
  const slot = (toEpochDay(date) - yearStartDay(startYear)) * 2 + (session === "PM" ? 1 : 0);
  return { startYear, slot };
}

export function sessionOfSlot(
  startYear: number,
  slot: number,
): { date: IsoDate; session: SessionName } {
  return {
    date: fromEpochDay(yearStartDay(startYear) + (slot >> 1)),
    session: slot & 1 ? "PM" : "AM",
  };
}

/** Half-open slot range [lo, hi) of the part of `from`..`to` (inclusive dates) inside the year. */
export function slotRange(startYear: number, from: IsoDate, to: IsoDate): [number, number] {
  const start = yearStartDay(startYear);
  const lo = Math.max(0, (toEpochDay(from) - start) * 2);
  const hi = Math.min(SLOTS_PER_YEAR, (toEpochDay(to) - start + 1) * 2);
  return [lo, Math.max(lo, hi)];
}

/**
 * Records a symbol in a pupil's year, checking it is a code in force on that date. The error
 * names the code, the pupil and the date.
 */
export function putMark(
  marks: YearMarks,
  startYear: number,
  date: IsoDate,
  session: SessionName,
  symbol: string,
  context: MarkContext = {},
): void {
  const at = slotOf(date, session);
  if (at.startYear !== startYear) {
    throw new RollbookError(
      "invalid_input",
      `${date} is not in academic year starting ${startYear}`,
    );
  }
  marks[at.slot] = codeOn(normaliseSymbol(symbol, session), date, { ...context, session }).index;
}

/**
 * Splits a run of register symbols such as `//\\NNC1` into codes. Two-character codes (C1, J1,
 * Y1-Y7) are read greedily; spaces are ignored. For test fixtures and CTF-style strings.
 */
export function splitSymbols(run: string): string[] {
  const symbols: string[] = [];
  for (let i = 0; i < run.length; i++) {
    const ch = run[i] as string;
    if (ch === " ") continue;
    const next = run[i + 1];
    if (next !== undefined && /[0-9]/.test(next)) {
      symbols.push(ch + next);
      i++;
    } else {
      symbols.push(ch);
    }
  }
  return symbols;
}

/** Marks of a slot range written out as symbols, `-` for no mark: for display and debugging. */
export function describeMarks(marks: YearMarks, lo = 0, hi = marks.length): string {
  let out = "";
  for (let i = lo; i < hi; i++) {
    const index = marks[i] as number;
    out += index === 0 ? "-" : codeByIndex(index).symbol;
  }
  return out;
}

export function assertCodeIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= CODE_INDEX_LIMIT) {
    throw new RollbookError("unknown_code", `No attendance code has index ${index}`);
  }
}
