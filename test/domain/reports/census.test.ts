import { describe, expect, it } from "vitest";
import {
  absenceReasonColumns,
  censusFigures,
  censusWindow,
  easterSunday,
  springBankHoliday,
} from "../../../src/domain/reports/census.ts";
import { dfeCountingRange, tallyMarks } from "../../../src/domain/statistics.ts";
import { aCalendar, marksFrom } from "../../support/builders.ts";

describe("census windows (absence collected one term in arrears)", () => {
  it("knows Easter and the spring bank holiday", () => {
    expect(easterSunday(2026)).toBe("2026-04-05");
    expect(easterSunday(2025)).toBe("2025-04-20");
    expect(easterSunday(2019)).toBe("2019-04-21");
    expect(springBankHoliday(2026)).toBe("2026-05-25");
    expect(springBankHoliday(2025)).toBe("2025-05-26");
  });

  it("maps each census term to its fixed dates", () => {
    expect(censusWindow("autumn", 2025)).toMatchObject({
      from: "2025-08-01",
      to: "2025-12-31",
      census: "Spring census 2026",
    });
    expect(censusWindow("spring", 2025)).toMatchObject({ from: "2026-01-01", to: "2026-04-05" });
    expect(censusWindow("summer", 2025)).toMatchObject({ from: "2026-04-06", to: "2026-05-24" });
    expect(censusWindow("summer_2", 2025)).toMatchObject({ from: "2026-05-25", to: "2026-07-31" });
  });

  it("has one column per absence reason in force: the 2024 codes, no legacy H", () => {
    expect(absenceReasonColumns(censusWindow("autumn", 2025))).toEqual([
      "C",
      "C1",
      "C2",
      "E",
      "I",
      "J1",
      "M",
      "R",
      "S",
      "T",
      "G",
      "N",
      "O",
      "U",
    ]);
    expect(absenceReasonColumns({ from: "2023-09-01", to: "2023-12-31" })).toContain("H");
  });
});

describe("census figures", () => {
  const calendar = aCalendar();

  it("counts possible, authorised and unauthorised sessions and each reason", () => {
    const marks = marksFrom(calendar, "2025-09-03", "//II\\/MNUGL/##");
    const window = censusWindow("autumn", 2025);
    const figures = censusFigures(tallyMarks(marks), absenceReasonColumns(window));
    // # is not a possible session; L is present; U (late after close) is unauthorised.
    expect(figures).toMatchObject({
      sessionsPossible: 12,
      sessionsAuthorised: 3,
      sessionsUnauthorised: 3,
    });
    expect(figures.byReason).toMatchObject({ I: 2, M: 1, N: 1, U: 1, G: 1, C: 0 });
  });

  it("keeps the headline cohort: 5 to 15 on 31 August, and not summer half term 2 at 15", () => {
    const summer2 = censusWindow("summer_2", 2025);
    expect(dfeCountingRange("2021-03-01", 2025, calendar, summer2)).toBeNull(); // aged 4
    expect(dfeCountingRange("2009-06-01", 2025, calendar, summer2)).toBeNull(); // aged 16
    // Aged 15: only the half-term week before the school's last summer half term is left.
    const fifteen = dfeCountingRange("2010-06-01", 2025, calendar, summer2);
    expect(fifteen).toEqual({ from: "2026-05-25", to: "2026-05-31" });
    expect(calendar.countSessions(fifteen?.from ?? "", fifteen?.to ?? "")).toBe(0);
    expect(dfeCountingRange("2012-10-01", 2025, calendar, summer2)).toEqual(summer2); // aged 12
    const autumn = censusWindow("autumn", 2025);
    expect(dfeCountingRange("2010-06-01", 2025, calendar, autumn)).toEqual(autumn);
  });
});
