import type { Kysely } from "kysely";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { dayLabel, type IsoDate } from "../../domain/dates.ts";
import {
  type AbsenceRun,
  absenceRuns,
  type ContinuousAbsenceRule,
  continuousAbsenceRule,
  type EvidenceMark,
  type IllnessFinding,
  type IllnessRule,
  illnessFinding,
  illnessRule,
} from "../../domain/reports/la-returns.ts";
import type { ExportTable } from "../exports/table.ts";
import { loadEvaluationData, type PupilForEvaluation } from "../policy/evaluation-data.ts";

interface PupilOnReturn {
  pupilId: number;
  upn: string;
  name: string;
  dateOfBirth: string;
  group: string | null;
}

export interface ContinuousAbsenceRow extends PupilOnReturn, AbsenceRun {}

export interface ContinuousAbsenceReturn {
  asOf: IsoDate;
  range: { from: IsoDate; to: IsoDate };
  rule: ContinuousAbsenceRule;
  rows: ContinuousAbsenceRow[];
}

export interface IllnessRow extends PupilOnReturn, IllnessFinding {
  /** Which thresholds were reached, in words. */
  reached: string;
}

export interface IllnessReturn {
  asOf: IsoDate;
  range: { from: IsoDate; to: IsoDate };
  rule: IllnessRule;
  rows: IllnessRow[];
}

/** Every pupil on roll this academic year up to asOf, with their codes and the school's policy. */
async function pupilsThisYear(db: Kysely<DB>, schoolId: number, asOf: IsoDate) {
  const from = academicYearBounds(academicYearOf(asOf)).from;
  const [stored, data, details] = await Promise.all([
    currentPolicy(db, schoolId),
    loadEvaluationData(db, schoolId, from, asOf),
    db
      .selectFrom("pupils as p")
      .leftJoin("registration_groups as r", (j) =>
        j.onRef("r.school_id", "=", "p.school_id").onRef("r.id", "=", "p.registration_group_id"),
      )
      .select(["p.id", "p.date_of_birth", "r.name as group"])
      .where("p.school_id", "=", schoolId)
      .execute(),
  ]);
  const byId = new Map(details.map((d) => [d.id, d]));
  const describe = (p: PupilForEvaluation): PupilOnReturn => ({
    pupilId: p.id,
    upn: p.upn,
    name: p.name,
    dateOfBirth: byId.get(p.id)?.date_of_birth ?? "",
    group: byId.get(p.id)?.group ?? null,
  });
  const pupils = [...data.pupils].sort((a, b) => a.name.localeCompare(b.name, "en"));
  return { policy: stored?.policy, index: data.index, pupils, describe, range: { from, to: asOf } };
}

/**
 * The return of pupils absent without the school's permission for N school days in a row (the
 * school's policy threshold, else 10), one row per run, with its dates and the marks behind it.
 */
export async function continuousAbsenceReturn(
  db: Kysely<DB>,
  schoolId: number,
  asOf: IsoDate,
): Promise<ContinuousAbsenceReturn> {
  const { policy, index, pupils, describe, range } = await pupilsThisYear(db, schoolId, asOf);
  const rule = continuousAbsenceRule(policy);
  const rows: ContinuousAbsenceRow[] = [];
  for (const pupil of pupils) {
    for (const run of absenceRuns({ index, codes: pupil.codes, asOf, policy }, rule))
      rows.push({ ...describe(pupil), ...run });
  }
  return { asOf, range, rule, rows };
}

/** The return of pupils with M days of illness this year, in a row or in all. */
export async function illnessReturn(
  db: Kysely<DB>,
  schoolId: number,
  asOf: IsoDate,
): Promise<IllnessReturn> {
  const { policy, index, pupils, describe, range } = await pupilsThisYear(db, schoolId, asOf);
  const rule = illnessRule(policy);
  const rows: IllnessRow[] = [];
  for (const pupil of pupils) {
    const finding = illnessFinding({ index, codes: pupil.codes, asOf, policy }, rule);
    if (!finding) continue;
    const reached = [
      finding.runs.length > 0
        ? `${rule.consecutiveDays} days in a row (${finding.runs.map((r) => `${dayLabel(r.from)} to ${dayLabel(r.to)}`).join("; ")})`
        : null,
      finding.cumulative?.met && finding.cumulative.reachedOn
        ? `${rule.cumulativeDays} days in all, reached on ${dayLabel(finding.cumulative.reachedOn)}`
        : null,
    ]
      .filter(Boolean)
      .join("; and ");
    rows.push({ ...describe(pupil), ...finding, reached });
  }
  return { asOf, range, rule, rows };
}

const marksText = (evidence: EvidenceMark[]) =>
  evidence.map((e) => `${e.code} ${e.date} ${e.session}`).join("; ");

export function continuousAbsenceTable(report: ContinuousAbsenceReturn): ExportTable {
  return {
    title: `Continuous absence to ${report.asOf}`,
    columns: [
      { label: "UPN" },
      { label: "Name" },
      { label: "Date of birth" },
      { label: "Registration group" },
      { label: "First day" },
      { label: "Last day" },
      { label: "School days", numeric: true },
      { label: "Still absent" },
      { label: "Explanation" },
      { label: "Marks" },
    ],
    rows: report.rows.map((r) => [
      r.upn,
      r.name,
      r.dateOfBirth,
      r.group,
      r.from,
      r.to,
      r.days,
      r.ongoing ? "yes" : "no",
      r.explanation,
      marksText(r.evidence),
    ]),
  };
}

export function illnessTable(report: IllnessReturn): ExportTable {
  return {
    title: `Illness to ${report.asOf}`,
    columns: [
      { label: "UPN" },
      { label: "Name" },
      { label: "Date of birth" },
      { label: "Registration group" },
      { label: "Days of illness", numeric: true },
      { label: "Longest qualifying run (days)", numeric: true },
      { label: "Threshold reached" },
      { label: "First illness" },
      { label: "Last illness" },
      { label: "Marks" },
    ],
    rows: report.rows.map((r) => [
      r.upn,
      r.name,
      r.dateOfBirth,
      r.group,
      r.days,
      r.runs.reduce((max, run) => Math.max(max, run.days), 0) || null,
      r.reached,
      r.firstDate,
      r.lastDate,
      marksText(r.evidence),
    ]),
  };
}
