import { describe, expect, it } from "vitest";
import { TRUST_POLICY } from "../../src/domain/policy/presets/trust-policy.ts";
import type { Condition, Policy } from "../../src/domain/policy/types.ts";
import {
  type LateMark,
  lateThresholdOf,
  medianMinutes,
  minutesBand,
  type PupilInYear,
  punctuality,
  usualWeekday,
} from "../../src/domain/punctuality.ts";

/** A late on a morning register: `late(1, "2025-09-01", "L", 5)`. */
const late = (
  pupilId: number,
  date: string,
  code: "L" | "U",
  minutesLate: number | null,
): LateMark => ({ pupilId, date, session: "AM", code, minutesLate });

const pupil = (pupilId: number, yearGroup: string | null, ncYear: number | null): PupilInYear => ({
  pupilId,
  yearGroup,
  ncYear,
});

// Autumn 1, 2025: 1 September was a Monday.
const PUPILS = [
  pupil(1, "Year 7", 7),
  pupil(2, "Year 7", 7),
  pupil(3, "Year 10", 10),
  pupil(4, null, null),
  pupil(5, "Year 8", 8),
];
const MARKS = [
  // Pupil 1: three Mondays and a Wednesday; the Wednesday late has no minutes.
  late(1, "2025-09-01", "L", 5),
  late(1, "2025-09-08", "L", 12),
  late(1, "2025-09-15", "U", 40),
  late(1, "2025-09-03", "L", null),
  // Pupil 2: Tuesday, Thursday, Friday.
  late(2, "2025-09-02", "L", 6),
  late(2, "2025-09-04", "L", 10),
  late(2, "2025-09-05", "L", 16),
  // Pupil 3: twice after the register closed.
  late(3, "2025-09-09", "U", 31),
  late(3, "2025-09-10", "U", 45),
  // Pupil 4, in no year group: once.
  late(4, "2025-09-12", "L", 30),
];

describe("late sessions and minutes lost", () => {
  const figures = punctuality(MARKS, PUPILS);

  it("counts L (before the register closed) and U (after it) apart and together", () => {
    expect(figures.lates).toEqual({ L: 7, U: 3, total: 10 });
  });

  it("adds up the minutes recorded, L and U alike, and says how many lates had none", () => {
    // 5 + 12 + 40 + 6 + 10 + 16 + 31 + 45 + 30
    expect(figures.minutesLost).toBe(195);
    expect(figures.latesWithoutMinutes).toBe(1);
  });

  it("takes the median of L marks only, the lower middle of an even count", () => {
    // L with minutes: 5, 6, 10, 12, 16, 30 -> the middle pair is 10 and 12; U's 31, 40, 45 left out.
    expect(figures.medianMinutesLate).toBe(10);
  });
});

describe("the median minutes late", () => {
  it("is the middle value of an odd count, the lower middle of an even one, none of nothing", () => {
    expect(medianMinutes([20, 3, 7])).toBe(7);
    expect(medianMinutes([20, 3, 7, 9])).toBe(7);
    expect(medianMinutes([4])).toBe(4);
    expect(medianMinutes([])).toBeNull();
  });

  it("has nothing to say when every L has no minutes or every late is U", () => {
    const figures = punctuality(
      [late(1, "2025-09-01", "L", null), late(1, "2025-09-02", "U", 50)],
      PUPILS,
    );
    expect(figures.medianMinutesLate).toBeNull();
    expect(figures.minutesLost).toBe(50);
    expect(figures.latesWithoutMinutes).toBe(1);
  });
});

describe("lates by weekday, minutes and year group", () => {
  const figures = punctuality(MARKS, PUPILS);

  it("counts every late on its weekday, Monday to Friday", () => {
    expect(figures.byWeekday).toEqual([
      { weekday: "Monday", lates: 3 },
      { weekday: "Tuesday", lates: 2 },
      { weekday: "Wednesday", lates: 2 },
      { weekday: "Thursday", lates: 1 },
      { weekday: "Friday", lates: 2 },
    ]);
  });

  it("bands minutes late at 5, 10, 15 and 30, with the lates that have no minutes apart", () => {
    expect(figures.byMinutes).toEqual([
      { band: "1–5", lates: 1 },
      { band: "6–10", lates: 2 },
      { band: "11–15", lates: 1 },
      { band: "16–30", lates: 2 },
      { band: "over 30", lates: 3 },
      { band: "unknown", lates: 1 },
    ]);
    expect([0, 1, 5, 6, 10, 11, 15, 16, 30, 31, null].map(minutesBand)).toEqual([
      "1–5",
      "1–5",
      "1–5",
      "6–10",
      "6–10",
      "11–15",
      "11–15",
      "16–30",
      "16–30",
      "over 30",
      "unknown",
    ]);
  });

  it("lists every year group on roll in school order, the pupils without one last", () => {
    expect(figures.byYearGroup).toEqual([
      { yearGroup: "Year 7", pupils: 2, lates: 7 },
      { yearGroup: "Year 8", pupils: 1, lates: 0 },
      { yearGroup: "Year 10", pupils: 1, lates: 2 },
      { yearGroup: "No year group", pupils: 1, lates: 1 },
    ]);
  });
});

describe("frequent late arrivers", () => {
  it("are the pupils late at least 3 times by default, with their L, U, minutes and usual day", () => {
    expect(punctuality(MARKS, PUPILS).frequentLateArrivers).toEqual([
      // 3 of 4 lates on a Monday; the late with no minutes adds none.
      { pupilId: 1, L: 3, U: 1, total: 4, minutes: 57, usualWeekday: "Monday" },
      // Exactly at the threshold, on three different days.
      { pupilId: 2, L: 3, U: 0, total: 3, minutes: 32, usualWeekday: null },
    ]);
  });

  it("take in a pupil exactly at a lower threshold, and leave out one just under a higher", () => {
    const atTwo = punctuality(MARKS, PUPILS, 2).frequentLateArrivers;
    expect(atTwo.map((p) => p.pupilId)).toEqual([1, 2, 3]);
    expect(atTwo[2]).toEqual({
      pupilId: 3,
      L: 0,
      U: 2,
      total: 2,
      minutes: 76,
      usualWeekday: null,
    });
    expect(punctuality(MARKS, PUPILS, 4).frequentLateArrivers.map((p) => p.pupilId)).toEqual([1]);
  });

  it("come most lates first, then most minutes", () => {
    const arrivers = punctuality(
      [
        late(7, "2025-09-01", "L", 2),
        late(7, "2025-09-02", "L", 2),
        late(8, "2025-09-01", "L", 20),
        late(8, "2025-09-02", "L", 20),
        late(9, "2025-09-01", "L", 1),
        late(9, "2025-09-02", "L", 1),
        late(9, "2025-09-03", "L", 1),
      ],
      [],
      2,
    ).frequentLateArrivers;
    expect(arrivers.map((p) => [p.pupilId, p.total, p.minutes])).toEqual([
      [9, 3, 3],
      [8, 2, 40],
      [7, 2, 4],
    ]);
  });
});

describe("a pupil's usual day", () => {
  it("is the weekday of more than half their lates", () => {
    // Monday, Monday, Wednesday
    expect(usualWeekday(["2025-09-01", "2025-09-08", "2025-09-03"])).toBe("Monday");
    expect(usualWeekday(["2025-09-05"])).toBe("Friday");
  });

  it("is none when the most common day has half the lates or fewer", () => {
    // Monday, Monday, Tuesday, Tuesday: half on Mondays is not more than half.
    expect(usualWeekday(["2025-09-01", "2025-09-08", "2025-09-02", "2025-09-09"])).toBeNull();
    expect(usualWeekday(["2025-09-01", "2025-09-02", "2025-09-03"])).toBeNull();
    expect(usualWeekday([])).toBeNull();
  });
});

describe("a period with no lates", () => {
  it("gives zeros throughout, no median and no arrivers, and still lists the year groups", () => {
    const figures = punctuality([], PUPILS);
    expect(figures.lates).toEqual({ L: 0, U: 0, total: 0 });
    expect(figures.minutesLost).toBe(0);
    expect(figures.latesWithoutMinutes).toBe(0);
    expect(figures.medianMinutesLate).toBeNull();
    expect(figures.byWeekday.map((d) => d.lates)).toEqual([0, 0, 0, 0, 0]);
    expect(figures.byMinutes.map((b) => b.lates)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(figures.byYearGroup.map((y) => [y.yearGroup, y.pupils, y.lates])).toEqual([
      ["Year 7", 2, 0],
      ["Year 8", 1, 0],
      ["Year 10", 1, 0],
      ["No year group", 1, 0],
    ]);
    expect(figures.frequentLateArrivers).toEqual([]);
  });
});

describe("how many lates make a frequent late arriver", () => {
  const withTriggers = (...when: Condition[]): Policy => ({
    ...TRUST_POLICY,
    triggers: when.map((w, i) => ({
      id: `t${i}`,
      name: "t",
      when: w,
      actions: [],
      repeat: "once_per_term",
    })),
  });
  const lates = (codes: string[], atLeast: number): Condition => ({
    kind: "code_count",
    codes,
    atLeast,
    window: { period: "half_term" },
  });

  it("is the smallest count of late marks the school's policy acts on", () => {
    expect(lateThresholdOf(TRUST_POLICY)).toBe(3);
    expect(
      lateThresholdOf(
        withTriggers(lates(["U"], 2), {
          kind: "any",
          of: [{ kind: "not", condition: lates(["L"], 6) }, lates(["L", "U"], 5)],
        }),
      ),
    ).toBe(5);
  });

  it("falls back to three where the policy counts no L marks, or there is no policy", () => {
    expect(lateThresholdOf(withTriggers(lates(["U"], 5)))).toBe(3);
    expect(lateThresholdOf(undefined)).toBe(3);
  });
});
