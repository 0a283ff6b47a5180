import { codeOfReasonColumn } from "../dfe-reasons.ts";
import { RollbookError } from "../errors.ts";
import { csvRecords } from "./csv-records.ts";
import {
  EDUCATION_PHASES,
  type EducationPhase,
  educationPhaseOf,
  type SchoolPhase,
  schoolPhaseOf,
} from "./phases.ts";

/**
 * DfE's published pupil attendance statistics, year to date (the attendance data dashboard's
 * `EES_ytd_data.csv`): one row per time period, area (England, a region, a local authority) and
 * phase, with session counts in total and per reason, and percentages. Columns keep DfE's names.
 */
export const FILE_NAME = "DfE attendance statistics";

export const TEXT_COLUMNS = [
  "time_period",
  "time_identifier",
  "geographic_level",
  "country_code",
  "country_name",
  "region_code",
  "region_name",
  "new_la_code",
  "la_name",
  "old_la_code",
  "education_phase",
] as const;

/** Averages over the period (schools open and pupils on roll on a typical day): often fractional. */
export const AVERAGE_COLUMNS = ["num_schools", "enrolments"] as const;

/** Session counts: whole numbers, kept exact. */
export const COUNT_COLUMNS = [
  "present_sessions",
  "overall_attendance",
  "approved_educational_activity",
  "overall_absence",
  "authorised_absence",
  "unauthorised_absence",
  "late_sessions",
  "possible_sessions",
] as const;

export const HEADLINE_PERCENT_COLUMNS = [
  "attendance_perc",
  "overall_absence_perc",
  "authorised_absence_perc",
  "unauthorised_absence_perc",
  "pa_perc",
] as const;

/** Whole-number columns that may be left out. */
export const OPTIONAL_INTEGER_COLUMNS = ["total_num_schools", "total_enrolments"] as const;

/** DfE's per-reason percentage columns and the register code each counts (checked, not derived). */
export const REASON_PERCENT_COLUMNS: Readonly<Record<string, string>> = {
  illness_perc: "I",
  appointments_perc: "M",
  auth_religious_perc: "R",
  auth_study_perc: "S",
  auth_mob_perc: "T",
  auth_excluded_perc: "E",
  auth_other_perc: "C",
  auth_performance_perc: "C1",
  auth_interview_perc: "J1",
  auth_part_time_perc: "C2",
  unauth_hol_perc: "G",
  unauth_oth_perc: "O",
  unauth_late_registers_closed_perc: "U",
  unauth_not_yet_perc: "N",
};

/** `reason_present` is DfE's total of `reason_present_am` and `reason_present_pm`. */
const REASON_TOTAL = "reason_present";

export const REQUIRED_COLUMNS: readonly string[] = [
  ...TEXT_COLUMNS,
  ...AVERAGE_COLUMNS,
  ...COUNT_COLUMNS,
  ...HEADLINE_PERCENT_COLUMNS,
];

export type CountColumn = (typeof COUNT_COLUMNS)[number];
export type GeographicLevel = "National" | "Regional" | "Local authority";
export const GEOGRAPHIC_LEVELS: readonly GeographicLevel[] = [
  "National",
  "Regional",
  "Local authority",
];

/** A decimal exactly as DfE wrote it ("64.5489130434783"). */
export type Decimal = string;

export interface BenchmarkRow {
  line: number;
  /** DfE's academic year, e.g. "202526" for 2025/26. */
  timePeriod: string;
  /** "Academic year" for the year to date; DfE's term and week files name their period. */
  timeIdentifier: string;
  geographicLevel: GeographicLevel;
  /** The country, region or local authority (new, E-prefixed) code of the area the row is for. */
  areaCode: string;
  areaName: string;
  countryCode: string;
  countryName: string;
  regionCode: string | null;
  regionName: string | null;
  newLaCode: string | null;
  laName: string | null;
  /** The three-digit local authority number schools are known by (383 Leeds). */
  oldLaCode: string | null;
  educationPhase: EducationPhase;
  /** Rollbook's phase for the row; null for "Total" (all phases). */
  schoolPhase: SchoolPhase | null;
  /** null where DfE withheld the value (c, x, z). */
  numSchools: Decimal | null;
  enrolments: Decimal | null;
  totalNumSchools: number | null;
  totalEnrolments: number | null;
  counts: Record<CountColumn, number | null>;
  /** Sessions per DfE reason column (`reason_i_authorised_illness`...). */
  reasons: Record<string, number | null>;
  /** Every `*_perc` column, as published. */
  percentages: Record<string, number | null>;
}

/** DfE's markers for a value it does not publish: confidential, not available, not applicable. */
const SUPPRESSED = new Set(["c", "x", "z"]);
const DECIMAL = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;

function isKnownColumn(column: string): boolean {
  return (
    REQUIRED_COLUMNS.includes(column) ||
    (OPTIONAL_INTEGER_COLUMNS as readonly string[]).includes(column) ||
    column in REASON_PERCENT_COLUMNS ||
    column === REASON_TOTAL ||
    codeOfReasonColumn(column) !== null
  );
}

export function isReasonColumn(column: string): boolean {
  return column === REASON_TOTAL || codeOfReasonColumn(column) !== null;
}

type Cell<T> = { value: T } | { problem: string };

const suppressionHint = "(DfE writes c, x or z for a value it does not publish)";

function decimalCell(raw: string): Cell<Decimal | null> {
  if (SUPPRESSED.has(raw.toLowerCase())) return { value: null };
  if (raw === "") return { problem: `is empty ${suppressionHint}` };
  if (!DECIMAL.test(raw) || !Number.isFinite(Number(raw)))
    return { problem: `"${raw}" is not a number ${suppressionHint}` };
  return { value: raw };
}

function countCell(raw: string): Cell<number | null> {
  const cell = decimalCell(raw);
  if ("problem" in cell) return cell;
  if (cell.value === null) return { value: null };
  const n = Number(cell.value);
  if (!Number.isSafeInteger(n)) return { problem: `"${raw}" is not a whole number of sessions` };
  return { value: n };
}

function percentCell(raw: string): Cell<number | null> {
  const cell = decimalCell(raw);
  if ("problem" in cell) return cell;
  if (cell.value === null) return { value: null };
  const n = Number(cell.value);
  if (n > 100) return { problem: `"${raw}" is more than 100%` };
  return { value: n };
}

/**
 * Reads a DfE year-to-date attendance file into typed rows. The header must hold DfE's columns
 * (unknown or missing ones refuse the file, naming them); every row is checked before any is
 * returned, and any problem refuses the whole file naming its line and column. Suppressed values
 * (c, x, z) become null, never 0. Counts stay exact integers; averages stay as written.
 */
export function parseDfeAttendanceFile(text: string): BenchmarkRow[] {
  const [header, ...body] = csvRecords(text, FILE_NAME);
  if (!header) throw new RollbookError("import_rejected", `The ${FILE_NAME} file is empty`);
  const columns = header.cells.map((c) => c.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !isKnownColumn(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  const headerProblems = [
    ...(missing.length > 0 ? [`missing column(s): ${missing.join(", ")}`] : []),
    ...(unknown.length > 0 ? [`unknown column(s): ${unknown.join(", ")}`] : []),
    ...(repeated.length > 0 ? [`repeated column(s): ${repeated.join(", ")}`] : []),
  ];
  if (headerProblems.length > 0) {
    throw new RollbookError(
      "import_rejected",
      `The ${FILE_NAME} file's header is wrong: ${headerProblems.join("; ")}. It needs DfE's columns as published: ${REQUIRED_COLUMNS.join(", ")}, with the reason_* and *_perc columns`,
    );
  }
  if (body.length === 0)
    throw new RollbookError(
      "import_rejected",
      `The ${FILE_NAME} file has no rows under its header`,
    );

  const problems: { line: number; message: string }[] = [];
  const rows: BenchmarkRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of body) {
    const bad = (message: string) => problems.push({ line, message });
    if (cells.length !== columns.length) {
      bad(`has ${cells.length} values but the header has ${columns.length} columns`);
      continue;
    }
    const raw: Record<string, string> = {};
    columns.forEach((column, i) => {
      raw[column] = cells[i] ?? "";
    });
    const text = (column: string) => (raw[column] ? raw[column] : null);
    const read = <T>(column: string, parse: (raw: string) => Cell<T>): T | null => {
      const cell = parse(raw[column] ?? "");
      if ("problem" in cell) {
        bad(`column ${column}: ${cell.problem}`);
        return null;
      }
      return cell.value;
    };
    const counts = Object.fromEntries(
      COUNT_COLUMNS.map((c) => [c, read(c, countCell)]),
    ) as BenchmarkRow["counts"];
    const reasons: Record<string, number | null> = {};
    const percentages: Record<string, number | null> = {};
    for (const column of columns) {
      if (isReasonColumn(column)) reasons[column] = read(column, countCell);
      else if (column.endsWith("_perc")) percentages[column] = read(column, percentCell);
    }
    const optionalInteger = (column: string) =>
      columns.includes(column) ? read(column, countCell) : null;
    const numSchools = read("num_schools", decimalCell);
    const enrolments = read("enrolments", decimalCell);
    const totalNumSchools = optionalInteger("total_num_schools");
    const totalEnrolments = optionalInteger("total_enrolments");

    const timePeriod = raw.time_period ?? "";
    const startYear = Number(timePeriod.slice(0, 4));
    if (!/^\d{6}$/.test(timePeriod) || Number(timePeriod.slice(4)) !== (startYear + 1) % 100)
      bad(
        `column time_period: "${timePeriod}" is not an academic year written as DfE does (202526)`,
      );
    const timeIdentifier = text("time_identifier");
    if (!timeIdentifier) bad("column time_identifier: is empty (DfE writes Academic year)");
    const level = GEOGRAPHIC_LEVELS.find(
      (l) => l.toLowerCase() === (raw.geographic_level ?? "").toLowerCase(),
    );
    if (!level)
      bad(
        `column geographic_level: "${raw.geographic_level}" is not one of ${GEOGRAPHIC_LEVELS.join(", ")}`,
      );
    const educationPhase = educationPhaseOf(raw.education_phase ?? "");
    if (!educationPhase)
      bad(
        `column education_phase: "${raw.education_phase}" is not one of ${EDUCATION_PHASES.join(", ")}`,
      );
    const countryCode = text("country_code");
    const countryName = text("country_name");
    if (!countryCode) bad("column country_code: is empty");
    if (!countryName) bad("column country_name: is empty");
    const area =
      level === "National"
        ? { code: countryCode, name: countryName, column: "country_code" }
        : level === "Regional"
          ? { code: text("region_code"), name: text("region_name"), column: "region_code" }
          : { code: text("new_la_code"), name: text("la_name"), column: "new_la_code" };
    if (level && level !== "National" && !area.code)
      bad(`column ${area.column}: is empty on a ${level} row`);
    const oldLaCode = text("old_la_code");
    if (level === "Local authority" && !/^\d{3}$/.test(oldLaCode ?? ""))
      bad(`column old_la_code: "${oldLaCode ?? ""}" is not a three-digit local authority number`);
    if (!level || !educationPhase || !timeIdentifier || !area.code || !countryCode || !countryName)
      continue;

    const key = [timePeriod, timeIdentifier, level, area.code, educationPhase].join("|");
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      bad(
        `repeats line ${earlier}: the same period, area and phase (${area.code} ${educationPhase})`,
      );
      continue;
    }
    seen.set(key, line);
    rows.push({
      line,
      timePeriod,
      timeIdentifier,
      geographicLevel: level,
      areaCode: area.code,
      areaName: area.name ?? area.code,
      countryCode,
      countryName,
      regionCode: text("region_code"),
      regionName: text("region_name"),
      newLaCode: text("new_la_code"),
      laName: text("la_name"),
      oldLaCode,
      educationPhase,
      schoolPhase: schoolPhaseOf(educationPhase),
      numSchools,
      enrolments,
      totalNumSchools,
      totalEnrolments,
      counts,
      reasons,
      percentages,
    });
  }
  if (problems.length > 0) {
    const shown = 50;
    const listed = problems
      .slice(0, shown)
      .map((p) => `  line ${p.line}: ${p.message}`)
      .join("\n");
    const more = problems.length > shown ? `\n  ...and ${problems.length - shown} more` : "";
    throw new RollbookError(
      "import_rejected",
      `Nothing was imported: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the ${FILE_NAME} file\n${listed}${more}`,
      { problems },
    );
  }
  return rows;
}
