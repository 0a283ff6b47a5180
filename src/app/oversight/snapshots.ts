import { type Kysely, sql } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import { pupilsOnRollWithGroup } from "../../db/repositories/pupils.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearOf, type DateRange } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { compareFormNames } from "../../domain/forms.ts";
import { slotRange } from "../../domain/marks.ts";
import {
  type CodeTally,
  type GroupStatistics,
  groupStatistics,
  inPersistenceCohort,
  pupilStatistics,
  sumGroups,
  tallyMarks,
} from "../../domain/statistics.ts";
import { resolveRange } from "../attendance-statistics.ts";
import { displayName } from "../registers/register.ts";

/** Pupils below this attendance are kept in the snapshot, for any LA's "at risk" line up to it. */
export const FLAG_BELOW_PERCENT = 95;

/** A pupil whose attendance an LA or trust may want to talk about. */
export interface FlaggedPupil {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  yearGroup: string | null;
  possible: number;
  absence: number;
  unauthorised: number;
  persistentlyAbsent: boolean;
  severelyAbsent: boolean;
}

export interface SchoolSnapshot {
  schoolId: number;
  academicYear: number;
  throughDate: IsoDate;
  computedAt: Date;
  overall: GroupStatistics;
  byYearGroup: { label: string; statistics: GroupStatistics }[];
  flaggedPupils: FlaggedPupil[];
}

/**
 * A school's year to date, counted the way its dashboard counts it (overall, by year group and
 * each pupil's figures), but only that: no weeks, weekdays or cohorts, which no overview shows.
 * One read of the pupils and one of the compact marks; statistics from src/domain/statistics.ts.
 */
export async function countSchoolYear(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
): Promise<Pick<SchoolSnapshot, "overall" | "byYearGroup" | "flaggedPupils">> {
  const pupils = await pupilsOnRollWithGroup(db, schoolId, range);
  const tallies = new Map<number, CodeTally>();
  for (let year = academicYearOf(range.from); year <= academicYearOf(range.to); year++) {
    const marks = await loadYearMarks(db, schoolId, year);
    const [lo, hi] = slotRange(year, range.from, range.to);
    for (const pupil of pupils) {
      const yearMarks = marks.get(pupil.id);
      if (!yearMarks) continue;
      tallies.set(pupil.id, tallyMarks(yearMarks, lo, hi, tallies.get(pupil.id)));
    }
  }
  const withMarks = pupils.filter((p) => tallies.has(p.id));
  const startYear = academicYearOf(range.from);
  const inCohort = (p: (typeof pupils)[number]) => inPersistenceCohort(p.date_of_birth, startYear);
  const tallyOf = (p: (typeof pupils)[number]) => tallies.get(p.id) as CodeTally;
  const outsideCohort = new Set(withMarks.filter((p) => !inCohort(p)).map(tallyOf));
  const years = new Map<string, { order: number; tallies: CodeTally[] }>();
  for (const p of withMarks) {
    const label = p.year_group ?? "No year group";
    const entry = years.get(label) ?? { order: p.nc_year ?? 99, tallies: [] };
    entry.tallies.push(tallyOf(p));
    years.set(label, entry);
  }
  const flaggedPupils: FlaggedPupil[] = [];
  for (const p of withMarks) {
    const s = pupilStatistics(tallyOf(p));
    // attendance below the line: absence * 100 > (100 - line) * possible, in integers
    if (s.possible === 0 || s.absence * 100 <= (100 - FLAG_BELOW_PERCENT) * s.possible) continue;
    flaggedPupils.push({
      pupilId: p.id,
      upn: p.upn,
      name: displayName(p),
      group: p.group_name,
      yearGroup: p.year_group,
      possible: s.possible,
      absence: s.absence,
      unauthorised: s.unauthorised,
      persistentlyAbsent: inCohort(p) && s.persistentlyAbsent,
      severelyAbsent: inCohort(p) && s.severelyAbsent,
    });
  }
  return {
    overall: groupStatistics(withMarks.map(tallyOf), outsideCohort),
    byYearGroup: [...years.entries()]
      .sort(([a, x], [b, y]) => x.order - y.order || compareFormNames(a, b))
      .map(([label, entry]) => ({
        label,
        statistics: groupStatistics(entry.tallies, outsideCohort),
      })),
    flaggedPupils,
  };
}

/** Works out a school's year to date now and stores it (one row a school and year, replaced). */
export async function refreshSnapshot(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
  at: Date,
): Promise<SchoolSnapshot> {
  const calendar = await loadCalendar(db, schoolId);
  const range = resolveRange(calendar, { kind: "year_to_date" }, today);
  const snapshot: SchoolSnapshot = {
    schoolId,
    academicYear: academicYearOf(today),
    throughDate: today,
    computedAt: at,
    ...(await countSchoolYear(db, schoolId, range)),
  };
  await storeSnapshot(db, snapshot);
  return snapshot;
}

/** Replaces a school's stored figures and flagged pupils together, in one transaction. */
async function storeSnapshot(db: Kysely<DB>, snapshot: SchoolSnapshot): Promise<void> {
  const { schoolId, academicYear } = snapshot;
  const row = {
    through_date: snapshot.throughDate,
    computed_at: snapshot.computedAt,
    overall: JSON.stringify(snapshot.overall),
    by_year_group: JSON.stringify(snapshot.byYearGroup),
  };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("school_snapshots")
      .values({ school_id: schoolId, academic_year: academicYear, ...row })
      .onConflict((oc) => oc.columns(["school_id", "academic_year"]).doUpdateSet(row))
      .execute();
    await tx
      .deleteFrom("snapshot_pupils")
      .where("school_id", "=", schoolId)
      .where("academic_year", "=", academicYear)
      .execute();
    const pupils = snapshot.flaggedPupils;
    // One statement for the school's flagged pupils, however many (arrays, not one bind a value).
    if (pupils.length > 0)
      await sql`
        insert into snapshot_pupils (school_id, academic_year, pupil_id, upn, name,
          registration_group, year_group, possible, absence, unauthorised,
          persistently_absent, severely_absent)
        select ${schoolId}::int, ${academicYear}::int, *
          from unnest(${pupils.map((p) => p.pupilId)}::int[], ${pupils.map((p) => p.upn)}::text[],
                      ${pupils.map((p) => p.name)}::text[], ${pupils.map((p) => p.group)}::text[],
                      ${pupils.map((p) => p.yearGroup)}::text[], ${pupils.map((p) => p.possible)}::int[],
                      ${pupils.map((p) => p.absence)}::int[], ${pupils.map((p) => p.unauthorised)}::int[],
                      ${pupils.map((p) => p.persistentlyAbsent)}::boolean[],
                      ${pupils.map((p) => p.severelyAbsent)}::boolean[])`.execute(tx);
  });
}

/** Whether a school's figures are up to date, waiting to be recounted, or not yet counted. */
export type Freshness = "current" | "stale" | "not_counted";

/** How fresh a school's stored figures are, beside the figures an overview shows. */
export interface StoredSnapshot {
  schoolId: number;
  academicYear: number;
  throughDate: IsoDate;
  /** When the figures were counted ("as of"); the epoch for a school never counted. */
  computedAt: Date;
  overall: GroupStatistics;
  freshness: Freshness;
  /** The first mark written since the figures were counted (stale schools). */
  staleSince: Date | null;
}

/**
 * The schools' stored figures for the year of `today`, as they are: an overview never counts a
 * school while someone waits. A school with marks written since is marked stale (the scheduler
 * recounts it within a minute or so); one never counted shows empty and says so. Reads one row a
 * school, without its year groups or pupils.
 */
export async function storedSnapshots(
  db: Kysely<DB>,
  schoolIds: readonly number[],
  today: IsoDate,
  { withFigures = true } = {},
): Promise<StoredSnapshot[]> {
  if (schoolIds.length === 0) return [];
  const year = academicYearOf(today);
  const [rows, queued] = await Promise.all([
    db
      .selectFrom("school_snapshots")
      .select(["school_id", "through_date", "computed_at"])
      .$if(withFigures, (q) => q.select("overall"))
      .where("school_id", "in", [...schoolIds])
      .where("academic_year", "=", year)
      .execute(),
    db
      .selectFrom("snapshot_queue")
      .select(["school_id", "marked_since"])
      .where("school_id", "in", [...schoolIds])
      .where("academic_year", "=", year)
      .execute(),
  ]);
  const stored = new Map(rows.map((r) => [r.school_id, r]));
  const since = new Map(queued.map((q) => [q.school_id, q.marked_since]));
  const empty = sumGroups([]);
  return schoolIds.map((schoolId) => {
    const row = stored.get(schoolId);
    const staleSince = since.get(schoolId) ?? null;
    if (!row)
      return {
        schoolId,
        academicYear: year,
        throughDate: today,
        computedAt: new Date(0),
        overall: empty,
        freshness: "not_counted" as const,
        staleSince,
      };
    return {
      schoolId,
      academicYear: year,
      throughDate: row.through_date,
      computedAt: row.computed_at,
      overall: (row.overall as GroupStatistics | undefined) ?? empty,
      freshness: staleSince ? ("stale" as const) : ("current" as const),
      staleSince,
    };
  });
}

export interface RefreshRun {
  /** Schools recounted, each with what it cost. */
  refreshed: { schoolId: number; ms: number; why: "marked" | "not_counted" | "new_day" }[];
}

/**
 * The scheduler's part, off the request path: recounts the schools whose marks changed (queued
 * by the register trigger in the save's own transaction), those never counted this year, and
 * those last counted before today, at most `limit` a run, oldest first, yielding between schools.
 * A school's queue entry is taken before it is counted, so a mark saved meanwhile queues it again.
 */
export async function refreshQueuedSnapshots(
  db: Kysely<DB>,
  today: IsoDate,
  at: Date,
  limit = 20,
): Promise<RefreshRun> {
  const year = academicYearOf(today);
  // Marks for another year change no overview shown today.
  await db.deleteFrom("snapshot_queue").where("academic_year", "<>", year).execute();
  const [queued, counted, schools] = await Promise.all([
    db
      .selectFrom("snapshot_queue")
      .select("school_id")
      .where("academic_year", "=", year)
      .orderBy("marked_since")
      .limit(limit)
      .execute(),
    db
      .selectFrom("school_snapshots")
      .select(["school_id", "through_date"])
      .where("academic_year", "=", year)
      .execute(),
    db.selectFrom("schools").select("id").orderBy("id").execute(),
  ]);
  const through = new Map(counted.map((c) => [c.school_id, c.through_date]));
  const due = new Map<number, RefreshRun["refreshed"][number]["why"]>();
  for (const q of queued) due.set(q.school_id, "marked");
  for (const { id } of schools) if (!through.has(id) && !due.has(id)) due.set(id, "not_counted");
  for (const { id } of schools)
    if ((through.get(id) ?? today) < today && !due.has(id)) due.set(id, "new_day");
  const refreshed: RefreshRun["refreshed"] = [];
  for (const [schoolId, why] of [...due].slice(0, limit)) {
    const started = performance.now();
    await db
      .deleteFrom("snapshot_queue")
      .where("school_id", "=", schoolId)
      .where("academic_year", "=", year)
      .execute();
    try {
      await refreshOrEmpty(db, schoolId, today, at);
    } catch (error) {
      // Counted again next run rather than shown as current.
      await db
        .insertInto("snapshot_queue")
        .values({ school_id: schoolId, academic_year: year, marked_since: at })
        .onConflict((oc) => oc.doNothing())
        .execute();
      throw error;
    }
    refreshed.push({ schoolId, ms: performance.now() - started, why });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { refreshed };
}

function emptySnapshot(schoolId: number, today: IsoDate, at: Date): SchoolSnapshot {
  return {
    schoolId,
    academicYear: academicYearOf(today),
    throughDate: today,
    computedAt: at,
    overall: sumGroups([]),
    byYearGroup: [],
    flaggedPupils: [],
  };
}

/** A school whose calendar has no term dates for this year yet is stored empty, not an error. */
async function refreshOrEmpty(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
  at: Date,
): Promise<SchoolSnapshot> {
  try {
    return await refreshSnapshot(db, schoolId, today, at);
  } catch (error) {
    if (!isRollbookError(error)) throw error;
    const empty = emptySnapshot(schoolId, today, at);
    await storeSnapshot(db, empty);
    return empty;
  }
}
