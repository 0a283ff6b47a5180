import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import type { DB } from "../../db/schema.ts";
import { ageAtStartOfAcademicYear } from "../../domain/age.ts";
import { slotRange } from "../../domain/marks.ts";
import {
  absenceReasonColumns,
  CENSUS_COHORT_RULE,
  type CensusFigures,
  type CensusTerm,
  type CensusWindow,
  censusFigures,
  censusWindow,
} from "../../domain/reports/census.ts";
import { dfeCountingRange, emptyTally, tallyMarks } from "../../domain/statistics.ts";
import type { ExportTable } from "../exports/table.ts";

export interface CensusPupil extends CensusFigures {
  pupilId: number;
  upn: string;
  surname: string;
  forename: string;
  dateOfBirth: string;
  ageAtStartOfYear: number;
  /** The dates counted for this pupil: the window, shortened for 15-year-olds in summer half term 2. */
  counted: { from: string; to: string };
}

export interface CensusSummary {
  window: CensusWindow;
  rule: string;
  reasons: string[];
  pupils: CensusPupil[];
  totals: CensusFigures & { pupils: number };
  /** Pupils with marks in the window left out because they are outside the headline cohort. */
  excluded: { outsideAgeRange: number; noPossibleSessions: number };
}

/**
 * The termly attendance module of the school census, per pupil: sessions possible, authorised and
 * unauthorised, and absence sessions per reason, for the DfE headline cohort only.
 */
export async function censusSummary(
  db: Kysely<DB>,
  schoolId: number,
  term: CensusTerm,
  startYear: number,
): Promise<CensusSummary> {
  const window = censusWindow(term, startYear);
  const reasons = absenceReasonColumns(window);
  const [calendar, marks, pupils] = await Promise.all([
    loadCalendar(db, schoolId),
    loadYearMarks(db, schoolId, startYear),
    db
      .selectFrom("pupils")
      .select(["id", "upn", "legal_surname", "legal_forename", "date_of_birth"])
      .where("school_id", "=", schoolId)
      .where("admission_date", "<=", window.to)
      .where((eb) => eb.or([eb("leaving_date", "is", null), eb("leaving_date", ">=", window.from)]))
      .orderBy("legal_surname")
      .orderBy("legal_forename")
      .orderBy("upn")
      .execute(),
  ]);
  const rows: CensusPupil[] = [];
  const excluded = { outsideAgeRange: 0, noPossibleSessions: 0 };
  const totals = {
    pupils: 0,
    sessionsPossible: 0,
    sessionsAuthorised: 0,
    sessionsUnauthorised: 0,
    byReason: Object.fromEntries(reasons.map((r) => [r, 0])) as Record<string, number>,
  };
  for (const pupil of pupils) {
    const yearMarks = marks.get(pupil.id);
    if (!yearMarks) continue;
    const counted = dfeCountingRange(pupil.date_of_birth, startYear, calendar, window);
    if (!counted) {
      excluded.outsideAgeRange++;
      continue;
    }
    const [lo, hi] = slotRange(startYear, counted.from, counted.to);
    const figures = censusFigures(tallyMarks(yearMarks, lo, hi, emptyTally()), reasons);
    if (figures.sessionsPossible === 0) {
      excluded.noPossibleSessions++;
      continue;
    }
    rows.push({
      pupilId: pupil.id,
      upn: pupil.upn,
      surname: pupil.legal_surname,
      forename: pupil.legal_forename,
      dateOfBirth: pupil.date_of_birth,
      ageAtStartOfYear: ageAtStartOfAcademicYear(pupil.date_of_birth, startYear),
      counted,
      ...figures,
    });
    totals.pupils++;
    totals.sessionsPossible += figures.sessionsPossible;
    totals.sessionsAuthorised += figures.sessionsAuthorised;
    totals.sessionsUnauthorised += figures.sessionsUnauthorised;
    for (const r of reasons)
      totals.byReason[r] = (totals.byReason[r] ?? 0) + (figures.byReason[r] ?? 0);
  }
  return { window, rule: CENSUS_COHORT_RULE, reasons, pupils: rows, totals, excluded };
}

/** The summary as one table: a row per pupil, a column per reason (columns in docs/formats.md). */
export function censusTable(summary: CensusSummary): ExportTable {
  return {
    title: `Census attendance ${summary.window.label}`,
    columns: [
      { label: "UPN" },
      { label: "Surname" },
      { label: "Forename" },
      { label: "Date of birth" },
      { label: "Age at 31 August", numeric: true },
      { label: "Sessions possible", numeric: true },
      { label: "Sessions authorised", numeric: true },
      { label: "Sessions unauthorised", numeric: true },
      ...summary.reasons.map((r) => ({ label: r, numeric: true })),
    ],
    rows: summary.pupils.map((p) => [
      p.upn,
      p.surname,
      p.forename,
      p.dateOfBirth,
      p.ageAtStartOfYear,
      p.sessionsPossible,
      p.sessionsAuthorised,
      p.sessionsUnauthorised,
      ...summary.reasons.map((r) => p.byReason[r] ?? 0),
    ]),
  };
}
