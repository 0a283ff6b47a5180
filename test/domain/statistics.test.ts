import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { codeOn } from "../../src/domain/codes.ts";
import { codeOfReasonColumn } from "../../src/domain/dfe-reasons.ts";
import { emptyYearMarks, slotRange } from "../../src/domain/marks.ts";
import {
  dfeCountingRange,
  emptyTally,
  formatPercent,
  groupStatistics,
  isPersistentlyAbsent,
  isSeverelyAbsent,
  pupilStatistics,
  sumGroups,
  tallyMarks,
} from "../../src/domain/statistics.ts";
import { aCalendar, marksFrom, times } from "../support/builders.ts";

const calendar = aCalendar();
const FIRST_DAY = "2025-09-03";

function statsOf(run: string) {
  return pupilStatistics(tallyMarks(marksFrom(calendar, FIRST_DAY, run)));
}

/** A full year of 380 sessions with `absent` of them `I` and the rest present. */
function yearWithAbsence(absent: number, code = "I") {
  return times(code, absent) + times("/", 380 - absent);
}

describe("pupil statistics", () => {
  it("missing 38 of 380 sessions is persistent absence; 37 is not", () => {
    const pa = statsOf(yearWithAbsence(38));
    expect(pa.possible).toBe(380);
    expect(pa.absence).toBe(38);
    expect(pa.persistentlyAbsent).toBe(true);
    expect(formatPercent(pa.overallAbsenceRate)).toBe("10.0");
    const notPa = statsOf(yearWithAbsence(37));
    expect(notPa.persistentlyAbsent).toBe(false);
    expect(formatPercent(notPa.overallAbsenceRate, 2)).toBe("9.74");
  });

  it("missing 190 of 380 is severe absence; 189 is not", () => {
    expect(statsOf(yearWithAbsence(190, "O")).severelyAbsent).toBe(true);
    expect(statsOf(yearWithAbsence(189, "O")).severelyAbsent).toBe(false);
  });

  it("leaves X, Z, D, # and Y1-Y7 out of possible sessions", () => {
    const stats = statsOf(`${times("/", 26)}${times("I", 26)}XXXXZZZZDDDD####Y1Y2Y3Y4Y5Y6Y7Q`);
    expect(stats.possible).toBe(52);
    expect(stats.notPossible).toBe(24);
    expect(formatPercent(stats.attendanceRate)).toBe("50.0");
  });

  it("counts U as unauthorised absence and late, and L as present and late", () => {
    const stats = statsOf(`${times("/", 26)}${times("U", 26)}LL`);
    expect(stats.unauthorised).toBe(26);
    expect(stats.present).toBe(28);
    expect(stats.late).toBe(28);
    expect(stats.byCode).toEqual({ "/": 13, "\\": 13, U: 26, L: 2 });
  });

  it("counts approved educational activity as attendance", () => {
    const stats = statsOf("//KVPWB");
    expect(stats.aea).toBe(5);
    expect(stats.attendance).toBe(7);
    expect(formatPercent(stats.attendanceRate)).toBe("100.0");
  });

  it("gives 100% to a pupil with only present and dual-registration marks", () => {
    expect(formatPercent(statsOf("/\\DD/\\DD").attendanceRate)).toBe("100.0");
  });

  it("counts legacy H as authorised absence", () => {
    const marks = emptyYearMarks();
    marks[100] = codeOn("H", "2023-11-01").index;
    marks[101] = codeOn("/", "2023-11-01").index;
    const stats = pupilStatistics(tallyMarks(marks));
    expect(stats.authorised).toBe(1);
    expect(stats.byCode.H).toBe(1);
  });

  it("counts over a date range only the sessions inside it", () => {
    const marks = marksFrom(calendar, FIRST_DAY, times("I", 6) + times("/", 10));
    const [lo, hi] = slotRange(2025, "2025-09-06", "2025-09-30");
    const stats = pupilStatistics(tallyMarks(marks, lo, hi));
    expect(stats.possible).toBe(10);
    expect(stats.authorised).toBe(0);
  });

  it("has no rate when nothing was possible", () => {
    const stats = pupilStatistics(emptyTally());
    expect(stats.persistentlyAbsent).toBe(false);
    expect(formatPercent(stats.attendanceRate)).toBe("–");
  });

  it("decides PA and SA with integer comparisons at the boundary", () => {
    expect(isPersistentlyAbsent(1, 10)).toBe(true);
    expect(isPersistentlyAbsent(99, 1000)).toBe(false);
    expect(isSeverelyAbsent(1, 2)).toBe(true);
    expect(isSeverelyAbsent(0, 0)).toBe(false);
  });

  it("rounds half up for display without floating-point drift", () => {
    expect(formatPercent({ numerator: 1, denominator: 8 }, 2)).toBe("12.50");
    expect(formatPercent({ numerator: 1, denominator: 3 }, 1)).toBe("33.3");
    expect(formatPercent({ numerator: 2, denominator: 3 }, 0)).toBe("67");
    expect(formatPercent({ numerator: 2_277_095_382, denominator: 2_445_419_687 }, 2)).toBe(
      "93.12",
    );
  });
});

describe("group statistics", () => {
  it("sums counts across pupils instead of averaging their rates", () => {
    const small = tallyMarks(marksFrom(calendar, FIRST_DAY, "IIII//////")); // 60%
    const large = tallyMarks(marksFrom(calendar, FIRST_DAY, yearWithAbsence(0))); // 100%
    const group = groupStatistics([small, large]);
    expect(group.possible).toBe(390);
    expect(group.absence).toBe(4);
    expect(formatPercent(group.attendanceRate, 2)).toBe("98.97"); // not (60 + 100) / 2 = 80
    expect(group.enrolments).toBe(2);
    expect(group.persistentAbsentees).toBe(1);
    expect(formatPercent(group.persistentAbsenceRate)).toBe("50.0");
  });

  it("leaves enrolments with no possible session out of the PA rate", () => {
    const onlyX = tallyMarks(marksFrom(calendar, FIRST_DAY, "XXXX"));
    const present = tallyMarks(marksFrom(calendar, FIRST_DAY, "/\\"));
    expect(groupStatistics([onlyX, present]).enrolments).toBe(1);
  });
});

describe("DfE headline cohort", () => {
  const year = { from: "2025-08-01", to: "2026-07-31" };
  it("covers ages 5 to 15 at 31 August", () => {
    expect(dfeCountingRange("2021-08-31", 2025, calendar, year)).toBeNull(); // aged 4
    expect(dfeCountingRange("2020-08-31", 2025, calendar, year)).toEqual(year); // aged 5
    expect(dfeCountingRange("2009-08-31", 2025, calendar, year)).toBeNull(); // aged 16
  });

  it("leaves out the second half of the summer term for 15-year-olds", () => {
    expect(dfeCountingRange("2010-08-31", 2025, calendar, year)).toEqual({
      from: year.from,
      to: "2026-05-31",
    });
  });
});

describe("DfE's published year-to-date statistics", () => {
  const rows: Record<string, string>[] = parse(
    readFileSync(new URL("../fixtures/dfe-attendance-ytd-2025-26-sample.csv", import.meta.url)),
    { columns: true },
  );

  it("are reproduced by summing each reason column into Rollbook's categories", () => {
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const sums = { present: 0, aea: 0, authorised: 0, unauthorised: 0, late: 0 };
      for (const [column, value] of Object.entries(row)) {
        const code = codeOfReasonColumn(column);
        if (!code || code.category === "not_possible") continue;
        const n = Number(value);
        sums[code.category] += n;
        if (code.symbol === "L" || code.symbol === "U") sums.late += n;
      }
      const where = `${row.geographic_level} ${row.la_name || row.region_name || row.country_name} ${row.education_phase}`;
      expect(sums.present, where).toBe(Number(row.present_sessions));
      expect(sums.aea, where).toBe(Number(row.approved_educational_activity));
      expect(sums.unauthorised, where).toBe(Number(row.unauthorised_absence));
      expect(sums.late, where).toBe(Number(row.late_sessions));
      // DfE's authorised total runs up to ~106 sessions above its listed reasons (see the data README).
      const gap = Number(row.authorised_absence) - sums.authorised;
      expect(gap, where).toBeGreaterThanOrEqual(0);
      expect(gap, where).toBeLessThanOrEqual(110);
      const possible = Number(row.possible_sessions);
      expect(Number(row.overall_attendance) + Number(row.overall_absence), where).toBe(possible);
      expect(((sums.present + sums.aea) * 100) / possible, where).toBeCloseTo(
        Number(row.attendance_perc),
        9,
      );
    }
  });
});

describe("DfE reason columns", () => {
  it("map to the code they count, and totals to nothing", () => {
    expect(codeOfReasonColumn("reason_c1_authorised_regulated_performance")?.symbol).toBe("C1");
    expect(codeOfReasonColumn("reason_n_no_reason_yet")?.category).toBe("unauthorised");
    expect(codeOfReasonColumn("reason_j_aea_interview")?.category).toBe("aea");
    expect(codeOfReasonColumn("reason_not_attending_planned_closed")?.symbol).toBe("#");
    expect(codeOfReasonColumn("reason_present")).toBeNull();
    expect(codeOfReasonColumn("possible_sessions")).toBeNull();
  });
});

describe("sumGroups", () => {
  it("adds schools' counts and computes the rates again, never averaging rates", () => {
    // A small school at 50% and a large one at 90%: together 86.4%, not the 70% an average gives.
    const tallyOf = (run: string) => tallyMarks(marksFrom(calendar, FIRST_DAY, run));
    const small = groupStatistics([tallyOf(times("/", 5) + times("I", 5))]);
    const large = groupStatistics([tallyOf(times("/", 90) + times("N", 10)), emptyTally()]);
    const both = sumGroups([small, large]);
    expect(both.attendanceRate).toEqual({ numerator: 95, denominator: 110 });
    expect(both.enrolments).toBe(2);
    expect(both.persistentAbsentees).toBe(2);
    expect(both.severeAbsentees).toBe(1);
    expect(Object.values(both.byCode).reduce((a, b) => a + b, 0)).toBe(110);
    expect(both.byCode.I).toBe(5);
    expect(both.byCode.N).toBe(10);
    expect(sumGroups([])).toMatchObject({
      possible: 0,
      enrolments: 0,
      attendanceRate: { numerator: 0, denominator: 0 },
    });
  });
});
