import type { Kysely } from "kysely";
import { loadSchoolYearMarks, loadYearMarks } from "../db/repositories/marks.ts";
import type { DB } from "../db/schema.ts";
import {
  academicYearBounds,
  academicYearOf,
  type DateRange,
  type Period,
  type SchoolCalendar,
} from "../domain/calendar.ts";
import { londonToday } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { compareFormNames } from "../domain/forms.ts";
import {
  everyone,
  type GroupTallies,
  statisticsOfGroup,
  tallyGroups,
} from "../domain/group-tallies.ts";
import { slotRange } from "../domain/marks.ts";
import {
  type CodeTally,
  emptyTally,
  type GroupStatistics,
  groupStatistics,
  inPersistenceCohort,
  type PupilStatistics,
  pupilStatistics,
  tallyMarks,
} from "../domain/statistics.ts";

/** Each pupil's tally of codes over a date range, across academic years if the range spans them. */
export async function talliesOver(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
  pupilIds?: number[],
): Promise<Map<number, CodeTally>> {
  const tallies = new Map<number, CodeTally>();
  for (let year = academicYearOf(range.from); year <= academicYearOf(range.to); year++) {
    const [lo, hi] = slotRange(year, range.from, range.to);
    const marks = await loadYearMarks(db, schoolId, year, pupilIds);
    for (const [pupilId, yearMarks] of marks) {
      const tally = tallies.get(pupilId) ?? emptyTally();
      tallyMarks(yearMarks, lo, hi, tally);
      tallies.set(pupilId, tally);
    }
  }
  return tallies;
}

export type RangeRequest =
  | { kind: "period"; period: Period; date?: string | undefined }
  | { kind: "custom"; from: string; to: string }
  | { kind: "year_to_date"; date?: string | undefined };

/**
 * The one rule for every date range a request asks for (statistics, calendars, mark history,
 * planned absences, policy simulations): it lies within the academic years the school's calendar
 * holds. There are no marks outside them, and a range over centuries cost seconds of work.
 */
export function withinSchoolYears(
  calendar: SchoolCalendar,
  range: { from: string; to: string },
): DateRange {
  if (range.to < range.from) {
    throw new RollbookError(
      "invalid_input",
      `The range ends (${range.to}) before it starts (${range.from})`,
    );
  }
  const years = calendar.years.map((y) => y.startYear);
  if (years.length === 0)
    throw new RollbookError("invalid_input", "The school's calendar has no academic years yet");
  const first = academicYearBounds(Math.min(...years)).from;
  const last = academicYearBounds(Math.max(...years)).to;
  if (range.from < first || range.to > last) {
    throw new RollbookError(
      "invalid_input",
      `Dates must lie within the school's academic years, ${first} to ${last} (asked for ${range.from} to ${range.to})`,
    );
  }
  return { from: range.from, to: range.to };
}

/** Turns "this term", "year to date" or explicit dates into a date range on the school calendar. */
export function resolveRange(
  calendar: SchoolCalendar,
  request: RangeRequest,
  today = londonToday(),
): DateRange {
  if (request.kind === "custom") return withinSchoolYears(calendar, request);
  const date = request.date ?? today;
  if (request.kind === "year_to_date") {
    return { from: calendar.periodContaining("year", date).from, to: date };
  }
  return calendar.periodContaining(request.period, date);
}

export interface GroupRow {
  label: string;
  statistics: GroupStatistics;
}

export interface SchoolReport {
  range: DateRange;
  overall: GroupStatistics;
  byYearGroup: GroupRow[];
  byRegistrationGroup: GroupRow[];
}

/** The whole school over a range, with its year groups and registration groups. */
export async function schoolReport(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
): Promise<SchoolReport> {
  const pupilsInGroups = db
    .selectFrom("pupils")
    .leftJoin("year_groups as y", (j) =>
      j.onRef("y.id", "=", "pupils.year_group_id").onRef("y.school_id", "=", "pupils.school_id"),
    )
    .leftJoin("registration_groups as r", (j) =>
      j
        .onRef("r.id", "=", "pupils.registration_group_id")
        .onRef("r.school_id", "=", "pupils.school_id"),
    )
    .select(["pupils.id", "y.name as year_group", "y.nc_year", "r.name as registration_group"])
    .where("pupils.school_id", "=", schoolId)
    .execute();
  if (academicYearOf(range.from) === academicYearOf(range.to))
    return schoolReportWithinYear(db, schoolId, range, pupilsInGroups);
  const [tallies, pupils] = await Promise.all([talliesOver(db, schoolId, range), pupilsInGroups]);
  const byYear = new Map<string, { order: number; tallies: CodeTally[] }>();
  const byGroup = new Map<string, CodeTally[]>();
  for (const pupil of pupils) {
    const tally = tallies.get(pupil.id);
    if (!tally) continue;
    const year = pupil.year_group ?? "No year group";
    const entry = byYear.get(year) ?? { order: pupil.nc_year ?? 99, tallies: [] };
    entry.tallies.push(tally);
    byYear.set(year, entry);
    const group = pupil.registration_group ?? "No registration group";
    const members = byGroup.get(group) ?? [];
    members.push(tally);
    byGroup.set(group, members);
  }
  return {
    range,
    overall: groupStatistics(tallies.values()),
    byYearGroup: [...byYear.entries()]
      .sort(([a, x], [b, y]) => x.order - y.order || compareFormNames(a, b))
      .map(([label, entry]) => ({ label, statistics: groupStatistics(entry.tallies) })),
    byRegistrationGroup: [...byGroup.entries()]
      .sort(([a], [b]) => compareFormNames(a, b))
      .map(([label, list]) => ({ label, statistics: groupStatistics(list) })),
  };
}

type PupilInGroups = {
  id: number;
  year_group: string | null;
  nc_year: number | null;
  registration_group: string | null;
};

/**
 * A range within one academic year (every period a school asks for): the compact marks are read
 * as one buffer and tallied into the school, year groups and registration groups in one pass,
 * with no object per pupil.
 */
async function schoolReportWithinYear(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
  pupils: Promise<PupilInGroups[]>,
): Promise<SchoolReport> {
  const startYear = academicYearOf(range.from);
  const [lo, hi] = slotRange(startYear, range.from, range.to);
  const [school, members] = await Promise.all([
    loadSchoolYearMarks(db, schoolId, startYear),
    pupils,
  ]);
  const byId = new Map(members.map((p) => [p.id, p]));
  const years = new Map<string, { g: number; order: number }>();
  const forms = new Map<string, number>();
  const count = school.pupilIds.length;
  const yearOf = new Int32Array(count).fill(-1);
  const formOf = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const pupil = byId.get(school.pupilIds[i] as number);
    if (!pupil) continue;
    const year = pupil.year_group ?? "No year group";
    let y = years.get(year);
    if (!y) {
      y = { g: years.size, order: pupil.nc_year ?? 99 };
      years.set(year, y);
    }
    yearOf[i] = y.g;
    const form = pupil.registration_group ?? "No registration group";
    let f = forms.get(form);
    if (f === undefined) {
      f = forms.size;
      forms.set(form, f);
    }
    formOf[i] = f;
  }
  const [overall, byYear, byForm] = tallyGroups(school, lo, hi, [
    everyone(count),
    { groupOf: yearOf, groups: years.size },
    { groupOf: formOf, groups: forms.size },
  ]) as [GroupTallies, GroupTallies, GroupTallies];
  return {
    range,
    overall: statisticsOfGroup(overall, 0),
    byYearGroup: [...years.entries()]
      .sort(([a, x], [b, y]) => x.order - y.order || compareFormNames(a, b))
      .map(([label, { g }]) => ({ label, statistics: statisticsOfGroup(byYear, g) })),
    byRegistrationGroup: [...forms.entries()]
      .sort(([a], [b]) => compareFormNames(a, b))
      .map(([label, g]) => ({ label, statistics: statisticsOfGroup(byForm, g) })),
  };
}

export interface PupilReport {
  range: DateRange;
  statistics: PupilStatistics;
}

export async function pupilReport(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  range: DateRange,
): Promise<PupilReport> {
  const [tallies, pupil] = await Promise.all([
    talliesOver(db, schoolId, range, [pupilId]),
    db
      .selectFrom("pupils")
      .select("date_of_birth")
      .where("school_id", "=", schoolId)
      .where("id", "=", pupilId)
      .executeTakeFirst(),
  ]);
  const statistics = pupilStatistics(tallies.get(pupilId) ?? emptyTally());
  // Persistent and severe absence are measures of pupils of compulsory school age only.
  if (pupil && !inPersistenceCohort(pupil.date_of_birth, academicYearOf(range.from)))
    return {
      range,
      statistics: { ...statistics, persistentlyAbsent: false, severelyAbsent: false },
    };
  return { range, statistics };
}

export interface GroupReport {
  range: DateRange;
  overall: GroupStatistics;
  pupils: { pupilId: number; upn: string; name: string; statistics: PupilStatistics }[];
}

/** A registration group or year group over a range, pupil by pupil. */
export async function groupReport(
  db: Kysely<DB>,
  schoolId: number,
  group: { registrationGroup?: string; yearGroup?: string },
  range: DateRange,
): Promise<GroupReport> {
  let query = db
    .selectFrom("pupils")
    .leftJoin("year_groups as y", (j) =>
      j.onRef("y.id", "=", "pupils.year_group_id").onRef("y.school_id", "=", "pupils.school_id"),
    )
    .leftJoin("registration_groups as r", (j) =>
      j
        .onRef("r.id", "=", "pupils.registration_group_id")
        .onRef("r.school_id", "=", "pupils.school_id"),
    )
    .select([
      "pupils.id",
      "pupils.upn",
      "pupils.legal_forename",
      "pupils.legal_surname",
      "pupils.preferred_forename",
    ])
    .where("pupils.school_id", "=", schoolId);
  if (group.registrationGroup) query = query.where("r.name", "=", group.registrationGroup);
  if (group.yearGroup) query = query.where("y.name", "=", group.yearGroup);
  const members = await query
    .orderBy("pupils.legal_surname")
    .orderBy("pupils.legal_forename")
    .execute();
  if (members.length === 0) {
    const which = group.registrationGroup
      ? `registration group "${group.registrationGroup}"`
      : `year group "${group.yearGroup}"`;
    throw new RollbookError("not_found", `No pupils in ${which}`);
  }
  const tallies = await talliesOver(
    db,
    schoolId,
    range,
    members.map((m) => m.id),
  );
  const pupils = members
    .filter((m) => tallies.has(m.id))
    .map((m) => ({
      pupilId: m.id,
      upn: m.upn,
      name: `${m.preferred_forename ?? m.legal_forename} ${m.legal_surname}`,
      statistics: pupilStatistics(tallies.get(m.id) as CodeTally),
    }));
  return { range, overall: groupStatistics(tallies.values()), pupils };
}
