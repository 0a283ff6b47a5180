import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { type GroupStatistics, sumGroups } from "../../domain/statistics.ts";
import { resolveRange } from "../attendance-statistics.ts";
import { schoolDashboard } from "../dashboard.ts";

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

/** Works out a school's year to date now and stores it (one row a school and year, replaced). */
export async function refreshSnapshot(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
  at: Date,
): Promise<SchoolSnapshot> {
  const calendar = await loadCalendar(db, schoolId);
  const range = resolveRange(calendar, { kind: "year_to_date" }, today);
  const dashboard = await schoolDashboard(db, schoolId, range);
  const snapshot: SchoolSnapshot = {
    schoolId,
    academicYear: academicYearOf(today),
    throughDate: today,
    computedAt: at,
    overall: dashboard.overall,
    byYearGroup: dashboard.byYearGroup,
    flaggedPupils: dashboard.pupils
      // attendance below the line: absence * 100 > (100 - line) * possible, in integers
      .filter((p) => p.absence * 100 > (100 - FLAG_BELOW_PERCENT) * p.possible)
      .map((p) => ({
        pupilId: p.pupilId,
        upn: p.upn,
        name: p.name,
        group: p.group,
        yearGroup: p.yearGroup,
        possible: p.possible,
        absence: p.absence,
        unauthorised: p.unauthorised,
        persistentlyAbsent: p.persistentlyAbsent,
        severelyAbsent: p.severelyAbsent,
      })),
  };
  const row = {
    through_date: snapshot.throughDate,
    computed_at: at,
    overall: JSON.stringify(snapshot.overall),
    by_year_group: JSON.stringify(snapshot.byYearGroup),
    flagged_pupils: JSON.stringify(snapshot.flaggedPupils),
  };
  await db
    .insertInto("school_snapshots")
    .values({ school_id: schoolId, academic_year: snapshot.academicYear, ...row })
    .onConflict((oc) => oc.columns(["school_id", "academic_year"]).doUpdateSet(row))
    .execute();
  return snapshot;
}

/** Whether a school's figures are up to date, waiting to be recounted, or not yet counted. */
export type Freshness = "current" | "stale" | "not_counted";

export interface StoredSnapshot extends SchoolSnapshot {
  freshness: Freshness;
  /** The first mark written since the figures were counted (stale schools). */
  staleSince: Date | null;
}

/**
 * The schools' stored snapshots for the year of `today`, as they are: an overview never counts a
 * school while someone waits. A school with marks written since is marked stale (the scheduler
 * recounts it within a minute or so); one never counted shows empty and says so.
 */
export async function storedSnapshots(
  db: Kysely<DB>,
  schoolIds: readonly number[],
  today: IsoDate,
): Promise<StoredSnapshot[]> {
  if (schoolIds.length === 0) return [];
  const year = academicYearOf(today);
  const [rows, queued] = await Promise.all([
    db
      .selectFrom("school_snapshots")
      .selectAll()
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
  return schoolIds.map((schoolId) => {
    const row = stored.get(schoolId);
    if (!row)
      return {
        ...emptySnapshot(schoolId, today, new Date(0)),
        freshness: "not_counted" as const,
        staleSince: since.get(schoolId) ?? null,
      };
    const staleSince = since.get(schoolId) ?? null;
    return {
      schoolId,
      academicYear: year,
      throughDate: row.through_date,
      computedAt: row.computed_at,
      overall: row.overall as GroupStatistics,
      byYearGroup: row.by_year_group as SchoolSnapshot["byYearGroup"],
      flaggedPupils: row.flagged_pupils as FlaggedPupil[],
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
    const row = {
      through_date: today,
      computed_at: at,
      overall: JSON.stringify(empty.overall),
      by_year_group: "[]",
      flagged_pupils: "[]",
    };
    await db
      .insertInto("school_snapshots")
      .values({ school_id: schoolId, academic_year: empty.academicYear, ...row })
      .onConflict((oc) => oc.columns(["school_id", "academic_year"]).doUpdateSet(row))
      .execute();
    return empty;
  }
}
