import { describe, expect, it } from "vitest";
import { academicYearLabel, academicYearOf, SchoolCalendar } from "../../src/domain/calendar.ts";
import { aCalendar, year2025 } from "../support/builders.ts";

describe("school calendar", () => {
  const calendar = aCalendar();

  it("has 190 school days (380 sessions) in a standard year once INSET days are out", () => {
    expect(calendar.schoolDays("2025-08-01", "2026-07-31")).toHaveLength(190);
    expect(calendar.countSessions("2025-08-01", "2026-07-31")).toBe(380);
  });

  it("meets on weekdays inside half terms, not at weekends, in holidays or on closures", () => {
    expect(calendar.isSchoolDay("2025-09-03")).toBe(true);
    expect(calendar.isSchoolDay("2025-09-06")).toBe(false); // Saturday
    expect(calendar.isSchoolDay("2025-10-28")).toBe(false); // half-term holiday
    expect(calendar.isSchoolDay("2025-09-01")).toBe(false); // INSET
    expect(calendar.isSchoolSession("2025-09-03", "PM")).toBe(true);
  });

  it("closes a single session for a planned half-day closure", () => {
    const year = year2025();
    year.closures.push({ date: "2025-12-19", session: "PM", reason: "Christmas early finish" });
    const halfDay = new SchoolCalendar([year]);
    expect(halfDay.sessionsOn("2025-12-19")).toEqual(["AM"]);
    expect(halfDay.countSessions("2025-08-01", "2026-07-31")).toBe(379);
  });

  it("counts a school week as any week with at least one session", () => {
    const weeks = calendar.schoolWeeks();
    expect(weeks[0]).toBe("2025-09-01"); // the week opens with two INSET days but has sessions
    expect(calendar.schoolWeekNumber("2025-10-27")).toBe(-1); // half-term week
    expect(calendar.schoolWeekNumber("2025-11-03")).toBe(8);
    expect(weeks).toHaveLength(39);
  });

  it("counts school days since a session, skipping weekends and holidays", () => {
    // Friday 24 Oct to Monday 3 Nov: only the Monday after half term is a school day.
    expect(calendar.schoolDaysSince("2025-10-24", "2025-11-03")).toBe(1);
    expect(calendar.schoolDaysSince("2025-10-20", "2025-10-24")).toBe(4);
    expect(calendar.schoolDayAfter("2025-10-23", 5)).toBe("2025-11-06");
  });

  it("finds the year, term and half term around a date", () => {
    expect(calendar.periodContaining("half_term", "2025-11-20")).toEqual({
      from: "2025-11-03",
      to: "2025-12-19",
    });
    expect(calendar.periodContaining("term", "2025-11-20")).toEqual({
      from: "2025-09-01",
      to: "2025-12-19",
    });
    expect(calendar.periodContaining("year", "2025-11-20")).toEqual({
      from: "2025-08-01",
      to: "2026-07-31",
    });
    // During the half-term holiday "this half term" is the one just finished.
    expect(calendar.periodContaining("half_term", "2025-10-29").from).toBe("2025-09-01");
  });

  it("labels academic years and places dates in them from 1 August", () => {
    expect(academicYearLabel(2025)).toBe("2025/26");
    expect(academicYearLabel(2099)).toBe("2099/00");
    expect(academicYearOf("2026-07-31")).toBe(2025);
    expect(academicYearOf("2026-08-01")).toBe(2026);
  });

  it("refuses a calendar whose half terms overlap, naming them", () => {
    const year = year2025();
    year.halfTerms[1] = {
      name: "Autumn 2",
      term: "Autumn",
      start: "2025-10-20",
      end: "2025-12-19",
    };
    expect(() => new SchoolCalendar([year])).toThrow(
      /Autumn 2 starts 2025-10-20, before Autumn 1 ends/,
    );
  });

  it("refuses a closure outside every half term and an impossible date", () => {
    const year = year2025();
    year.closures.push({ date: "2025-12-25", session: null, reason: "Christmas" });
    expect(() => new SchoolCalendar([year])).toThrow(
      /closure on 2025-12-25 \(Christmas\) is not inside any half term/,
    );
    const bad = year2025();
    bad.halfTerms[0] = { name: "Autumn 1", term: "Autumn", start: "2025-09-31", end: "2025-10-24" };
    expect(() => new SchoolCalendar([bad])).toThrow(/Autumn 1 start must be a real date/);
  });

  it("joins school weeks across academic years", () => {
    const next = year2025();
    next.startYear = 2026;
    next.halfTerms = [{ name: "Autumn 1", term: "Autumn", start: "2026-09-01", end: "2026-10-23" }];
    next.closures = [];
    const twoYears = aCalendar(year2025(), next);
    const last = twoYears.schoolWeekNumber("2026-07-17");
    expect(last).toBe(38);
    expect(twoYears.schoolWeekNumber("2026-07-20")).toBe(-1); // only INSET days that week
    expect(twoYears.schoolWeekNumber("2026-09-01")).toBe(last + 1);
  });
});
