import { academicYearLabel, academicYearOf, type SessionName } from "../calendar.ts";
import {
  type AttendanceCode,
  type Category,
  CODES,
  codeByIndex,
  codeOn,
  presentSymbolFor,
  REGULATIONS_2024_IN_FORCE,
} from "../codes.ts";
import { addDays, fromEpochDay, type IsoDate, toEpochDay } from "../dates.ts";
import { isRollbookError } from "../errors.ts";
import { SLOTS_PER_YEAR, sessionOfSlot, type YearMarks } from "../marks.ts";
import type { CtfTotals } from "./document.ts";

/**
 * The CTF AttendanceMarks string (reference report 5.2): two characters per calendar date from
 * AttendanceStartDate, the morning's then the afternoon's; `#` where the school did not meet.
 * Rollbook also writes `-` for a school session with no mark recorded, and reads it back as such.
 *
 * One character per session cannot hold the 2024 two-character codes (C1, C2, J1, Y1-Y7), and the
 * DfE specification of how CTF 24 and later write them could not be confirmed. Rollbook writes
 * each as its one-character family (C1 and C2 as C, J1 as J, Y1-Y7 as Y), which keeps its
 * statistical category: C and C1/C2 are all authorised, Y1-Y7 all "not possible", and from 19
 * August 2024 the only J code is J1. The export says how many sessions were written that way, and
 * the YearData totals are counted from the exact codes. Reading back, `J` from 19 August 2024 is J1
 * exactly and `Y` is "one of Y1-Y7"; the string is stored exactly as received, so nothing is lost.
 */
export const NO_SESSION = "#";
export const NO_MARK = "-";
export const MAX_MARKS_LENGTH = SLOTS_PER_YEAR;

/** The character a register code is written as in AttendanceMarks. */
export function ctfCharacterOf(symbol: string): string {
  return symbol.length === 1 ? symbol : (symbol[0] as string);
}

export interface EncodedMarks {
  startDate: IsoDate;
  marks: string;
  /** Sessions whose two-character code was written as its family letter, by code. */
  writtenAsFamily: Record<string, number>;
}

/**
 * A pupil's year as AttendanceMarks, from the first to the last date with a mark; null when the
 * year has no mark. Unmarked slots are `#` where the school did not meet and `-` where it did.
 */
export function encodeYearMarks(
  marks: YearMarks,
  startYear: number,
  isSchoolSession: (date: IsoDate, session: SessionName) => boolean,
): EncodedMarks | null {
  let first = -1;
  let last = -1;
  for (let slot = 0; slot < marks.length; slot++) {
    if (marks[slot] === 0) continue;
    if (first === -1) first = slot;
    last = slot;
  }
  if (first === -1) return null;
  const from = first - (first % 2);
  const to = last + (last % 2 === 0 ? 2 : 1);
  let text = "";
  const writtenAsFamily: Record<string, number> = {};
  for (let slot = from; slot < to; slot++) {
    const index = marks[slot] as number;
    if (index !== 0) {
      const { symbol } = codeByIndex(index);
      const character = ctfCharacterOf(symbol);
      if (character !== symbol) writtenAsFamily[symbol] = (writtenAsFamily[symbol] ?? 0) + 1;
      text += character;
    } else {
      const { date, session } = sessionOfSlot(startYear, slot);
      text += isSchoolSession(date, session) ? NO_MARK : NO_SESSION;
    }
  }
  return { startDate: sessionOfSlot(startYear, from).date, marks: text, writtenAsFamily };
}

/** One session read from AttendanceMarks. */
export interface TransferredMark {
  date: IsoDate;
  session: SessionName;
  /** The character as sent. */
  character: string;
  /** The code it means: exact, or a family such as "Y1-Y7" when the character cannot say which. */
  code: string;
  category: Category;
}

export interface DecodedMarks {
  marks: TransferredMark[];
  /** What is wrong with the string as a whole (its length, its dates): the string is unreadable. */
  problems: string[];
  /**
   * Characters that are no code in force on their date, each naming the character, its position,
   * the date and session: that session alone is unread, the rest of the string stands.
   */
  unread: string[];
}

const MAX_PROBLEMS_PER_STRING = 5;

/** Dates by epoch day: a file repeats the same school year for every pupil. */
const DATES = new Map<number, IsoDate>();
function dateOfDay(day: number): IsoDate {
  let date = DATES.get(day);
  if (date === undefined) {
    date = fromEpochDay(day);
    if (DATES.size < 50_000) DATES.set(day, date);
  }
  return date;
}

const BY_SYMBOL = new Map<string, AttendanceCode[]>();
for (const code of CODES) BY_SYMBOL.set(code.symbol, [...(BY_SYMBOL.get(code.symbol) ?? []), code]);

/** Reads an AttendanceMarks string, checking every character against the codes in force that day. */
export function decodeAttendanceMarks(
  startDate: IsoDate,
  text: string,
  pupil?: string,
): DecodedMarks {
  const problems: string[] = [];
  if (text.length % 2 !== 0) {
    problems.push(
      `${text.length} character${text.length === 1 ? "" : "s"} is not a whole number of sessions (two per day)`,
    );
    return { marks: [], problems, unread: [] };
  }
  const startYear = academicYearOf(startDate);
  const yearEnd = `${startYear + 1}-07-31`;
  const lastDate = addDays(startDate, text.length / 2 - 1);
  if (text.length > 0 && lastDate > yearEnd) {
    const over = toEpochDay(lastDate) - toEpochDay(yearEnd);
    problems.push(
      `${text.length / 2} days from ${startDate} run to ${lastDate}, ${over} day${over === 1 ? "" : "s"} past ${yearEnd}, the end of academic year ${academicYearLabel(startYear)}`,
    );
    return { marks: [], problems, unread: [] };
  }
  const marks: TransferredMark[] = [];
  const unread: string[] = [];
  const firstDay = toEpochDay(startDate);
  let refused = 0;
  let day = -1;
  let date = startDate;
  for (let i = 0; i < text.length; i++) {
    const character = text[i] as string;
    if (character === NO_SESSION || character === NO_MARK) continue;
    if (i >> 1 !== day) {
      day = i >> 1;
      date = dateOfDay(firstDay + day);
    }
    const session: SessionName = i % 2 === 0 ? "AM" : "PM";
    const read = readCharacter(character, date, session, pupil);
    if (typeof read === "string") {
      refused++;
      if (refused <= MAX_PROBLEMS_PER_STRING) unread.push(`character ${i + 1}: ${read}`);
      continue;
    }
    marks.push({ date, session, character, ...read });
  }
  if (refused > MAX_PROBLEMS_PER_STRING) {
    unread.push(`...and ${refused - MAX_PROBLEMS_PER_STRING} more characters not read`);
  }
  return { marks, problems, unread };
}

/** What one character means on a date, or why it cannot be read. */
function readCharacter(
  character: string,
  date: IsoDate,
  session: SessionName,
  pupil: string | undefined,
): { code: string; category: Category } | string {
  // Other systems write `/` for both sessions; the session decides which present mark it is.
  const symbol = character === "/" || character === "\\" ? presentSymbolFor(session) : character;
  // The common case without building an error message: a code in force that day.
  const found = BY_SYMBOL.get(symbol)?.find(
    (c) =>
      (c.validFrom === null || date >= c.validFrom) && (c.validTo === null || date <= c.validTo),
  );
  if (found) return { code: found.symbol, category: found.category };
  const context = { ...(pupil ? { pupil } : {}), session };
  try {
    const code = codeOn(symbol, date, context);
    return { code: code.symbol, category: code.category };
  } catch (error) {
    if (!isRollbookError(error)) throw error;
    if (date >= REGULATIONS_2024_IN_FORCE && (symbol === "J" || symbol === "Y")) {
      // The family letter of J1 or Y1-Y7, as Rollbook (and a one-character CTF) writes them.
      return symbol === "J"
        ? { code: "J1", category: "authorised" }
        : { code: "Y1-Y7", category: "not_possible" };
    }
    const shown = character.trim() === "" ? `"${character}" (blank)` : `"${character}"`;
    return error.message.replace(`"${symbol}"`, shown);
  }
}

/** The four YearData totals as the marks themselves give them (DfE categories). */
export function totalsOfMarks(marks: TransferredMark[]): CtfTotals {
  const totals = {
    sessionsPossible: 0,
    sessionsAuthorised: 0,
    sessionsAttended: 0,
    sessionsUnauthorised: 0,
  };
  for (const { category } of marks) {
    if (category === "not_possible") continue;
    totals.sessionsPossible++;
    if (category === "authorised") totals.sessionsAuthorised++;
    else if (category === "unauthorised") totals.sessionsUnauthorised++;
    else totals.sessionsAttended++;
  }
  return totals;
}

/** Joins several AttendSessions runs of one year into one, `#` for the days between them. */
export function joinRuns(
  runs: { startDate: IsoDate; marks: string }[],
): { startDate: IsoDate; marks: string } | string {
  const sorted = [...runs].sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
  const first = sorted[0];
  if (!first) return "no runs";
  let marks = first.marks;
  for (const run of sorted.slice(1)) {
    const gapDays = toEpochDay(run.startDate) - toEpochDay(first.startDate) - marks.length / 2;
    if (gapDays < 0) {
      return `the run starting ${run.startDate} overlaps the one before it (which runs to ${addDays(first.startDate, marks.length / 2 - 1)})`;
    }
    marks += NO_SESSION.repeat(gapDays * 2) + run.marks;
  }
  return { startDate: first.startDate, marks };
}
