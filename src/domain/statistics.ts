import { ageAtStartOfAcademicYear } from "./age.ts";
import type { DateRange, SchoolCalendar } from "./calendar.ts";
import { CATEGORY_OF_INDEX, type Category, CODE_INDEX_LIMIT, CODES } from "./codes.ts";
import { addDays, type IsoDate } from "./dates.ts";
import type { YearMarks } from "./marks.ts";
import type { Ratio } from "./percent.ts";

/**
 * Attendance statistics as DfE computes them (see the reference report, section 2):
 *   possible = attendance + absence; attendance = present + approved educational activity;
 *   absence = authorised + unauthorised; late = L + U; every rate has possible sessions as its
 *   denominator; groups are summed, never averaged. Counts are exact integers; a rate is kept as a
 *   ratio of integers and rounded only for display.
 */

/** Sessions per code index: the raw tally everything else is derived from. */
export type CodeTally = Uint32Array;

export function emptyTally(): CodeTally {
  return new Uint32Array(CODE_INDEX_LIMIT);
}

/** Adds the marks of slots [lo, hi) to a tally. The hot loop of every statistic. */
export function tallyMarks(
  marks: YearMarks,
  lo = 0,
  hi = marks.length,
  into = emptyTally(),
): CodeTally {
  for (let i = lo; i < hi; i++) {
    const code = marks[i] as number;
    into[code] = (into[code] as number) + 1;
  }
  return into;
}

export function addTally(into: CodeTally, other: CodeTally): CodeTally {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) + (other[i] as number);
  return into;
}

export type { Ratio } from "./percent.ts";
export { formatPercent } from "./percent.ts";

export interface AttendanceCounts {
  possible: number;
  present: number;
  aea: number;
  attendance: number;
  authorised: number;
  unauthorised: number;
  absence: number;
  notPossible: number;
  /** Sessions arriving late: L (present) + U (unauthorised absence). */
  late: number;
  /** Sessions per register symbol, legacy and current meanings of a symbol added together. */
  byCode: Record<string, number>;
}

export interface PupilStatistics extends AttendanceCounts {
  attendanceRate: Ratio;
  overallAbsenceRate: Ratio;
  authorisedAbsenceRate: Ratio;
  unauthorisedAbsenceRate: Ratio;
  /** Missed 10% or more of possible sessions. */
  persistentlyAbsent: boolean;
  /** Missed 50% or more of possible sessions. */
  severelyAbsent: boolean;
}

const L_INDEX = CODES.find((c) => c.symbol === "L")?.index as number;
const U_INDEX = CODES.find((c) => c.symbol === "U")?.index as number;

export function countsFromTally(tally: CodeTally): AttendanceCounts {
  const byCategory: Record<Category, number> = {
    present: 0,
    aea: 0,
    authorised: 0,
    unauthorised: 0,
    not_possible: 0,
  };
  const byCode: Record<string, number> = {};
  for (const code of CODES) {
    const n = tally[code.index] as number;
    if (n === 0) continue;
    byCategory[code.category] += n;
    byCode[code.symbol] = (byCode[code.symbol] ?? 0) + n;
  }
  const attendance = byCategory.present + byCategory.aea;
  const absence = byCategory.authorised + byCategory.unauthorised;
  return {
    possible: attendance + absence,
    present: byCategory.present,
    aea: byCategory.aea,
    attendance,
    authorised: byCategory.authorised,
    unauthorised: byCategory.unauthorised,
    absence,
    notPossible: byCategory.not_possible,
    late: (tally[L_INDEX] as number) + (tally[U_INDEX] as number),
    byCode,
  };
}

export function isPersistentlyAbsent(absence: number, possible: number): boolean {
  return possible > 0 && absence * 10 >= possible;
}

export function isSeverelyAbsent(absence: number, possible: number): boolean {
  return possible > 0 && absence * 2 >= possible;
}

export function pupilStatistics(tally: CodeTally): PupilStatistics {
  const counts = countsFromTally(tally);
  const { possible } = counts;
  return {
    ...counts,
    attendanceRate: { numerator: counts.attendance, denominator: possible },
    overallAbsenceRate: { numerator: counts.absence, denominator: possible },
    authorisedAbsenceRate: { numerator: counts.authorised, denominator: possible },
    unauthorisedAbsenceRate: { numerator: counts.unauthorised, denominator: possible },
    persistentlyAbsent: isPersistentlyAbsent(counts.absence, possible),
    severelyAbsent: isSeverelyAbsent(counts.absence, possible),
  };
}

export interface GroupStatistics extends PupilStatistics {
  /** Enrolments with at least one possible session: the denominator of the PA and SA rates. */
  enrolments: number;
  persistentAbsentees: number;
  severeAbsentees: number;
  persistentAbsenceRate: Ratio;
  severeAbsenceRate: Ratio;
}

/**
 * Statistics of a group (a class, a year, a school, a trust) from its enrolments' tallies: the
 * counts are summed and the rates computed from the sums; PA and SA are decided per enrolment.
 * Enrolments in `outsidePersistenceCohort` (pupils not of compulsory school age: see
 * `inPersistenceCohort`) count in the sums but are never persistent or severe absentees, nor in
 * those rates' denominator.
 */
export function groupStatistics(
  tallies: Iterable<CodeTally>,
  outsidePersistenceCohort?: ReadonlySet<CodeTally>,
): GroupStatistics {
  const total = emptyTally();
  let enrolments = 0;
  let persistent = 0;
  let severe = 0;
  const category = CATEGORY_OF_INDEX;
  for (const tally of tallies) {
    let possible = 0;
    let absence = 0;
    for (let i = 1; i < tally.length; i++) {
      const n = tally[i] as number;
      if (n === 0) continue;
      total[i] = (total[i] as number) + n;
      const c = category[i];
      if (c === "authorised" || c === "unauthorised") {
        absence += n;
        possible += n;
      } else if (c === "present" || c === "aea") {
        possible += n;
      }
    }
    if (possible === 0 || outsidePersistenceCohort?.has(tally)) continue;
    enrolments++;
    if (isPersistentlyAbsent(absence, possible)) persistent++;
    if (isSeverelyAbsent(absence, possible)) severe++;
  }
  return {
    ...pupilStatistics(total),
    enrolments,
    persistentAbsentees: persistent,
    severeAbsentees: severe,
    persistentAbsenceRate: { numerator: persistent, denominator: enrolments },
    severeAbsenceRate: { numerator: severe, denominator: enrolments },
  };
}

/**
 * Statistics of several groups together (a trust from its schools, an LA from its schools): every
 * count summed, every rate computed again from the sums, never an average of rates.
 */
export function sumGroups(groups: readonly GroupStatistics[]): GroupStatistics {
  const counts: AttendanceCounts = {
    possible: 0,
    present: 0,
    aea: 0,
    attendance: 0,
    authorised: 0,
    unauthorised: 0,
    absence: 0,
    notPossible: 0,
    late: 0,
    byCode: {},
  };
  let enrolments = 0;
  let persistent = 0;
  let severe = 0;
  for (const g of groups) {
    counts.possible += g.possible;
    counts.present += g.present;
    counts.aea += g.aea;
    counts.attendance += g.attendance;
    counts.authorised += g.authorised;
    counts.unauthorised += g.unauthorised;
    counts.absence += g.absence;
    counts.notPossible += g.notPossible;
    counts.late += g.late;
    for (const [code, n] of Object.entries(g.byCode))
      counts.byCode[code] = (counts.byCode[code] ?? 0) + n;
    enrolments += g.enrolments;
    persistent += g.persistentAbsentees;
    severe += g.severeAbsentees;
  }
  const { possible } = counts;
  return {
    ...counts,
    attendanceRate: { numerator: counts.attendance, denominator: possible },
    overallAbsenceRate: { numerator: counts.absence, denominator: possible },
    authorisedAbsenceRate: { numerator: counts.authorised, denominator: possible },
    unauthorisedAbsenceRate: { numerator: counts.unauthorised, denominator: possible },
    persistentlyAbsent: isPersistentlyAbsent(counts.absence, possible),
    severelyAbsent: isSeverelyAbsent(counts.absence, possible),
    enrolments,
    persistentAbsentees: persistent,
    severeAbsentees: severe,
    persistentAbsenceRate: { numerator: persistent, denominator: enrolments },
    severeAbsenceRate: { numerator: severe, denominator: enrolments },
  };
}

/** A rate as a percentage for sorting and charts; null when nothing was possible. */
export function percentage(ratio: Ratio): number | null {
  return ratio.denominator === 0 ? null : (ratio.numerator * 100) / ratio.denominator;
}

/**
 * Persistent and severe absence are measures of pupils of compulsory school age: DfE counts them
 * for pupils aged 5 to 15 on 31 August before the year, so a Reception child (aged 4 then) is
 * never a persistent absentee, whatever their absence.
 */
export function inPersistenceCohort(dob: IsoDate, startYear: number): boolean {
  const age = ageAtStartOfAcademicYear(dob, startYear);
  return age >= 5 && age <= 15;
}

/**
 * DfE's headline statistics cover pupils aged 5 to 15 at the start of the academic year, and for
 * those aged 15 leave out the second half of the summer term (study leave). Returns the range of
 * the year that counts for the pupil, or null when the pupil is outside the headline cohort.
 */
export function dfeCountingRange(
  dob: IsoDate,
  startYear: number,
  calendar: SchoolCalendar,
  range: DateRange,
): DateRange | null {
  if (!inPersistenceCohort(dob, startYear)) return null;
  if (ageAtStartOfAcademicYear(dob, startYear) < 15) return range;
  const summerHalves = calendar.years
    .find((y) => y.startYear === startYear)
    ?.halfTerms.filter((h) => h.term === "Summer");
  const lastHalf = summerHalves?.at(-1);
  if (!lastHalf || (summerHalves?.length ?? 0) < 2 || range.to < lastHalf.start) return range;
  const to = addDays(lastHalf.start, -1);
  return to < range.from ? null : { from: range.from, to };
}
