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

/**
 * The schools' snapshots for the year of `today`, computing any that are missing or older than
 * `maxAgeMinutes` first, so an overview is never staler than that.
 */
export async function freshSnapshots(
  db: Kysely<DB>,
  schoolIds: readonly number[],
  today: IsoDate,
  at: Date,
  maxAgeMinutes: number,
): Promise<SchoolSnapshot[]> {
  if (schoolIds.length === 0) return [];
  const year = academicYearOf(today);
  const rows = await db
    .selectFrom("school_snapshots")
    .selectAll()
    .where("school_id", "in", [...schoolIds])
    .where("academic_year", "=", year)
    .execute();
  const stored = new Map(rows.map((r) => [r.school_id, r]));
  const oldest = at.getTime() - maxAgeMinutes * 60_000;
  const snapshots: SchoolSnapshot[] = [];
  for (const schoolId of schoolIds) {
    const row = stored.get(schoolId);
    if (!row || row.computed_at.getTime() < oldest || row.through_date !== today) {
      snapshots.push(await refreshOrEmpty(db, schoolId, today, at));
      continue;
    }
    snapshots.push({
      schoolId,
      academicYear: year,
      throughDate: row.through_date,
      computedAt: row.computed_at,
      overall: row.overall as GroupStatistics,
      byYearGroup: row.by_year_group as SchoolSnapshot["byYearGroup"],
      flaggedPupils: row.flagged_pupils as FlaggedPupil[],
    });
  }
  return snapshots;
}

/** A school whose calendar has no term dates for this year yet shows as empty, not as an error. */
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
}
