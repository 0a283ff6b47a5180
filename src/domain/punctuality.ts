import type { SessionName } from "./calendar.ts";
import { type IsoDate, WEEKDAY_NAMES, weekday } from "./dates.ts";
import { compareFormNames } from "./forms.ts";
import type { Condition, Policy } from "./policy/types.ts";

/**
 * Punctuality over a period, from the current late marks: `L` (arrived before the register
 * closed, present) and `U` (arrived after it closed, an unauthorised absence). Minutes late are
 * counted from when the register opened. Every figure is an exact integer count.
 */

export interface LateMark {
  pupilId: number;
  date: IsoDate;
  session: SessionName;
  code: "L" | "U";
  /** Null when the register or an import recorded the late without minutes. */
  minutesLate: number | null;
}

/** A pupil on roll in the period and their year group, for the lates by year group. */
export interface PupilInYear {
  pupilId: number;
  yearGroup: string | null;
  /** National Curriculum year, to list year groups in school order; null sorts last. */
  ncYear: number | null;
}

export interface LateCounts {
  L: number;
  U: number;
  total: number;
}

export interface FrequentLateArriver extends LateCounts {
  pupilId: number;
  /** Known minutes late added up; lates without minutes add nothing. */
  minutes: number;
  /** The weekday of more than half the pupil's lates, or null when no day stands out so. */
  usualWeekday: string | null;
}

export interface Punctuality {
  lates: LateCounts;
  /** Minutes of learning lost: the known minutes late of every L and U mark added up. */
  minutesLost: number;
  /** Lates with no minutes recorded, so missing from `minutesLost` and the median. */
  latesWithoutMinutes: number;
  /** Median minutes late of L marks with minutes recorded; null with none. */
  medianMinutesLate: number | null;
  byWeekday: { weekday: string; lates: number }[];
  byMinutes: { band: MinutesBand; lates: number }[];
  byYearGroup: { yearGroup: string; pupils: number; lates: number }[];
  /** Pupils at or over the threshold, most lates first, then most minutes. */
  frequentLateArrivers: FrequentLateArriver[];
}

/** Where a policy has no rule about late marks: "3 L in a half term", as the trust policy has. */
export const DEFAULT_LATE_THRESHOLD = 3;

/**
 * How many lates make a frequent late arriver for this school: the smallest count of late marks
 * (a code_count rule counting L) its policy acts on, so the dashboard lists the pupils its own
 * rules are about to reach; the default where the policy counts only U or no lates at all.
 */
export function lateThresholdOf(policy: Policy | undefined): number {
  const counts: number[] = [];
  const visit = (condition: Condition): void => {
    if (condition.kind === "code_count" && condition.codes.includes("L"))
      counts.push(condition.atLeast);
    else if (condition.kind === "all" || condition.kind === "any") condition.of.forEach(visit);
    else if (condition.kind === "not") visit(condition.condition);
  };
  for (const trigger of policy?.triggers ?? []) visit(trigger.when);
  return counts.length > 0 ? Math.min(...counts) : DEFAULT_LATE_THRESHOLD;
}

export const MINUTES_BANDS = ["1–5", "6–10", "11–15", "16–30", "over 30", "unknown"] as const;
export type MinutesBand = (typeof MINUTES_BANDS)[number];

const NO_YEAR_GROUP = "No year group";
/** Monday to Friday: the days a register is taken. */
const SCHOOL_WEEKDAYS = [0, 1, 2, 3, 4];

/** The band of a late's minutes. A recorded 0 (allowed on entry) is still late: the first band. */
export function minutesBand(minutesLate: number | null): MinutesBand {
  if (minutesLate === null) return "unknown";
  if (minutesLate <= 5) return "1–5";
  if (minutesLate <= 10) return "6–10";
  if (minutesLate <= 15) return "11–15";
  if (minutesLate <= 30) return "16–30";
  return "over 30";
}

/**
 * The median of whole minutes, itself a whole number: of an even count, the lower of the two
 * middle values (a time someone actually arrived, and no rounding to explain).
 */
export function medianMinutes(minutes: readonly number[]): number | null {
  if (minutes.length === 0) return null;
  const sorted = [...minutes].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/**
 * A weekday holding more than half of the given lates (so at most one can), by name; null when
 * none does. Three lates on Mondays out of five is a pattern; two out of four is not.
 */
export function usualWeekday(dates: readonly IsoDate[]): string | null {
  const perDay = new Map<number, number>();
  for (const date of dates) perDay.set(weekday(date), (perDay.get(weekday(date)) ?? 0) + 1);
  for (const [day, count] of perDay)
    if (count * 2 > dates.length) return WEEKDAY_NAMES[day] ?? null;
  return null;
}

function countLates(marks: readonly LateMark[]): LateCounts {
  const L = marks.filter((m) => m.code === "L").length;
  return { L, U: marks.length - L, total: marks.length };
}

const knownMinutes = (marks: readonly LateMark[]) =>
  marks.flatMap((m) => (m.minutesLate === null ? [] : [m.minutesLate]));

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Every punctuality figure for a period from its late marks and the pupils on roll. A pupil is a
 * frequent late arriver with at least `threshold` lates (L and U together) in the period.
 */
export function punctuality(
  marks: readonly LateMark[],
  pupils: readonly PupilInYear[],
  threshold = DEFAULT_LATE_THRESHOLD,
): Punctuality {
  const byPupil = new Map<number, LateMark[]>();
  for (const mark of marks) {
    const own = byPupil.get(mark.pupilId) ?? [];
    own.push(mark);
    byPupil.set(mark.pupilId, own);
  }
  const minutes = knownMinutes(marks);

  const frequentLateArrivers = [...byPupil.entries()]
    .filter(([, own]) => own.length >= threshold)
    .map(([pupilId, own]) => ({
      pupilId,
      ...countLates(own),
      minutes: sum(knownMinutes(own)),
      usualWeekday: usualWeekday(own.map((m) => m.date)),
    }))
    .sort((a, b) => b.total - a.total || b.minutes - a.minutes || a.pupilId - b.pupilId);

  return {
    lates: countLates(marks),
    minutesLost: sum(minutes),
    latesWithoutMinutes: marks.length - minutes.length,
    medianMinutesLate: medianMinutes(knownMinutes(marks.filter((m) => m.code === "L"))),
    // A late on a weekend session (rare, a Saturday school) is in the totals, not on this chart.
    byWeekday: SCHOOL_WEEKDAYS.map((day) => ({
      weekday: WEEKDAY_NAMES[day] as string,
      lates: marks.filter((m) => weekday(m.date) === day).length,
    })),
    byMinutes: MINUTES_BANDS.map((band) => ({
      band,
      lates: marks.filter((m) => minutesBand(m.minutesLate) === band).length,
    })),
    byYearGroup: latesByYearGroup(byPupil, pupils),
    frequentLateArrivers,
  };
}

/** Every year group with pupils on roll, in school order, with its pupils and their lates. */
function latesByYearGroup(
  byPupil: ReadonlyMap<number, readonly LateMark[]>,
  pupils: readonly PupilInYear[],
): Punctuality["byYearGroup"] {
  const years = new Map<string, { order: number; pupils: number; lates: number }>();
  const yearOf = new Map(pupils.map((p) => [p.pupilId, p]));
  const entry = (pupil: PupilInYear | undefined) => {
    const name = pupil?.yearGroup ?? NO_YEAR_GROUP;
    // Year groups outside the National Curriculum after those in it; no year group last.
    const order = pupil?.yearGroup ? (pupil.ncYear ?? 99) : 100;
    const year = years.get(name) ?? { order, pupils: 0, lates: 0 };
    years.set(name, year);
    return year;
  };
  for (const pupil of pupils) entry(pupil).pupils++;
  // A late of a pupil not among those given still counts, with no year group.
  for (const [pupilId, own] of byPupil) entry(yearOf.get(pupilId)).lates += own.length;
  return [...years.entries()]
    .sort(([a, x], [b, y]) => x.order - y.order || compareFormNames(a, b))
    .map(([yearGroup, { pupils, lates }]) => ({ yearGroup, pupils, lates }));
}
