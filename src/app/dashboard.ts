import type { Kysely } from "kysely";
import { loadYearMarks } from "../db/repositories/marks.ts";
import type { DB } from "../db/schema.ts";
import { academicYearOf, type DateRange } from "../domain/calendar.ts";
import { CATEGORY_OF_INDEX, type Category, codeByIndex } from "../domain/codes.ts";
import { fromEpochDay, mondayOf, toEpochDay, WEEKDAY_NAMES } from "../domain/dates.ts";
import { compareFormNames } from "../domain/forms.ts";
import { type YearGroupName, yearGroupYearsBack } from "../domain/last-year.ts";
import { sessionOfSlot, slotRange } from "../domain/marks.ts";
import {
  type CodeTally,
  emptyTally,
  formatPercent,
  type GroupStatistics,
  groupStatistics,
  inPersistenceCohort,
  percentage,
  pupilStatistics,
  tallyMarks,
} from "../domain/statistics.ts";
import { displayName } from "./registers/register.ts";

const COHORTS = [
  ["SEN support", "sen_support"],
  ["EHC plan", "ehcp"],
  ["Free school meals", "fsm"],
  ["Pupil premium", "pupil_premium"],
  ["Social worker", "has_social_worker"],
  ["Looked after", "looked_after"],
  ["Medical condition", "medical_condition"],
] as const;

/** Cohorts whose members are named only to those who may read safeguarding details. */
export const SENSITIVE_COHORTS: ReadonlySet<string> = new Set([
  "Social worker",
  "Looked after",
  "Medical condition",
]);

export interface PupilRow {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  yearGroup: string | null;
  possible: number;
  attendance: string;
  absence: number;
  unauthorised: number;
  /** Sessions arriving late (L + U), and of them after the register closed (U). */
  late: number;
  lateAfterClose: number;
  persistentlyAbsent: boolean;
  severelyAbsent: boolean;
  /** The cohorts (COHORTS' names) the pupil is in, for drilling down from a cohort's figures. */
  cohorts: string[];
}

export interface Dashboard {
  range: DateRange;
  overall: GroupStatistics;
  byYearGroup: { label: string; statistics: GroupStatistics }[];
  byRegistrationGroup: { label: string; statistics: GroupStatistics }[];
  cohorts: { cohort: string; statistics: GroupStatistics; others: GroupStatistics }[];
  weekdays: { weekday: string; possible: number; absence: number; percent: number | null }[];
  weeks: { weekStart: string; possible: number; attendance: number; percent: number | null }[];
  pupils: PupilRow[];
}

/**
 * Everything the school dashboard shows for a date range, in one pass over the compact marks:
 * groups, cohorts (with everyone else to compare against), absence by weekday, attendance week by
 * week, and every pupil's figures for the persistent and severe absence lists.
 */
export async function schoolDashboard(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
  options: {
    /**
     * The date pupils' stored year groups are for (today): over an earlier year, each pupil is
     * counted in the year group they were in then (a leaver's stored one is for their leaving
     * date). Without it, every pupil is counted in their stored year group.
     */
    yearGroupsAsOf?: string;
    /**
     * Count only sessions on this day of the week (0 Monday ... 4 Friday): the pupils behind a
     * bar of the weekday chart, their sums that bar's figures.
     */
    weekday?: number;
  } = {},
): Promise<Dashboard> {
  const pupils = await db
    .selectFrom("pupils as p")
    .leftJoin("year_groups as y", (j) =>
      j.onRef("y.school_id", "=", "p.school_id").onRef("y.id", "=", "p.year_group_id"),
    )
    .leftJoin("registration_groups as r", (j) =>
      j.onRef("r.school_id", "=", "p.school_id").onRef("r.id", "=", "p.registration_group_id"),
    )
    .selectAll("p")
    .select(["y.name as year_group", "y.nc_year", "r.name as registration_group"])
    .where("p.school_id", "=", schoolId)
    .where("p.admission_date", "<=", range.to)
    .where((eb) =>
      eb.or([eb("p.leaving_date", "is", null), eb("p.leaving_date", ">=", range.from)]),
    )
    .execute();
  const tallies = new Map<number, CodeTally>();
  const weekdayPossible = new Array(7).fill(0);
  const weekdayAbsence = new Array(7).fill(0);
  const weekly = new Map<number, { possible: number; attendance: number }>();
  for (let year = academicYearOf(range.from); year <= academicYearOf(range.to); year++) {
    const marks = await loadYearMarks(db, schoolId, year);
    const [lo, hi] = slotRange(year, range.from, range.to);
    const firstDay = toEpochDay(sessionOfSlot(year, 0).date);
    for (const pupil of pupils) {
      const yearMarks = marks.get(pupil.id);
      if (!yearMarks) continue;
      const tally = tallies.get(pupil.id) ?? emptyTally();
      if (options.weekday === undefined) tallyMarks(yearMarks, lo, hi, tally);
      tallies.set(pupil.id, tally);
      for (let slot = lo; slot < hi; slot++) {
        const day = firstDay + (slot >> 1);
        const weekday = (((day + 3) % 7) + 7) % 7;
        if (options.weekday !== undefined) {
          if (weekday !== options.weekday) continue;
          const code = yearMarks[slot] as number;
          tally[code] = (tally[code] as number) + 1;
        }
        const category = CATEGORY_OF_INDEX[yearMarks[slot] as number];
        if (!category || category === "not_possible") continue;
        const absent = category === "authorised" || category === "unauthorised";
        weekdayPossible[weekday]++;
        if (absent) weekdayAbsence[weekday]++;
        const monday = mondayOf(day);
        const week = weekly.get(monday) ?? { possible: 0, attendance: 0 };
        week.possible++;
        if (!absent) week.attendance++;
        weekly.set(monday, week);
      }
    }
  }
  const withMarks = pupils.filter((p) => tallies.has(p.id));
  const asOf = options.yearGroupsAsOf;
  const schoolGroups: YearGroupName[] = asOf
    ? (
        await db
          .selectFrom("year_groups")
          .select(["name", "nc_year"])
          .where("school_id", "=", schoolId)
          .execute()
      ).map((g) => ({ name: g.name, ncYear: g.nc_year }))
    : [];
  /** The pupil's year group over the range: their stored one, or the one they were in then. */
  const yearGroupOf = (p: (typeof pupils)[number]): YearGroupName | null => {
    const stored = p.year_group === null ? null : { name: p.year_group, ncYear: p.nc_year };
    if (!asOf) return stored;
    const storedFor = p.leaving_date && p.leaving_date < asOf ? p.leaving_date : asOf;
    const back = academicYearOf(storedFor) - academicYearOf(range.from);
    return yearGroupYearsBack(stored, Math.max(0, back), schoolGroups);
  };
  const startYear = academicYearOf(range.from);
  const inCohort = (p: (typeof pupils)[number]) => inPersistenceCohort(p.date_of_birth, startYear);
  const outsideCohort = new Set(
    withMarks.filter((p) => !inCohort(p)).map((p) => tallies.get(p.id) as CodeTally),
  );
  const group = (list: typeof withMarks) =>
    groupStatistics(
      list.map((p) => tallies.get(p.id) as CodeTally),
      outsideCohort,
    );
  const by = (
    key: (p: (typeof withMarks)[number]) => string,
    order: (p: (typeof withMarks)[number]) => number,
  ) => {
    const groups = new Map<string, { order: number; members: typeof withMarks }>();
    for (const p of withMarks) {
      const entry = groups.get(key(p)) ?? { order: order(p), members: [] };
      entry.members.push(p);
      groups.set(key(p), entry);
    }
    return [...groups.entries()]
      .sort(([a, x], [b, y]) => x.order - y.order || compareFormNames(a, b))
      .map(([label, entry]) => ({ label, statistics: group(entry.members) }));
  };
  return {
    range,
    overall: group(withMarks),
    byYearGroup: by(
      (p) => yearGroupOf(p)?.name ?? "No year group",
      (p) => yearGroupOf(p)?.ncYear ?? 99,
    ),
    byRegistrationGroup: by(
      (p) => p.registration_group ?? "No registration group",
      () => 0,
    ),
    cohorts: COHORTS.map(([cohort, flag]) => ({
      cohort,
      statistics: group(withMarks.filter((p) => p[flag])),
      others: group(withMarks.filter((p) => !p[flag])),
    })),
    weekdays: [0, 1, 2, 3, 4].map((d) => ({
      weekday: WEEKDAY_NAMES[d] as string,
      possible: weekdayPossible[d],
      absence: weekdayAbsence[d],
      percent: weekdayPossible[d] ? (weekdayAbsence[d] * 100) / weekdayPossible[d] : null,
    })),
    weeks: [...weekly.entries()]
      .sort(([a], [b]) => a - b)
      .map(([monday, w]) => ({
        weekStart: fromEpochDay(monday),
        possible: w.possible,
        attendance: w.attendance,
        percent: percentage({ numerator: w.attendance, denominator: w.possible }),
      })),
    pupils: withMarks
      .map((p) => {
        const s = pupilStatistics(tallies.get(p.id) as CodeTally);
        return {
          pupilId: p.id,
          upn: p.upn,
          name: displayName(p),
          group: p.registration_group,
          yearGroup: yearGroupOf(p)?.name ?? null,
          possible: s.possible,
          attendance: formatPercent(s.attendanceRate),
          absence: s.absence,
          unauthorised: s.unauthorised,
          late: s.late,
          lateAfterClose: s.byCode.U ?? 0,
          persistentlyAbsent: inCohort(p) && s.persistentlyAbsent,
          severelyAbsent: inCohort(p) && s.severelyAbsent,
          cohorts: COHORTS.filter(([, flag]) => p[flag]).map(([cohort]) => cohort),
        };
      })
      .filter((p) => p.possible > 0),
  };
}

/** One school day of a pupil's year: the codes and the statistical category each counts in. */
export interface CalendarDay {
  date: string;
  am: string | null;
  pm: string | null;
  amCategory: Category | null;
  pmCategory: Category | null;
}

export async function pupilCalendar(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  range: DateRange,
) {
  const days: CalendarDay[] = [];
  for (let year = academicYearOf(range.from); year <= academicYearOf(range.to); year++) {
    const marks = (await loadYearMarks(db, schoolId, year, [pupilId])).get(pupilId);
    if (!marks) continue;
    const [lo, hi] = slotRange(year, range.from, range.to);
    for (let slot = lo - (lo % 2); slot < hi; slot += 2) {
      const am = marks[slot] as number;
      const pm = marks[slot + 1] as number;
      if (am === 0 && pm === 0) continue;
      days.push({
        date: sessionOfSlot(year, slot).date,
        am: am ? codeByIndex(am).symbol : null,
        pm: pm ? codeByIndex(pm).symbol : null,
        amCategory: am ? codeByIndex(am).category : null,
        pmCategory: pm ? codeByIndex(pm).category : null,
      });
    }
  }
  return days;
}

/** A group's figures with persistent and severe absence left out: a period too short to mean them. */
export function withoutGroupMeasures(g: GroupStatistics) {
  return {
    ...g,
    persistentlyAbsent: null,
    severelyAbsent: null,
    persistentAbsentees: null,
    severeAbsentees: null,
    persistentAbsenceRate: null,
    severeAbsenceRate: null,
  };
}

/**
 * The dashboard of a day, a week or chosen dates: no one is "severely absent today", so persistent
 * and severe absence are withheld (null) rather than shown from too few sessions.
 */
export function withoutAbsenceMeasures(dashboard: Dashboard) {
  const rows = (list: { label: string; statistics: GroupStatistics }[]) =>
    list.map((r) => ({ ...r, statistics: withoutGroupMeasures(r.statistics) }));
  return {
    ...dashboard,
    overall: withoutGroupMeasures(dashboard.overall),
    byYearGroup: rows(dashboard.byYearGroup),
    byRegistrationGroup: rows(dashboard.byRegistrationGroup),
    cohorts: dashboard.cohorts.map((c) => ({
      ...c,
      statistics: withoutGroupMeasures(c.statistics),
      others: withoutGroupMeasures(c.others),
    })),
    pupils: dashboard.pupils.map((p) => ({ ...p, persistentlyAbsent: null, severelyAbsent: null })),
  };
}
