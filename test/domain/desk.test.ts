import { describe, expect, it } from "vitest";
import { presentAtRegistration, sessionAt, whereabouts } from "../../src/domain/desk.ts";
import { missingFromLesson, periodProblem, timetableDay } from "../../src/domain/timetable.ts";

const TIMES = { amOpens: "08:40", amCloses: "09:10", pmOpens: "13:15", pmCloses: "13:45" };

describe("the desk's session", () => {
  it("is the afternoon from when its register opens, the morning before (lunchtime included)", () => {
    expect(sessionAt(TIMES, "09:20")).toBe("AM");
    expect(sessionAt(TIMES, "12:30")).toBe("AM");
    expect(sessionAt(TIMES, "13:15")).toBe("PM");
  });
});

describe("where a pupil is for a roll call", () => {
  const none = { mark: null, planned: false, lastSigning: null } as const;
  it("counts present, late and late-after-close marks as on site, others as away", () => {
    for (const mark of ["/", "\\", "L", "U"])
      expect(whereabouts({ ...none, mark })).toBe("on_site");
    for (const mark of ["I", "N", "V", "B"]) expect(whereabouts({ ...none, mark })).toBe("away");
  });
  it("puts a signing out above the mark, and a return or late sign-in back on site", () => {
    expect(whereabouts({ ...none, mark: "/", lastSigning: "signed_out" })).toBe("signed_out");
    expect(whereabouts({ ...none, mark: "N", lastSigning: "late_arrival" })).toBe("on_site");
    expect(whereabouts({ ...none, mark: "/", lastSigning: "back_in" })).toBe("on_site");
  });
  it("treats a planned absence without a mark as away, and nothing known as to be looked for", () => {
    expect(whereabouts({ ...none, planned: true })).toBe("away");
    expect(whereabouts(none)).toBe("not_marked");
  });
});

describe("post-registration truancy", () => {
  it("is absent from a lesson after being present at registration, not signed out", () => {
    expect(presentAtRegistration("/")).toBe(true);
    expect(presentAtRegistration("L")).toBe(true);
    // U arrived after registration closed: not "present at registration".
    expect(presentAtRegistration("U")).toBe(false);
    expect(presentAtRegistration(null)).toBe(false);
    const base = { lessonMark: "absent", presentAtRegistration: true, signedOut: false } as const;
    expect(missingFromLesson(base)).toBe(true);
    expect(missingFromLesson({ ...base, signedOut: true })).toBe(false);
    expect(missingFromLesson({ ...base, lessonMark: "late" })).toBe(false);
    expect(missingFromLesson({ ...base, presentAtRegistration: false })).toBe(false);
  });
});

describe("the timetable file's days and periods", () => {
  it("reads Mon to Fri in the ways MIS exports write them, and no weekend", () => {
    expect(["Mon", "monday", "1", " WED "].map(timetableDay)).toEqual([1, 1, 1, 3]);
    expect(timetableDay("Sat")).toBeNull();
  });
  it("refuses a period that ends before it starts or is not a time", () => {
    expect(periodProblem("09:15", "10:15")).toBeNull();
    expect(periodProblem("10:15", "09:15")).toMatch(/must end after it starts/);
    expect(periodProblem("9.15", "10:15")).toMatch(/not a time of day/);
  });
});
