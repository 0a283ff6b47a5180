import type { Kysely } from "kysely";
import {
  ACADEMIC_YEAR,
  latestYearToDate,
  localAuthorityBenchmark,
  nationalBenchmark,
  regionalBenchmark,
  regionOfLocalAuthority,
  type StoredBenchmark,
} from "../../db/repositories/benchmarks.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import type { DB } from "../../db/schema.ts";
import type { GeographicLevel } from "../../domain/benchmarks/dfe-attendance-file.ts";
import {
  type ComparisonFigures,
  figuresOfBenchmark,
  figuresOfGroup,
} from "../../domain/benchmarks/figures.ts";
import { benchmarkPhaseFor, type EducationPhase } from "../../domain/benchmarks/phases.ts";
import { academicYearBounds, academicYearLabel, type DateRange } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { slotRange } from "../../domain/marks.ts";
import {
  type CodeTally,
  dfeCountingRange,
  groupStatistics,
  tallyMarks,
} from "../../domain/statistics.ts";

export interface ComparisonRow extends ComparisonFigures {
  /** "Schools": several of a trust or local authority summed. */
  level: "School" | "Schools" | GeographicLevel;
  name: string;
  /** DfE's code for the area (E92000001 England, E12000003 a region, E08000035 Leeds). */
  areaCode: string | null;
  /** The school: enrolments counted; DfE: average enrolments over the period. */
  enrolments: number | null;
}

export interface SchoolBenchmarks {
  /** DfE's phase the school is compared with, or null when DfE publishes none for it. */
  educationPhase: EducationPhase | null;
  note: string | null;
  /** The DfE period compared with, or null when no benchmark is imported for the phase. */
  benchmark: {
    timePeriod: string;
    academicYear: string;
    timeIdentifier: string;
    importedAt: Date;
  } | null;
  /** The school's own range: that academic year to date, pupils aged 5 to 15 as DfE counts them. */
  schoolRange: DateRange | null;
  /** The school first, then its local authority, its region and England. */
  rows: ComparisonRow[];
  /** Areas the imported file has no figures for. */
  missing: string[];
}

/**
 * A school against DfE's latest year-to-date statistics for its phase: England, its region and its
 * local authority (found by the school's three-digit LA number, the region through the LA's row).
 * The school's figures are computed as DfE computes its own, over the same academic year to
 * date: enrolments aged 5 to 15 at the start of the year (15-year-olds without the second half of
 * the summer term), every rate from exact session counts, persistent absence per enrolment.
 */
export async function schoolBenchmarks(
  db: Kysely<DB>,
  schoolId: number,
  today: IsoDate,
): Promise<SchoolBenchmarks> {
  const school = await db
    .selectFrom("schools")
    .leftJoin("local_authorities as la", "la.code", "schools.la_code")
    .select(["schools.name", "schools.phase", "schools.la_code", "la.name as la_name"])
    .where("schools.id", "=", schoolId)
    .executeTakeFirst();
  if (!school) throw new RollbookError("not_found", `No school ${schoolId}`);
  const { educationPhase, note } = benchmarkPhaseFor(school.phase);
  const none = { benchmark: null, schoolRange: null, rows: [], missing: [] };
  if (!educationPhase) return { educationPhase, note, ...none };
  const latest = await latestYearToDate(db, educationPhase);
  if (!latest) return { educationPhase, note, ...none };

  const q = { timePeriod: latest.timePeriod, phase: educationPhase };
  const missing: string[] = [];
  const national = await nationalBenchmark(db, q);
  let la: StoredBenchmark | undefined;
  let regionCode: string | null = null;
  if (school.la_code) {
    la = await localAuthorityBenchmark(db, q, school.la_code);
    if (!la) missing.push(`local authority ${school.la_code} (${school.la_name ?? "unnamed"})`);
    regionCode =
      la?.region_code ?? (await regionOfLocalAuthority(db, school.la_code))?.code ?? null;
  } else {
    missing.push("the local authority: the school has no local authority number");
  }
  const region = regionCode ? await regionalBenchmark(db, q, regionCode) : undefined;
  if (!region && school.la_code) missing.push(`the region of local authority ${school.la_code}`);

  const startYear = Number(latest.timePeriod.slice(0, 4));
  const year = academicYearBounds(startYear);
  const schoolRange = today < year.from ? null : { from: year.from, to: min(today, year.to) };
  const rows: ComparisonRow[] = [];
  if (schoolRange) {
    const statistics = await schoolYearToDate(db, schoolId, startYear, schoolRange);
    rows.push({
      level: "School",
      name: school.name,
      areaCode: null,
      enrolments: statistics.enrolments,
      ...figuresOfGroup(statistics),
    });
  }
  for (const row of [la, region, national]) if (row) rows.push(comparisonRow(row));
  return {
    educationPhase,
    note,
    benchmark: {
      timePeriod: latest.timePeriod,
      academicYear: academicYearLabel(startYear),
      timeIdentifier: ACADEMIC_YEAR,
      importedAt: latest.importedAt,
    },
    schoolRange,
    rows,
    missing,
  };
}

const min = (a: IsoDate, b: IsoDate) => (a < b ? a : b);

export function comparisonRow(row: StoredBenchmark): ComparisonRow {
  return {
    level: row.geographic_level,
    name: row.area_name,
    areaCode: row.area_code,
    enrolments: row.enrolments === null ? null : Number(row.enrolments),
    ...figuresOfBenchmark({
      counts: row,
      percentages: row.percentages,
    }),
  };
}

/** The school's enrolments over a year to date, each counted over the part DfE counts. */
export async function schoolYearToDate(
  db: Kysely<DB>,
  schoolId: number,
  startYear: number,
  range: DateRange,
) {
  const [calendar, pupils, marks] = await Promise.all([
    loadCalendar(db, schoolId),
    db
      .selectFrom("pupils")
      .select(["id", "date_of_birth"])
      .where("school_id", "=", schoolId)
      .execute(),
    loadYearMarks(db, schoolId, startYear),
  ]);
  const tallies: CodeTally[] = [];
  for (const pupil of pupils) {
    const yearMarks = marks.get(pupil.id);
    const counted = dfeCountingRange(pupil.date_of_birth, startYear, calendar, range);
    if (!yearMarks || !counted) continue;
    const [lo, hi] = slotRange(startYear, counted.from, counted.to);
    tallies.push(tallyMarks(yearMarks, lo, hi));
  }
  return groupStatistics(tallies);
}
