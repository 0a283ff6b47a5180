import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvRecords } from "../../src/domain/benchmarks/csv-records.ts";
import {
  type BenchmarkRow,
  parseDfeAttendanceFile,
} from "../../src/domain/benchmarks/dfe-attendance-file.ts";
import { figuresOfBenchmark } from "../../src/domain/benchmarks/figures.ts";
import {
  benchmarkPhaseFor,
  educationPhaseOf,
  schoolPhaseOf,
} from "../../src/domain/benchmarks/phases.ts";
import {
  AUTHORISED_SHORTFALL_ALLOWED,
  categorySums,
  checkBenchmarkRow,
  checkBenchmarks,
} from "../../src/domain/benchmarks/truth-check.ts";
import { isRollbookError, type RollbookError } from "../../src/domain/errors.ts";

const SAMPLE = readFileSync(
  new URL("../fixtures/dfe-attendance-ytd-2025-26-sample.csv", import.meta.url),
  "utf8",
);
const [HEADER, ...LINES] = csvRecords(SAMPLE, "sample");
const COLUMNS = (HEADER?.cells ?? []) as string[];

/** The sample with some cells changed: `changes` maps a file line to column -> new value. */
function sampleWith(changes: Record<number, Record<string, string>>, columns = COLUMNS): string {
  const quote = (cells: string[]) => cells.map((c) => `"${c}"`).join(",");
  return [
    quote(columns),
    ...LINES.map(({ line, cells }) => {
      const changed = [...cells];
      for (const [column, value] of Object.entries(changes[line] ?? {}))
        changed[COLUMNS.indexOf(column)] = value;
      return quote(changed);
    }),
  ].join("\n");
}

function refusal(text: string): RollbookError {
  try {
    parseDfeAttendanceFile(text);
  } catch (error) {
    if (isRollbookError(error)) return error;
    throw error;
  }
  throw new Error("the file was accepted");
}

const rows = parseDfeAttendanceFile(SAMPLE);
const find = (level: string, area: string, phase: string) =>
  rows.find(
    (r) => r.geographicLevel === level && r.areaName === area && r.educationPhase === phase,
  ) as BenchmarkRow;

describe("DfE's year-to-date attendance file", () => {
  it("reads every row of the sample with DfE's areas and phases", () => {
    expect(rows).toHaveLength(59);
    const levels = rows.map((r) => r.geographicLevel);
    expect(levels.filter((l) => l === "National")).toHaveLength(4);
    expect(levels.filter((l) => l === "Regional")).toHaveLength(36);
    expect(levels.filter((l) => l === "Local authority")).toHaveLength(19);
    expect(new Set(rows.map((r) => r.educationPhase))).toEqual(
      new Set(["Primary", "Secondary", "Special", "Total"]),
    );
    expect(new Set(rows.map((r) => `${r.timePeriod} ${r.timeIdentifier}`))).toEqual(
      new Set(["202526 Academic year"]),
    );
  });

  it("keys each row by its area: England, a region's code, a local authority's new code", () => {
    const leeds = find("Local authority", "Leeds", "Secondary");
    expect(leeds).toMatchObject({
      areaCode: "E08000035",
      oldLaCode: "383",
      regionCode: "E12000003",
      regionName: "Yorkshire and The Humber",
      schoolPhase: "secondary",
    });
    expect(find("Regional", "Yorkshire and The Humber", "Secondary").areaCode).toBe("E12000003");
    const england = find("National", "England", "Total");
    expect(england).toMatchObject({ areaCode: "E92000001", regionCode: null, oldLaCode: null });
    expect(england.schoolPhase).toBeNull();
  });

  it("keeps counts as exact integers, beyond PostgreSQL's integer, and averages as written", () => {
    const england = find("National", "England", "Total");
    expect(england.counts.possible_sessions).toBe(2_445_419_687);
    expect(england.counts.authorised_absence).toBe(110_576_083);
    expect(england.reasons.reason_present_am).toBe(1_087_607_804);
    const hamlets = find("Local authority", "Tower Hamlets", "Primary");
    expect(hamlets.numSchools).toBe("64.5489130434783");
    expect(hamlets.enrolments).toBe("17808.125");
    expect(hamlets.totalNumSchools).toBe(66);
    expect(hamlets.percentages.auth_study_perc).toBe(1.55757077523724e-5);
  });

  it("reads DfE's suppression markers c, x and z as withheld (null), never as 0", () => {
    const line = LINES[0]?.line as number;
    const [row] = parseDfeAttendanceFile(
      sampleWith({
        [line]: {
          reason_i_authorised_illness: "c",
          enrolments: "x",
          pa_perc: "z",
          possible_sessions: "C",
        },
      }),
    );
    expect(row?.reasons.reason_i_authorised_illness).toBeNull();
    expect(row?.enrolments).toBeNull();
    expect(row?.percentages.pa_perc).toBeNull();
    expect(row?.counts.possible_sessions).toBeNull();
    // What cannot be computed is not checked, and not reported as a failure either.
    expect(categorySums(row as BenchmarkRow).authorised).toBeNull();
    expect(checkBenchmarkRow(row as BenchmarkRow)).toEqual([]);
  });

  it("accepts a whole number written in R's exponent form", () => {
    const line = LINES[0]?.line as number;
    const [row] = parseDfeAttendanceFile(
      sampleWith({ [line]: { reason_w_aea_work_experience: "0e+00" } }),
    );
    expect(row?.reasons.reason_w_aea_work_experience).toBe(0);
  });
});

describe("the truth check", () => {
  it("holds on every row of the sample: codes summed by category reproduce DfE's totals and percentages", () => {
    expect(checkBenchmarks(rows)).toEqual([]);
    for (const row of rows) {
      const sums = categorySums(row);
      expect(sums.present).toBe(row.counts.present_sessions);
      expect(sums.aea).toBe(row.counts.approved_educational_activity);
      expect(sums.unauthorised).toBe(row.counts.unauthorised_absence);
      expect(sums.late).toBe(row.counts.late_sessions);
    }
  });

  it("allows DfE's authorised total to run a little above its listed reasons (106 for England)", () => {
    const england = find("National", "England", "Total");
    const shortfall =
      (england.counts.authorised_absence as number) - (categorySums(england).authorised as number);
    expect(shortfall).toBe(106);
    const shortfalls = rows.map(
      (r) => (r.counts.authorised_absence as number) - (categorySums(r).authorised as number),
    );
    expect(Math.min(...shortfalls)).toBe(0);
    expect(Math.max(...shortfalls)).toBeLessThanOrEqual(AUTHORISED_SHORTFALL_ALLOWED);
  });

  it("reports a row whose codes do not add up, naming the line and the total", () => {
    const line = LINES[2]?.line as number;
    const tampered = parseDfeAttendanceFile(
      sampleWith({
        [line]: { reason_i_authorised_illness: "512000" },
      }),
    );
    const checks = checkBenchmarks(tampered);
    expect(checks).toHaveLength(1);
    expect(checks[0]?.line).toBe(line);
    expect(checks[0]?.row).toBe("Local authority Leeds (E08000035), Primary, 202526 Academic year");
    expect(checks[0]?.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "the authorised codes add up to 686151, but authorised_absence is 686518",
        ),
        expect.stringContaining("illness_perc is 2.50559663301237"),
      ]),
    );
  });

  it("reports totals that do not add up and percentages that are not their counts", () => {
    const line = LINES[0]?.line as number;
    const [row] = parseDfeAttendanceFile(sampleWith({ [line]: { possible_sessions: "6420255" } }));
    expect(checkBenchmarkRow(row as BenchmarkRow)).toEqual(
      expect.arrayContaining([
        "possible_sessions (6420255) is not overall_attendance + overall_absence (6420254)",
        expect.stringMatching(/^attendance_perc is 94\.0766362203115, but the attendance codes/),
      ]),
    );
  });
});

describe("a DfE file that cannot be read", () => {
  it("is refused when a required column is missing or an unknown one appears, naming them", () => {
    const renamed = COLUMNS.map((c) =>
      c === "possible_sessions" ? "possible" : c === "pa_perc" ? "pa_percent" : c,
    );
    const error = refusal(sampleWith({}, renamed));
    expect(error.code).toBe("import_rejected");
    expect(error.message).toContain("missing column(s): possible_sessions, pa_perc");
    expect(error.message).toContain("unknown column(s): possible, pa_percent");
  });

  it("is refused for a bad number, naming the line and the column, with every problem listed", () => {
    const [first, second] = LINES.map((l) => l.line);
    const error = refusal(
      sampleWith({
        [first as number]: { possible_sessions: "6,420,254" },
        [second as number]: { late_sessions: "1222.5", enrolments: "" },
      }),
    );
    expect(error.message).toContain("Nothing was imported: 3 problems");
    expect(error.message).toContain(
      `line ${first}: column possible_sessions: "6,420,254" is not a number`,
    );
    expect(error.message).toContain(
      `line ${second}: column late_sessions: "1222.5" is not a whole number of sessions`,
    );
    expect(error.message).toContain(`line ${second}: column enrolments: is empty`);
  });

  it("is refused for an unknown phase or level, a period that is not an academic year, or a repeated row", () => {
    const lines = LINES.map((l) => l.line) as number[];
    const error = refusal(
      sampleWith({
        [lines[0] as number]: { education_phase: "Nursery" },
        [lines[1] as number]: { geographic_level: "Ward" },
        [lines[2] as number]: { time_period: "2025" },
        [lines[4] as number]: {
          la_name: "Manchester",
          new_la_code: "E08000003",
          old_la_code: "352",
        },
      }),
    );
    expect(error.message).toContain(
      `line ${lines[0]}: column education_phase: "Nursery" is not one of Primary, Secondary, Special, Total`,
    );
    expect(error.message).toContain(`line ${lines[1]}: column geographic_level: "Ward"`);
    expect(error.message).toContain(
      `line ${lines[2]}: column time_period: "2025" is not an academic year`,
    );
    expect(error.message).toContain(`line ${lines[4]}: repeats line ${lines[3]}`);
  });

  it("names the line a row starts on when a quoted value spans lines", () => {
    const records = csvRecords('\uFEFFa,b\r\n"one\r\ntwo",2\r\n\r\n"3 ""x""",4', "test");
    expect(records).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["one\r\ntwo", "2"] },
      { line: 5, cells: ['3 "x"', "4"] },
    ]);
    expect(() => csvRecords('a\n"open', "test")).toThrow("starting on line 2 is never closed");
  });

  it("is refused when it is empty or has only its header", () => {
    expect(refusal("").message).toContain("is empty");
    expect(refusal(sampleWith({}).split("\n")[0] as string).message).toContain("has no rows");
  });
});

describe("phases", () => {
  it("maps DfE's education phases to Rollbook's school phases", () => {
    expect(educationPhaseOf("Primary")).toBe("Primary");
    expect(educationPhaseOf(" secondary ")).toBe("Secondary");
    expect(educationPhaseOf("State-funded special")).toBe("Special");
    expect(educationPhaseOf("Total")).toBe("Total");
    expect(educationPhaseOf("Nursery")).toBeNull();
    expect(schoolPhaseOf("Special")).toBe("special");
    expect(schoolPhaseOf("Total")).toBeNull();
  });

  it("compares a school with its own phase, an all-through school with all schools, and AP with nothing", () => {
    expect(benchmarkPhaseFor("secondary")).toEqual({ educationPhase: "Secondary", note: null });
    expect(benchmarkPhaseFor("all_through").educationPhase).toBe("Total");
    expect(benchmarkPhaseFor("all_through").note).toContain("all-through");
    expect(benchmarkPhaseFor("alternative_provision").educationPhase).toBeNull();
    expect(benchmarkPhaseFor("nursery").educationPhase).toBeNull();
  });
});

describe("an area's figures", () => {
  it("are DfE's exact counts over possible sessions, and DfE's own PA rate", () => {
    const leeds = find("Local authority", "Leeds", "Secondary");
    const figures = figuresOfBenchmark(leeds);
    expect(figures.attendancePercent).toBeCloseTo(leeds.percentages.attendance_perc as number, 12);
    expect(figures.unauthorisedAbsencePercent).toBeCloseTo(
      leeds.percentages.unauthorised_absence_perc as number,
      12,
    );
    expect(figures.persistentAbsencePercent).toBe(leeds.percentages.pa_perc);
  });

  it("fall back to DfE's published percentage where a count was withheld", () => {
    const leeds = find("Local authority", "Leeds", "Secondary");
    const figures = figuresOfBenchmark({
      counts: { ...leeds.counts, overall_attendance: null },
      percentages: leeds.percentages,
    });
    expect(figures.attendancePercent).toBe(leeds.percentages.attendance_perc);
  });
});
