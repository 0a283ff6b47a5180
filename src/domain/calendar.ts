import {
  addDays,
  fromEpochDay,
  type IsoDate,
  mondayOf,
  parseIsoDate,
  toEpochDay,
  weekdayOfEpochDay,
} from "./dates.ts";
import { RollbookError } from "./errors.ts";

/** A register is taken at the start of the morning session and once during the afternoon. */
export type SessionName = "AM" | "PM";
export const SESSIONS: readonly SessionName[] = ["AM", "PM"];

export type TermName = "Autumn" | "Spring" | "Summer";

export interface HalfTerm {
  /** e.g. "Autumn 1" */
  name: string;
  term: TermName;
  start: IsoDate;
  end: IsoDate;
}

/** A day or session inside a half term when the school does not meet: INSET, bank holiday, planned closure. */
export interface Closure {
  date: IsoDate;
  /** null closes both sessions */
  session: SessionName | null;
  reason: string;
}

export interface AcademicYearCalendar {
  /** Year the academic year starts in: 2025 for 2025/26. */
  startYear: number;
  halfTerms: HalfTerm[];
  closures: Closure[];
}

export type Period = "year" | "term" | "half_term";

export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

const AM = 1;
const PM = 2;

export function academicYearLabel(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, "0")}`;
}

/**
 * Rollbook's academic year runs 1 August to 31 July, the span DfE's census uses for the autumn
 * term's absence (1 August to 31 December); no school session falls outside it.
 */
export function academicYearOf(date: IsoDate): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= "08-01" ? year : year - 1;
}

export function academicYearBounds(startYear: number): DateRange {
  return { from: `${startYear}-08-01`, to: `${startYear + 1}-07-31` };
}

/**
 * The school calendar: which weekdays and sessions the school meets, grouped into half terms,
 * terms and academic years. Pure and immutable once built; invalid calendars are refused with a
 * message naming the half term or closure at fault.
 */
export class SchoolCalendar {
  readonly years: readonly AcademicYearCalendar[];
  /** School days in order, as epoch days, with their session mask (AM=1, PM=2). */
  private readonly days: number[] = [];
  private readonly masks = new Map<number, number>();
  /** Mondays (epoch days) of weeks with at least one session, in order. */
  private readonly weeks: number[] = [];
  private readonly weekIndex = new Map<number, number>();

  constructor(years: AcademicYearCalendar[]) {
    this.years = [...years].sort((a, b) => a.startYear - b.startYear).map(validateYear);
    for (let i = 1; i < this.years.length; i++) {
      if (this.years[i]?.startYear === this.years[i - 1]?.startYear) {
        throw invalid(
          `academic year ${academicYearLabel(this.years[i]?.startYear ?? 0)} is given twice`,
        );
      }
    }
    for (const year of this.years) this.addYear(year);
    this.days.sort((a, b) => a - b);
    for (const day of this.days) {
      const monday = mondayOf(day);
      if (!this.weekIndex.has(monday)) {
        this.weekIndex.set(monday, this.weeks.length);
        this.weeks.push(monday);
      }
    }
  }

  private addYear(year: AcademicYearCalendar): void {
    const closed = new Map<number, number>();
    for (const closure of year.closures) {
      const day = toEpochDay(closure.date);
      const mask = closure.session === "AM" ? AM : closure.session === "PM" ? PM : AM | PM;
      closed.set(day, (closed.get(day) ?? 0) | mask);
    }
    for (const half of year.halfTerms) {
      for (let day = toEpochDay(half.start); day <= toEpochDay(half.end); day++) {
        if (weekdayOfEpochDay(day) >= 5) continue;
        const mask = (AM | PM) & ~(closed.get(day) ?? 0);
        if (mask === 0) continue;
        this.days.push(day);
        this.masks.set(day, mask);
      }
    }
  }

  isSchoolDay(date: IsoDate): boolean {
    return this.masks.has(toEpochDay(date));
  }

  isSchoolSession(date: IsoDate, session: SessionName): boolean {
    const mask = this.masks.get(toEpochDay(date)) ?? 0;
    return (mask & (session === "AM" ? AM : PM)) !== 0;
  }

  sessionsOn(date: IsoDate): SessionName[] {
    const mask = this.masks.get(toEpochDay(date)) ?? 0;
    return SESSIONS.filter((s) => (mask & (s === "AM" ? AM : PM)) !== 0);
  }

  /** School days from `from` to `to`, both inclusive. */
  schoolDays(from: IsoDate, to: IsoDate): IsoDate[] {
    const [lo, hi] = this.dayIndexRange(from, to);
    return this.days.slice(lo, hi).map(fromEpochDay);
  }

  /** Number of sessions the school meets from `from` to `to`, both inclusive. */
  countSessions(from: IsoDate, to: IsoDate): number {
    const [lo, hi] = this.dayIndexRange(from, to);
    let count = 0;
    for (let i = lo; i < hi; i++) {
      const mask = this.masks.get(this.days[i] as number) ?? 0;
      count += (mask & AM ? 1 : 0) + (mask & PM ? 1 : 0);
    }
    return count;
  }

  /**
   * School days strictly after `from` up to and including `to`: how many school days have passed
   * since a session, as in "no more than 5 school days after the session" for code N.
   */
  schoolDaysSince(from: IsoDate, to: IsoDate): number {
    if (to <= from) return 0;
    return this.schoolDays(addDays(from, 1), to).length;
  }

  /** The school day `n` school days after `date` (n >= 1), or null past the end of the calendar. */
  schoolDayAfter(date: IsoDate, n: number): IsoDate | null {
    const start = upperBound(this.days, toEpochDay(date));
    const day = this.days[start + n - 1];
    return day === undefined ? null : fromEpochDay(day);
  }

  /** Weeks with at least one school session ("school weeks"), by their Monday. */
  schoolWeeks(): IsoDate[] {
    return this.weeks.map(fromEpochDay);
  }

  /** Position of the date's week among school weeks, or -1 when its week has no session. */
  schoolWeekNumber(date: IsoDate): number {
    return this.weekIndex.get(mondayOf(toEpochDay(date))) ?? -1;
  }

  halfTermOf(date: IsoDate): HalfTerm | undefined {
    for (const year of this.years) {
      const found = year.halfTerms.find((h) => h.start <= date && date <= h.end);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The year, term or half term around a date. Between half terms (a holiday) the period is the
   * one just finished, so "this half term" on a Saturday after half term still means something.
   */
  periodContaining(period: Period, date: IsoDate): DateRange {
    const year = this.years.find((y) => y.startYear === academicYearOf(date));
    if (!year) throw invalid(`the calendar has no academic year holding ${date}`);
    const halves = year.halfTerms;
    const current = [...halves].reverse().find((h) => h.start <= date) ?? halves[0];
    if (!current)
      throw invalid(`academic year ${academicYearLabel(year.startYear)} has no half terms`);
    if (period === "half_term") return { from: current.start, to: current.end };
    if (period === "term") {
      const ofTerm = halves.filter((h) => h.term === current.term);
      return { from: ofTerm[0]?.start ?? current.start, to: ofTerm.at(-1)?.end ?? current.end };
    }
    return academicYearBounds(year.startYear);
  }

  private dayIndexRange(from: IsoDate, to: IsoDate): [number, number] {
    return [lowerBound(this.days, toEpochDay(from)), upperBound(this.days, toEpochDay(to))];
  }
}

function invalid(message: string): RollbookError {
  return new RollbookError("invalid_calendar", `Calendar: ${message}`);
}

function validateYear(year: AcademicYearCalendar): AcademicYearCalendar {
  const label = academicYearLabel(year.startYear);
  const bounds = academicYearBounds(year.startYear);
  const halfTerms = [...year.halfTerms]
    .map((h) => ({
      ...h,
      start: parseIsoDate(h.start, `${label} ${h.name} start`),
      end: parseIsoDate(h.end, `${label} ${h.name} end`),
    }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  if (halfTerms.length === 0) throw invalid(`academic year ${label} has no half terms`);
  halfTerms.forEach((h, i) => {
    if (h.end < h.start)
      throw invalid(`${label} ${h.name} ends (${h.end}) before it starts (${h.start})`);
    if (h.start < bounds.from || h.end > bounds.to) {
      throw invalid(
        `${label} ${h.name} (${h.start} to ${h.end}) falls outside ${bounds.from} to ${bounds.to}`,
      );
    }
    const previous = halfTerms[i - 1];
    if (previous && h.start <= previous.end) {
      throw invalid(
        `${label} ${h.name} starts ${h.start}, before ${previous.name} ends (${previous.end})`,
      );
    }
  });
  const closures = year.closures.map((c) => {
    const date = parseIsoDate(c.date, `${label} closure date`);
    if (!halfTerms.some((h) => h.start <= date && date <= h.end)) {
      throw invalid(`${label} closure on ${date} (${c.reason}) is not inside any half term`);
    }
    return { ...c, date };
  });
  return { startYear: year.startYear, halfTerms, closures };
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
