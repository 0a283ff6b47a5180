import { describe, expect, it } from "vitest";
import {
  ageOn,
  compulsorySchoolAgeEnds,
  compulsorySchoolAgeStarts,
  isOfCompulsorySchoolAge,
  nationalCurriculumYear,
} from "../../src/domain/age.ts";

describe("compulsory school age", () => {
  it("starts on the prescribed day after the fifth birthday (31 Dec, 31 Mar, 31 Aug)", () => {
    expect(compulsorySchoolAgeStarts("2020-10-10")).toBe("2025-12-31");
    expect(compulsorySchoolAgeStarts("2021-01-02")).toBe("2026-03-31");
    expect(compulsorySchoolAgeStarts("2021-04-01")).toBe("2026-08-31");
    expect(compulsorySchoolAgeStarts("2021-09-01")).toBe("2026-12-31");
  });

  it("starts on the birthday itself when the fifth birthday is a prescribed day", () => {
    expect(compulsorySchoolAgeStarts("2020-12-31")).toBe("2025-12-31");
    expect(compulsorySchoolAgeStarts("2021-03-31")).toBe("2026-03-31");
    expect(compulsorySchoolAgeStarts("2021-08-31")).toBe("2026-08-31");
  });

  it("ends on the last Friday in June of the school year the child turns 16", () => {
    // Turns 16 in October 2025: school year 2025/26, last Friday of June 2026 is 26 June.
    expect(compulsorySchoolAgeEnds("2009-10-15")).toBe("2026-06-26");
    // Turns 16 on 15 July 2026, after the leaving date: still 26 June 2026.
    expect(compulsorySchoolAgeEnds("2010-07-15")).toBe("2026-06-26");
    // Turns 16 on 1 September 2026: the next school year's leaving date.
    expect(compulsorySchoolAgeEnds("2010-09-01")).toBe("2027-06-25");
  });

  it("handles a 29 February birthday", () => {
    expect(ageOn("2016-02-29", "2021-02-28")).toBe(4);
    expect(ageOn("2016-02-29", "2021-03-01")).toBe(5);
    expect(compulsorySchoolAgeStarts("2016-02-29")).toBe("2021-03-31");
  });

  it("tells whether a pupil is of compulsory school age on a date", () => {
    expect(isOfCompulsorySchoolAge("2021-01-02", "2026-03-30")).toBe(false);
    expect(isOfCompulsorySchoolAge("2021-01-02", "2026-03-31")).toBe(true);
  });

  it("places pupils in National Curriculum years by age on 31 August", () => {
    expect(nationalCurriculumYear("2020-09-01", 2025)).toBe(0); // Reception
    expect(nationalCurriculumYear("2020-08-31", 2025)).toBe(1);
    expect(nationalCurriculumYear("2010-01-01", 2025)).toBe(11);
  });
});
