import type { Category } from "../codes.ts";
import { codeOfReasonColumn } from "../dfe-reasons.ts";
import {
  type BenchmarkRow,
  type CountColumn,
  REASON_PERCENT_COLUMNS,
} from "./dfe-attendance-file.ts";

/**
 * DfE's published authorised-absence total runs above the sum of its listed authorised reasons
 * by up to about 100 sessions (106 for England, all schools, 2025/26; see the reference report,
 * section 6.1). Nothing else is allowed to differ: every other total is the exact sum of its codes.
 */
export const AUTHORISED_SHORTFALL_ALLOWED = 110;

/** Percentages are published unrounded (15 significant figures): agreement to 1 part in 10^9. */
const RELATIVE_TOLERANCE = 1e-9;

export interface TruthCheck {
  line: number;
  /** "Local authority Leeds (E08000035), Secondary, 202526". */
  row: string;
  problems: string[];
}

type CategorySums = Record<Exclude<Category, "not_possible">, number | null> & {
  late: number | null;
};

/** The reason columns summed into Rollbook's categories; null where a column was withheld. */
export function categorySums(row: BenchmarkRow): CategorySums {
  const sums: CategorySums = { present: 0, aea: 0, authorised: 0, unauthorised: 0, late: 0 };
  for (const [column, value] of Object.entries(row.reasons)) {
    const code = codeOfReasonColumn(column);
    if (!code || code.category === "not_possible") continue;
    const late = code.symbol === "L" || code.symbol === "U";
    if (value === null) {
      sums[code.category] = null;
      if (late) sums.late = null;
      continue;
    }
    const sum = sums[code.category];
    if (sum !== null) sums[code.category] = sum + value;
    if (late && sums.late !== null) sums.late += value;
  }
  return sums;
}

function sessionsOfCode(row: BenchmarkRow, symbol: string): number | null | undefined {
  let found: number | null | undefined;
  for (const [column, value] of Object.entries(row.reasons)) {
    if (codeOfReasonColumn(column)?.symbol !== symbol) continue;
    if (value === null) return null;
    found = (found ?? 0) + value;
  }
  return found;
}

function agrees(published: number, numerator: number, denominator: number): boolean {
  const computed = (numerator * 100) / denominator;
  return Math.abs(published - computed) <= RELATIVE_TOLERANCE * Math.max(Math.abs(published), 1e-6);
}

const known = (...values: (number | null | undefined)[]) =>
  values.every((v) => typeof v === "number");

/**
 * The truth check of DfE's data README: the per-code counts summed by category reproduce DfE's
 * totals (present, approved educational activity, unauthorised and late exactly; authorised to
 * within AUTHORISED_SHORTFALL_ALLOWED sessions short), the totals add up (possible = attendance +
 * absence), and every published percentage is its count over possible sessions. Returns what does
 * not hold; values DfE withheld are not checked.
 */
export function checkBenchmarkRow(row: BenchmarkRow): string[] {
  const problems: string[] = [];
  const c = row.counts;
  const sums = categorySums(row);
  const exact = (what: string, fromCodes: number | null, column: CountColumn) => {
    const published = c[column];
    if (fromCodes === null || published === null || fromCodes === published) return;
    problems.push(`${what} codes add up to ${fromCodes}, but ${column} is ${published}`);
  };
  exact("the present", sums.present, "present_sessions");
  exact("the approved educational activity", sums.aea, "approved_educational_activity");
  exact("the unauthorised", sums.unauthorised, "unauthorised_absence");
  exact("the late (L and U)", sums.late, "late_sessions");
  if (sums.authorised !== null && c.authorised_absence !== null) {
    const shortfall = c.authorised_absence - sums.authorised;
    if (shortfall < 0 || shortfall > AUTHORISED_SHORTFALL_ALLOWED)
      problems.push(
        `the authorised codes add up to ${sums.authorised}, but authorised_absence is ${c.authorised_absence} (the codes are ${shortfall >= 0 ? `${shortfall} short` : `${-shortfall} over`}; up to ${AUTHORISED_SHORTFALL_ALLOWED} short is allowed)`,
      );
  }
  const am = row.reasons.reason_present_am;
  const pm = row.reasons.reason_present_pm;
  const present = row.reasons.reason_present;
  if (known(am, pm, present) && (am as number) + (pm as number) !== present)
    problems.push(`reason_present (${present}) is not reason_present_am + reason_present_pm`);
  const identity = (total: CountColumn, a: CountColumn, b: CountColumn) => {
    const [x, y, t] = [c[a], c[b], c[total]];
    if (x !== null && y !== null && t !== null && x + y !== t)
      problems.push(`${total} (${t}) is not ${a} + ${b} (${x + y})`);
  };
  identity("overall_attendance", "present_sessions", "approved_educational_activity");
  identity("overall_absence", "authorised_absence", "unauthorised_absence");
  identity("possible_sessions", "overall_attendance", "overall_absence");

  const possible = c.possible_sessions;
  if (possible === null || possible === 0) return problems;
  const percent = (column: string, numerator: number | null | undefined, from: string) => {
    const published = row.percentages[column];
    if (typeof published !== "number" || typeof numerator !== "number") return;
    if (!agrees(published, numerator, possible))
      problems.push(
        `${column} is ${published}, but ${from} over possible sessions is ${(numerator * 100) / possible}`,
      );
  };
  const fromCodes = (...parts: (number | null)[]) =>
    parts.every((p) => p !== null) ? parts.reduce<number>((a, b) => a + (b as number), 0) : null;
  percent("attendance_perc", fromCodes(sums.present, sums.aea), "the attendance codes");
  percent("unauthorised_absence_perc", sums.unauthorised, "the unauthorised codes");
  // Authorised absence is checked against DfE's own total: its codes fall short by a few sessions.
  percent("authorised_absence_perc", c.authorised_absence, "authorised_absence");
  percent("overall_absence_perc", c.overall_absence, "overall_absence");
  for (const [column, symbol] of Object.entries(REASON_PERCENT_COLUMNS))
    percent(column, sessionsOfCode(row, symbol), `code ${symbol}`);
  return problems;
}

/** The rows of a file that fail the truth check, with what fails. */
export function checkBenchmarks(rows: readonly BenchmarkRow[]): TruthCheck[] {
  return rows.flatMap((row) => {
    const problems = checkBenchmarkRow(row);
    return problems.length === 0 ? [] : [{ line: row.line, row: describeRow(row), problems }];
  });
}

export function describeRow(row: BenchmarkRow): string {
  return `${row.geographicLevel} ${row.areaName} (${row.areaCode}), ${row.educationPhase}, ${row.timePeriod} ${row.timeIdentifier}`;
}
