import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { BenchmarkRow } from "../../domain/benchmarks/dfe-attendance-file.ts";
import type { EducationPhase } from "../../domain/benchmarks/phases.ts";
import type { AttendanceBenchmarkTable, DB } from "../schema.ts";
import { chunks } from "./marks.ts";

export type StoredBenchmark = Selectable<AttendanceBenchmarkTable>;
type NewBenchmark = Insertable<AttendanceBenchmarkTable>;

/** The year to date: the only DfE period a school's own year to date is compared with. */
export const ACADEMIC_YEAR = "Academic year";

export interface BenchmarkPeriod {
  timePeriod: string;
  timeIdentifier: string;
}

export function benchmarkKey(row: {
  time_period: string;
  time_identifier: string;
  geographic_level: string;
  area_code: string;
  education_phase: string;
}): string {
  return [
    row.time_period,
    row.time_identifier,
    row.geographic_level,
    row.area_code,
    row.education_phase,
  ].join("|");
}

/** A parsed row as the table stores it. */
export function benchmarkRecord(row: BenchmarkRow, importedAt: Date, importedBy: string) {
  return {
    time_period: row.timePeriod,
    time_identifier: row.timeIdentifier,
    geographic_level: row.geographicLevel,
    area_code: row.areaCode,
    education_phase: row.educationPhase,
    area_name: row.areaName,
    country_code: row.countryCode,
    country_name: row.countryName,
    region_code: row.regionCode,
    region_name: row.regionName,
    new_la_code: row.newLaCode,
    la_name: row.laName,
    old_la_code: row.oldLaCode,
    num_schools: row.numSchools,
    enrolments: row.enrolments,
    total_num_schools: row.totalNumSchools,
    total_enrolments: row.totalEnrolments,
    ...row.counts,
    reason_sessions: row.reasons,
    percentages: row.percentages,
    imported_at: importedAt,
    imported_by: importedBy,
  };
}

export type BenchmarkRecord = ReturnType<typeof benchmarkRecord>;

const TEXT = [
  "area_name",
  "country_code",
  "country_name",
  "region_code",
  "region_name",
  "new_la_code",
  "la_name",
  "old_la_code",
] as const;
const NUMBERS = [
  "num_schools",
  "enrolments",
  "total_num_schools",
  "total_enrolments",
  "present_sessions",
  "overall_attendance",
  "approved_educational_activity",
  "overall_absence",
  "authorised_absence",
  "unauthorised_absence",
  "late_sessions",
  "possible_sessions",
] as const;

const sameNumber = (a: string | number | null, b: string | number | null) =>
  a === null || b === null ? a === b : Number(a) === Number(b);

function sameValues(a: Record<string, number | null>, b: Record<string, number | null>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && a[k] === b[k]);
}

/** Whether a stored row already holds what a file gives (who imported it and when aside). */
export function sameBenchmark(stored: StoredBenchmark, given: BenchmarkRecord): boolean {
  return (
    TEXT.every((c) => stored[c] === given[c]) &&
    NUMBERS.every((c) => sameNumber(stored[c], given[c])) &&
    sameValues(stored.reason_sessions, given.reason_sessions) &&
    sameValues(stored.percentages, given.percentages)
  );
}

/** The stored rows of some periods, locked against a concurrent import until the transaction ends. */
export async function benchmarksOfPeriods(
  tx: Kysely<DB>,
  periods: BenchmarkPeriod[],
): Promise<StoredBenchmark[]> {
  // One import at a time: two files of the same period must not interleave their rows.
  await sql`lock table attendance_benchmarks in share row exclusive mode`.execute(tx);
  if (periods.length === 0) return [];
  return tx
    .selectFrom("attendance_benchmarks")
    .selectAll()
    .where((eb) =>
      eb.or(
        periods.map((p) =>
          eb.and([
            eb("time_period", "=", p.timePeriod),
            eb("time_identifier", "=", p.timeIdentifier),
          ]),
        ),
      ),
    )
    .execute();
}

const asStored = (record: BenchmarkRecord): NewBenchmark => ({
  ...record,
  reason_sessions: JSON.stringify(record.reason_sessions),
  percentages: JSON.stringify(record.percentages),
});

export async function insertBenchmarks(
  tx: Kysely<DB>,
  records: BenchmarkRecord[],
  onWritten?: (count: number) => void,
): Promise<void> {
  for (const chunk of chunks(records, 200)) {
    await tx.insertInto("attendance_benchmarks").values(chunk.map(asStored)).execute();
    onWritten?.(chunk.length);
  }
}

export async function replaceBenchmark(tx: Kysely<DB>, record: BenchmarkRecord): Promise<void> {
  const { time_period, time_identifier, geographic_level, area_code, education_phase, ...rest } =
    asStored(record);
  await tx
    .updateTable("attendance_benchmarks")
    .set(rest)
    .where("time_period", "=", time_period)
    .where("time_identifier", "=", time_identifier)
    .where("geographic_level", "=", geographic_level)
    .where("area_code", "=", area_code)
    .where("education_phase", "=", education_phase)
    .execute();
}

export async function deleteBenchmark(tx: Kysely<DB>, row: StoredBenchmark): Promise<void> {
  await tx
    .deleteFrom("attendance_benchmarks")
    .where("time_period", "=", row.time_period)
    .where("time_identifier", "=", row.time_identifier)
    .where("geographic_level", "=", row.geographic_level)
    .where("area_code", "=", row.area_code)
    .where("education_phase", "=", row.education_phase)
    .execute();
}

/** The latest year-to-date period DfE's figures for a phase were imported for, if any. */
export async function latestYearToDate(
  db: Kysely<DB>,
  phase: EducationPhase,
): Promise<{ timePeriod: string; importedAt: Date } | null> {
  const row = await db
    .selectFrom("attendance_benchmarks")
    .select(["time_period", "imported_at"])
    .where("time_identifier", "=", ACADEMIC_YEAR)
    .where("education_phase", "=", phase)
    .where("geographic_level", "=", "National")
    .orderBy("time_period", "desc")
    .orderBy("imported_at", "desc")
    .executeTakeFirst();
  return row ? { timePeriod: row.time_period, importedAt: row.imported_at } : null;
}

export interface AreaQuery {
  timePeriod: string;
  phase: EducationPhase;
}

export async function nationalBenchmark(db: Kysely<DB>, q: AreaQuery) {
  return areaRow(db, q).where("geographic_level", "=", "National").executeTakeFirst();
}

export async function regionalBenchmark(db: Kysely<DB>, q: AreaQuery, regionCode: string) {
  return areaRow(db, q)
    .where("geographic_level", "=", "Regional")
    .where("area_code", "=", regionCode)
    .executeTakeFirst();
}

/** A local authority's row, found by the three-digit number its schools carry (383 Leeds). */
export async function localAuthorityBenchmark(db: Kysely<DB>, q: AreaQuery, oldLaCode: string) {
  return areaRow(db, q)
    .where("geographic_level", "=", "Local authority")
    .where("old_la_code", "=", oldLaCode)
    .executeTakeFirst();
}

/** The region a local authority lies in, from any of its rows (any period or phase). */
export async function regionOfLocalAuthority(
  db: Kysely<DB>,
  oldLaCode: string,
): Promise<{ code: string; name: string | null } | null> {
  const row = await db
    .selectFrom("attendance_benchmarks")
    .select(["region_code", "region_name"])
    .where("geographic_level", "=", "Local authority")
    .where("old_la_code", "=", oldLaCode)
    .where("region_code", "is not", null)
    .orderBy("time_period", "desc")
    .executeTakeFirst();
  return row?.region_code ? { code: row.region_code, name: row.region_name } : null;
}

function areaRow(db: Kysely<DB>, q: AreaQuery) {
  return db
    .selectFrom("attendance_benchmarks")
    .selectAll()
    .where("time_period", "=", q.timePeriod)
    .where("time_identifier", "=", ACADEMIC_YEAR)
    .where("education_phase", "=", q.phase);
}
