import { academicYearOf, type SchoolCalendar, type SessionName } from "../calendar.ts";
import { CATEGORY_OF_INDEX, CODE_INDEX_LIMIT, CODES } from "../codes.ts";
import { type IsoDate, mondayOf, toEpochDay, weekdayOfEpochDay } from "../dates.ts";
import type { YearMarks } from "../marks.ts";
import { slotOf } from "../marks.ts";

/**
 * Every school session of a stretch of the calendar, in order, with its date, school day, school
 * week and weekday: built once per school and shared by every pupil's evaluation. A school week is
 * any week with at least one session, so holiday weeks never count in a window of school weeks.
 */
export class SessionIndex {
  readonly count: number;
  readonly dates: IsoDate[] = [];
  readonly sessions: SessionName[] = [];
  readonly day: Int32Array;
  readonly week: Int32Array;
  readonly weekday: Uint8Array;
  readonly year: Int16Array;
  readonly slot: Int16Array;

  constructor(
    readonly calendar: SchoolCalendar,
    readonly from: IsoDate,
    readonly to: IsoDate,
  ) {
    const days = calendar.schoolDays(from, to);
    const entries: { date: IsoDate; session: SessionName; day: number; week: number }[] = [];
    let lastMonday = Number.NaN;
    let week = -1;
    days.forEach((date, dayNumber) => {
      const monday = mondayOf(toEpochDay(date));
      if (monday !== lastMonday) {
        week++;
        lastMonday = monday;
      }
      for (const session of calendar.sessionsOn(date))
        entries.push({ date, session, day: dayNumber, week });
    });
    this.count = entries.length;
    this.day = new Int32Array(this.count);
    this.week = new Int32Array(this.count);
    this.weekday = new Uint8Array(this.count);
    this.year = new Int16Array(this.count);
    this.slot = new Int16Array(this.count);
    entries.forEach((e, i) => {
      this.dates.push(e.date);
      this.sessions.push(e.session);
      this.day[i] = e.day;
      this.week[i] = e.week;
      this.weekday[i] = weekdayOfEpochDay(toEpochDay(e.date));
      const at = slotOf(e.date, e.session);
      this.year[i] = at.startYear;
      this.slot[i] = at.slot;
    });
  }

  /** Index of the first session on or after a date (count when none). */
  firstOnOrAfter(date: IsoDate): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.dates[mid] as string) < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index just past the last session on or before a date. */
  endOf(date: IsoDate): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.dates[mid] as string) <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One pupil's code per session of the index, gathered from their compact years (0 = no mark). */
  codesOf(years: ReadonlyMap<number, YearMarks>): Uint8Array {
    const codes = new Uint8Array(this.count);
    let yearMarks: YearMarks | undefined;
    let currentYear = -1;
    for (let i = 0; i < this.count; i++) {
      const year = this.year[i] as number;
      if (year !== currentYear) {
        currentYear = year;
        yearMarks = years.get(year);
      }
      codes[i] = yearMarks ? (yearMarks[this.slot[i] as number] as number) : 0;
    }
    return codes;
  }
}

/**
 * The index of a calendar's sessions from..to, built once and shared: every school of a local
 * authority's term dates (the usual case) has the same sessions, so the daily job over a trust
 * builds one index, not one per school. Calendars are compared by their dates, not by identity.
 */
export function sessionIndexOf(calendar: SchoolCalendar, from: IsoDate, to: IsoDate): SessionIndex {
  const key = `${from}|${to}|${JSON.stringify(calendar.years)}`;
  let index = indexes.get(key);
  if (index) {
    indexes.delete(key); // most recently used last
  } else {
    index = new SessionIndex(calendar, from, to);
    if (indexes.size >= MAX_INDEXES) indexes.delete(indexes.keys().next().value as string);
  }
  indexes.set(key, index);
  return index;
}

const MAX_INDEXES = 64;
const indexes = new Map<string, SessionIndex>();

/** The span evaluation needs: last academic year and this one, so windows can cross into a new year. */
export function evaluationSpan(asOf: IsoDate): { from: IsoDate; to: IsoDate } {
  const year = academicYearOf(asOf);
  return { from: `${year - 1}-08-01`, to: asOf };
}

/** Membership table over code indices for a set of symbols (every era of each symbol). */
export function codeSet(symbols: readonly string[]): Uint8Array {
  // A condition's own list asks for its set once per pupil: found by the list itself first.
  const same = codeSetsByList.get(symbols);
  if (same) return same;
  const key = symbols.join(" ");
  let set = codeSets.get(key);
  if (!set) {
    set = new Uint8Array(CODE_INDEX_LIMIT);
    const wanted = new Set(symbols);
    for (const code of CODES) if (wanted.has(code.symbol)) set[code.index] = 1;
    codeSets.set(key, set);
  }
  codeSetsByList.set(symbols, set);
  return set;
}

const codeSetsByList = new WeakMap<readonly string[], Uint8Array>();

// Conditions ask for the same few code sets for every pupil: build each once.
const codeSets = new Map<string, Uint8Array>();

const inCategory = (categories: string[]) => {
  const set = new Uint8Array(CODE_INDEX_LIMIT);
  CATEGORY_OF_INDEX.forEach((c, i) => {
    if (c && categories.includes(c)) set[i] = 1;
  });
  return set;
};

export const POSSIBLE = inCategory(["present", "aea", "authorised", "unauthorised"]);
export const ATTENDING = inCategory(["present", "aea"]);
export const ABSENT = inCategory(["authorised", "unauthorised"]);
