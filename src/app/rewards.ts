import type { Kysely } from "kysely";
import { loadCalendar } from "../db/repositories/calendar.ts";
import { loadYearMarks } from "../db/repositories/marks.ts";
import { currentPolicy } from "../db/repositories/policies.ts";
import { pupilsOnRollWithGroup } from "../db/repositories/pupils.ts";
import type { DB } from "../db/schema.ts";
import {
  academicYearBounds,
  academicYearLabel,
  academicYearOf,
  type DateRange,
  type SchoolCalendar,
  type SessionName,
} from "../domain/calendar.ts";
import {
  addDays,
  dayLabel,
  fromEpochDay,
  type IsoDate,
  mondayOf,
  toEpochDay,
} from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { compareFormNames } from "../domain/forms.ts";
import { slotOf, slotRange, type YearMarks } from "../domain/marks.ts";
import {
  bestWithTies,
  hasFullAttendance,
  type ImprovementRule,
  meetsTarget,
  mostImproved,
} from "../domain/rewards.ts";
import {
  type CodeTally,
  emptyTally,
  formatPercent,
  groupStatistics,
  pupilStatistics,
  type Ratio,
  tallyMarks,
} from "../domain/statistics.ts";
import { displayName } from "./registers/register.ts";

export interface Figure {
  possible: number;
  attended: number;
  /** "97.5", or "–" when nothing was possible. */
  percent: string;
  rate: Ratio;
}

export interface ClassFigures {
  groupId: number;
  name: string;
  pupils: number;
  week: Figure;
  term: Figure;
  /** Null when the school has no policy target, or the class had no possible session. */
  weekAtOrAboveTarget: boolean | null;
  /**
   * The week's school sessions, before today, whose register the class did not have taken: a class
   * with any is not eligible for the week's rewards, and its week counts only the registers taken.
   */
  untakenRegisters: { date: IsoDate; session: SessionName }[];
  termAtOrAboveTarget: boolean | null;
}

export interface PupilAward {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  groupId: number | null;
  figure: Figure;
}

export interface ImprovedPupil extends Omit<PupilAward, "figure"> {
  before: Figure;
  now: Figure;
  /** Rise in percentage points, "12.5". */
  points: string;
}

export interface NamedRange extends DateRange {
  label: string;
}

export interface Rewards {
  asOf: IsoDate;
  periods: {
    week: NamedRange;
    term: NamedRange;
    year: NamedRange;
    halfTerm: NamedRange;
    previousHalfTerm: NamedRange | null;
  };
  target: number | null;
  /** Why some lists are empty or missing, in words. */
  notes: string[];
  classes: ClassFigures[];
  bestClasses: ClassFigures[];
  classesAtOrAboveTarget: { week: ClassFigures[]; term: ClassFigures[] } | null;
  fullAttendance: { term: PupilAward[]; year: PupilAward[] };
  mostImproved: { rule: ImprovementRule & { statement: string }; pupils: ImprovedPupil[] };
}

export const DEFAULT_IMPROVEMENT_RULE: ImprovementRule = { minimumSessions: 10, places: 10 };

function figure(rate: Ratio): Figure {
  return {
    possible: rate.denominator,
    attended: rate.numerator,
    percent: formatPercent(rate),
    rate,
  };
}

/** The half terms of every year in the calendar, in order. */
function halfTermsOf(calendar: SchoolCalendar) {
  return calendar.years.flatMap((y) => y.halfTerms.map((h) => ({ ...h, startYear: y.startYear })));
}

/**
 * The periods rewards look at for the week holding `week`, each up to the end of that week or
 * today, whichever is sooner: nothing after today counts (planned absences may already be marked).
 */
export function rewardPeriods(
  calendar: SchoolCalendar,
  week: IsoDate,
  today: IsoDate,
): Rewards["periods"] & { asOf: IsoDate } {
  const monday = fromEpochDay(mondayOf(toEpochDay(week)));
  if (monday > today)
    throw new RollbookError(
      "invalid_input",
      `The week of ${monday} has not started yet: rewards are for weeks up to this one`,
    );
  const sunday = addDays(monday, 6);
  const asOf = sunday < today ? sunday : today;
  const term = calendar.periodContaining("term", asOf);
  const half = calendar.periodContaining("half_term", asOf);
  const halves = halfTermsOf(calendar);
  const at = halves.findIndex((h) => h.start === half.from);
  const current = halves[at];
  const previous = at > 0 ? halves[at - 1] : undefined;
  const startYear = academicYearOf(asOf);
  const termName = halves.find((h) => h.start === term.from)?.term ?? "Term";
  return {
    asOf,
    week: { from: monday, to: asOf, label: `the week beginning ${dayLabel(monday)}` },
    term: {
      from: term.from,
      to: asOf,
      label: `the ${termName} term ${academicYearLabel(startYear)}`,
    },
    year: {
      from: academicYearBounds(startYear).from,
      to: asOf,
      label: `the academic year ${academicYearLabel(startYear)}`,
    },
    halfTerm: { from: half.from, to: asOf, label: current?.name ?? "this half term" },
    previousHalfTerm: previous
      ? { from: previous.start, to: previous.end, label: previous.name }
      : null,
  };
}

function tallyOver(years: Map<number, Map<number, YearMarks>>, pupilId: number, range: DateRange) {
  const tally = emptyTally();
  for (let year = academicYearOf(range.from); year <= academicYearOf(range.to); year++) {
    const marks = years.get(year)?.get(pupilId);
    if (!marks) continue;
    const [lo, hi] = slotRange(year, range.from, range.to);
    tallyMarks(marks, lo, hi, tally);
  }
  return tally;
}

const rateOf = (tally: CodeTally) => pupilStatistics(tally).attendanceRate;

/**
 * The week's rewards in one pass over the compact marks: the best class (with ties), classes at or
 * above the school's target this week and this term, pupils at 100% this term and this year, and
 * the most improved pupils (this half term against the one before).
 */
export async function schoolRewards(
  db: Kysely<DB>,
  schoolId: number,
  options: { week: IsoDate; today: IsoDate; improvement?: Partial<ImprovementRule> },
): Promise<Rewards> {
  const calendar = await loadCalendar(db, schoolId);
  const { asOf, ...periods } = rewardPeriods(calendar, options.week, options.today);
  const earliest = periods.previousHalfTerm?.from ?? periods.year.from;
  const [stored, pupils, taken] = await Promise.all([
    currentPolicy(db, schoolId),
    pupilsOnRollWithGroup(db, schoolId, { from: earliest, to: asOf }),
    db
      .selectFrom("registers_taken")
      .select(["registration_group_id", "date", "session"])
      .where("school_id", "=", schoolId)
      .where("date", ">=", periods.week.from)
      .where("date", "<=", asOf)
      .execute(),
  ]);
  const takenKeys = new Set(taken.map((t) => `${t.registration_group_id}|${t.date}|${t.session}`));
  const weekSessions = calendar
    .schoolDays(periods.week.from, asOf)
    .flatMap((date) => calendar.sessionsOn(date).map((session) => ({ date, session })));
  const years = new Map<number, Map<number, YearMarks>>();
  for (let year = academicYearOf(earliest); year <= academicYearOf(asOf); year++)
    years.set(year, await loadYearMarks(db, schoolId, year));

  const target = stored?.policy.target ?? null;
  const notes: string[] = [];
  if (target === null)
    notes.push(
      "The school has no attendance policy yet, so there is no target to compare classes with: adopt or save a policy first.",
    );
  const rows = pupils.map((p) => ({
    pupil: {
      pupilId: p.id,
      upn: p.upn,
      name: displayName(p),
      group: p.group_name,
      groupId: p.group_id,
    },
    onRoll: (date: IsoDate) =>
      p.admission_date <= date && (p.leaving_date === null || p.leaving_date >= date),
    week: tallyOver(years, p.id, periods.week),
    term: tallyOver(years, p.id, periods.term),
    year: tallyOver(years, p.id, periods.year),
    half: tallyOver(years, p.id, periods.halfTerm),
    previous: periods.previousHalfTerm
      ? tallyOver(years, p.id, periods.previousHalfTerm)
      : emptyTally(),
  }));

  const byGroup = new Map<number, { name: string; members: typeof rows }>();
  for (const row of rows) {
    const { groupId, group } = row.pupil;
    if (groupId === null || group === null) continue;
    const entry = byGroup.get(groupId) ?? { name: group, members: [] };
    entry.members.push(row);
    byGroup.set(groupId, entry);
  }
  const classes: ClassFigures[] = [...byGroup.entries()]
    .sort(([, a], [, b]) => compareFormNames(a.name, b.name))
    .map(([groupId, { name, members }]) => {
      const markOf = (pupilId: number, date: IsoDate, session: SessionName) => {
        const { startYear, slot } = slotOf(date, session);
        return years.get(startYear)?.get(pupilId)?.[slot] ?? 0;
      };
      // A register counts as taken when it was saved here, or when every pupil on roll has a mark
      // for the session (marks imported from the school's previous system).
      const wasTaken = ({ date, session }: { date: IsoDate; session: SessionName }) =>
        takenKeys.has(`${groupId}|${date}|${session}`) ||
        members.every((m) => !m.onRoll(date) || markOf(m.pupil.pupilId, date, session) !== 0);
      const takenSessions = weekSessions.filter(wasTaken);
      const untakenRegisters = weekSessions.filter((s) => s.date < options.today && !wasTaken(s));
      const weekTallies = members.map((m) => {
        const tally = emptyTally();
        for (const { date, session } of takenSessions) {
          const { startYear, slot } = slotOf(date, session);
          const marks = years.get(startYear)?.get(m.pupil.pupilId);
          if (marks) tallyMarks(marks, slot, slot + 1, tally);
        }
        return tally;
      });
      const week = groupStatistics(weekTallies).attendanceRate;
      const term = groupStatistics(members.map((m) => m.term)).attendanceRate;
      return {
        groupId,
        name,
        pupils: members.length,
        week: figure(week),
        term: figure(term),
        weekAtOrAboveTarget:
          target === null || untakenRegisters.length > 0 ? null : meetsTarget(week, target),
        termAtOrAboveTarget: target === null ? null : meetsTarget(term, target),
        untakenRegisters,
      };
    });
  const eligible = classes.filter((c) => c.untakenRegisters.length === 0);
  for (const c of classes.filter((c) => c.untakenRegisters.length > 0))
    notes.push(
      `${c.name} is not eligible for ${periods.week.label}: ${c.untakenRegisters.length} register(s) not taken (${c.untakenRegisters
        .map((s) => `${dayLabel(s.date)} ${s.session}`)
        .join(", ")}).`,
    );
  const bestClasses = bestWithTies(eligible.map((c) => ({ ...c, rate: c.week.rate }))).map(
    ({ rate: _rate, ...c }) => c,
  );
  if (bestClasses.length === 0)
    notes.push(`No class had a possible session in ${periods.week.label}, so no class is best.`);

  const award = (period: "term" | "year") =>
    rows
      .filter((r) => hasFullAttendance(rateOf(r[period])))
      .map((r) => ({ ...r.pupil, figure: figure(rateOf(r[period])) }));

  const rule: ImprovementRule = { ...DEFAULT_IMPROVEMENT_RULE, ...options.improvement };
  const improved = periods.previousHalfTerm
    ? mostImproved(
        rows.map((r) => ({ item: r.pupil, before: rateOf(r.previous), now: rateOf(r.half) })),
        rule,
      )
    : [];
  if (!periods.previousHalfTerm)
    notes.push("The calendar has no half term before this one, so no one can be most improved.");

  return {
    asOf,
    periods,
    target,
    notes,
    classes,
    bestClasses,
    classesAtOrAboveTarget:
      target === null
        ? null
        : {
            week: classes.filter((c) => c.weekAtOrAboveTarget),
            term: classes.filter((c) => c.termAtOrAboveTarget),
          },
    fullAttendance: { term: award("term"), year: award("year") },
    mostImproved: {
      rule: {
        ...rule,
        statement: `Attendance in ${periods.halfTerm.label} to date against ${periods.previousHalfTerm?.label ?? "the half term before"}, in percentage points; only pupils with at least ${rule.minimumSessions} possible sessions in each and a rise above zero; the ${rule.places} largest rises, with anyone tied for the last place.`,
      },
      pupils: improved.map((i) => ({
        ...i.item,
        before: figure(i.before),
        now: figure(i.now),
        points: formatPercent(i.rise),
      })),
    },
  };
}
