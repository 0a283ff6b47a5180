import { describe, expect, it } from "vitest";
import type { Policy, Trigger } from "../../../src/domain/policy/types.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);

function policyWith(
  trigger: Omit<Trigger, "id" | "name" | "actions" | "repeat"> & Partial<Trigger>,
): Policy {
  return {
    name: "test",
    target: 97,
    bands: [
      { id: "green", name: "Green", colour: "#0a0", min: 97 },
      { id: "amber", name: "Amber", colour: "#fa0", min: 90 },
      { id: "red", name: "Red", colour: "#a00", min: 0 },
    ],
    stages: [
      {
        id: "support",
        name: "Support",
        order: 1,
        review: { weeks: 4, extendWeeksPerDayAbsent: 1 },
      },
    ],
    triggers: [
      {
        id: "t",
        name: "Test rule",
        actions: [{ type: "letter", letter: "x" }],
        repeat: "each_new_breach",
        ...trigger,
      },
    ],
  };
}

describe("attendance threshold conditions", () => {
  it("compare attendance over a period exactly, at the boundary", () => {
    // 20 sessions to 2025-09-16, 2 absent: exactly 90%.
    const codes = aPupilRegister(index, "2025-09-16", [["2025-09-03", "day", "I"]]);
    const below = policyWith({ when: { kind: "attendance", below: 90, period: "year_to_date" } });
    const atOrBelow = policyWith({
      when: { kind: "attendance", atOrBelow: 90, period: "year_to_date" },
    });
    expect(evaluate(below, index, "2025-09-16", codes)).toEqual([]);
    const [proposal] = evaluate(atOrBelow, index, "2025-09-16", codes);
    expect(proposal?.explanation).toBe(
      "Test rule: attendance this year to date is 90.0% (18 of 20 sessions), at or below 90%.",
    );
  });

  it("wait for enough possible sessions before judging", () => {
    const codes = aPupilRegister(index, "2025-09-10", [["2025-09-03", "day", "I"]]);
    const policy = policyWith({
      when: { kind: "attendance", below: 90, period: "year_to_date", minimumSessions: 30 },
      repeat: "once_per_year",
    });
    expect(evaluate(policy, index, "2025-09-10", codes)).toEqual([]); // 12 sessions, 83%: too early to say
    expect(
      evaluate(
        policy,
        index,
        "2025-09-16",
        aPupilRegister(index, "2025-09-16", schoolDaysOf(calendar, "2025-09-03", 3, "I")),
      ),
    ).toHaveLength(0);
    const later = aPupilRegister(index, "2025-09-30", schoolDaysOf(calendar, "2025-09-03", 3, "I"));
    expect(evaluate(policy, index, "2025-09-30", later)[0]?.explanation).toContain(
      "85.0% (34 of 40 sessions)",
    );
  });

  it("use the half term, the term or the time since the stage began", () => {
    const codes = aPupilRegister(index, "2025-11-14", schoolDaysOf(calendar, "2025-11-03", 2, "O"));
    const halfTerm = policyWith({ when: { kind: "attendance", below: 85, period: "half_term" } });
    const year = policyWith({ when: { kind: "attendance", below: 85, period: "year_to_date" } });
    expect(evaluate(halfTerm, index, "2025-11-14", codes)[0]?.explanation).toContain(
      "attendance this half term is 80.0% (16 of 20 sessions)",
    );
    expect(evaluate(year, index, "2025-11-14", codes)).toEqual([]);
    const sinceStage = policyWith({
      when: { kind: "attendance", below: 60, period: "since_stage_start" },
    });
    const context = {
      stage: {
        id: "support",
        startedOn: "2025-11-03",
        baseline: { numerator: 90, denominator: 100 },
        reviewDue: null,
      },
    };
    expect(evaluate(sinceStage, index, "2025-11-04", codes, context)[0]?.explanation).toContain(
      "since 3 Nov 2025 is 0.0% (0 of 4 sessions)",
    );
  });

  it("place a pupil in a band", () => {
    const codes = aPupilRegister(index, "2025-09-30", schoolDaysOf(calendar, "2025-09-03", 3, "I"));
    const red = policyWith({ when: { kind: "band", in: ["red"] }, repeat: "once_per_term" });
    expect(evaluate(red, index, "2025-09-30", codes)[0]?.explanation).toContain(
      "attendance this year to date is 85.0% (34 of 40 sessions): Red",
    );
  });
});

describe("code counts", () => {
  it("count L in the current half term only", () => {
    const codes = aPupilRegister(index, "2025-11-20", [
      ["2025-10-20", "AM", "L"],
      ["2025-11-04", "AM", "L"],
      ["2025-11-11", "AM", "L"],
      ["2025-11-18", "AM", "L"],
    ]);
    const policy = policyWith({
      when: { kind: "code_count", codes: ["L"], atLeast: 3, window: { period: "half_term" } },
      repeat: "once_per_half_term",
    });
    const [proposal] = evaluate(policy, index, "2025-11-20", codes);
    expect(proposal?.evidence.map((m) => m.date)).toEqual([
      "2025-11-04",
      "2025-11-11",
      "2025-11-18",
    ]);
    expect(proposal?.dedupeKey).toBe("t@half_term:2025-11-03");
    expect(
      evaluate(policy, index, "2025-11-20", codes, {}, [
        { triggerId: "t", dedupeKey: "t@half_term:2025-11-03", evidenceEnd: null },
      ]),
    ).toEqual([]);
  });

  it("count in a window of school days", () => {
    const codes = aPupilRegister(index, "2025-09-30", [
      ["2025-09-22", "AM", "N"],
      ["2025-09-29", "AM", "N"],
    ]);
    const policy = policyWith({
      when: {
        kind: "code_count",
        codes: ["N"],
        atLeast: 2,
        window: { unit: "school_days", length: 5 },
      },
    });
    expect(evaluate(policy, index, "2025-09-30", codes)).toEqual([]);
    const wider = policyWith({
      when: {
        kind: "code_count",
        codes: ["N"],
        atLeast: 2,
        window: { unit: "school_days", length: 7 },
      },
    });
    expect(evaluate(wider, index, "2025-09-30", codes)).toHaveLength(1);
  });
});

describe("absence in days", () => {
  it("finds 10 school days of continuous unauthorised absence across a weekend", () => {
    const codes = aPupilRegister(
      index,
      "2025-10-24",
      schoolDaysOf(calendar, "2025-10-06", 10, "O"),
    );
    const policy = policyWith({
      when: { kind: "absence_days", codes: ["G", "N", "O"], atLeast: 10, mode: "consecutive" },
    });
    expect(evaluate(policy, index, "2025-10-16", codes)).toEqual([]);
    const [proposal] = evaluate(policy, index, "2025-10-17", codes);
    expect(proposal?.explanation).toContain(
      "absent (G, N or O) for 10 school days in a row, from 6 Oct 2025 to 17 Oct 2025",
    );
  });

  it("does not count a day half present as a day absent in a run", () => {
    const absent: [string, "AM" | "PM" | "day", string][] = schoolDaysOf(
      calendar,
      "2025-10-06",
      10,
      "O",
    );
    absent[4] = ["2025-10-10", "AM", "O"];
    const codes = aPupilRegister(index, "2025-10-24", absent);
    const policy = policyWith({
      when: { kind: "absence_days", codes: ["O"], atLeast: 10, mode: "consecutive" },
    });
    expect(evaluate(policy, index, "2025-10-24", codes)).toEqual([]);
  });

  it("adds up 15 days of illness, however spread", () => {
    const spread = [
      ...schoolDaysOf(calendar, "2025-09-08", 5, "I"),
      ...schoolDaysOf(calendar, "2025-11-10", 5, "I"),
      ...schoolDaysOf(calendar, "2026-01-12", 4, "I"),
      ["2026-01-19", "AM", "I"],
      ["2026-01-20", "PM", "I"],
    ] as [string, "day" | "AM" | "PM", string][];
    const codes = aPupilRegister(index, "2026-01-30", spread);
    const policy = policyWith({
      when: { kind: "absence_days", codes: ["I"], atLeast: 15, mode: "cumulative" },
    });
    expect(evaluate(policy, index, "2026-01-19", codes)).toEqual([]);
    expect(evaluate(policy, index, "2026-01-20", codes)[0]?.explanation).toContain(
      "15 day(s) of I this year to date in all",
    );
  });
});

describe("patterns", () => {
  it("spots repeated absence on the same weekday", () => {
    const mondays: [string, "day", string][] = ["2025-09-08", "2025-09-15", "2025-09-29"].map(
      (d) => [d, "day", "I"],
    );
    const codes = aPupilRegister(index, "2025-10-03", [...mondays, ["2025-09-17", "AM", "M"]]);
    const policy = policyWith({
      when: { kind: "weekday_pattern", atLeast: 3, period: "half_term" },
      repeat: "once_per_half_term",
    });
    expect(evaluate(policy, index, "2025-10-03", codes)[0]?.explanation).toContain(
      "absent on 3 Mondays this half term: 8 Sep 2025, 15 Sep 2025, 29 Sep 2025",
    );
  });

  it("counts separate spells of absence, a weekend not breaking a spell", () => {
    const codes = aPupilRegister(index, "2025-10-24", [
      ["2025-09-12", "day", "I"],
      ["2025-09-15", "day", "I"],
      ["2025-09-24", "PM", "O"],
      ["2025-10-07", "AM", "M"],
    ]);
    const policy = policyWith({
      when: { kind: "spells", atLeast: 3, period: "half_term" },
      repeat: "once_per_half_term",
    });
    expect(evaluate(policy, index, "2025-10-24", codes)[0]?.explanation).toContain(
      "3 separate spells of absence this half term, starting 12 Sep 2025 AM, 24 Sep 2025 PM, 7 Oct 2025 AM",
    );
  });
});

describe("stage conditions", () => {
  const start = {
    id: "support",
    startedOn: "2025-10-06",
    baseline: { numerator: 80, denominator: 100 },
    reviewDue: null,
  };

  it("sets the review 4 weeks on, a week later per day of further absence", () => {
    const policy = policyWith({
      when: { kind: "review_due" },
      inStage: "support",
      repeat: "once_per_stage",
    });
    const none = aPupilRegister(index, "2025-11-14", []);
    expect(evaluate(policy, index, "2025-11-02", none, { stage: start })).toEqual([]);
    expect(evaluate(policy, index, "2025-11-03", none, { stage: start })[0]?.explanation).toBe(
      "Test rule: the review was due on 3 Nov 2025.",
    );
    const twoDays = aPupilRegister(index, "2025-11-21", [
      ["2025-10-08", "day", "I"],
      ["2025-10-15", "day", "O"],
    ]);
    expect(evaluate(policy, index, "2025-11-14", twoDays, { stage: start })).toEqual([]);
    expect(evaluate(policy, index, "2025-11-17", twoDays, { stage: start })).toHaveLength(1);
  });

  it("judges improvement against the attendance when the stage began", () => {
    const improved = policyWith({
      when: { kind: "improvement", expect: "improved", minimumPoints: 2 },
      inStage: "support",
      repeat: "once_per_stage",
    });
    const notImproved = policyWith({
      when: { kind: "improvement", expect: "not_improved", minimumPoints: 2 },
      inStage: "support",
      repeat: "once_per_stage",
    });
    // 87% since the stage began against 80% at the start: improved, even though still below 90%.
    const codes = aPupilRegister(index, "2025-10-31", [
      ["2025-10-06", "day", "I"],
      ["2025-10-07", "AM", "O"],
    ]);
    expect(
      evaluate(improved, index, "2025-10-17", codes, { stage: start })[0]?.explanation,
    ).toContain("85.0% against 80.0% when the stage began: improved");
    expect(evaluate(notImproved, index, "2025-10-17", codes, { stage: start })).toEqual([]);
  });

  it("compares bands with the last review and applies only inside the right stage", () => {
    const better = policyWith({
      when: { kind: "band_change", direction: "better" },
      inStage: "support",
      repeat: "once_per_stage",
    });
    const codes = aPupilRegister(index, "2025-10-31", []);
    expect(evaluate(better, index, "2025-10-31", codes)).toEqual([]);
    const [proposal] = evaluate(better, index, "2025-10-31", codes, { stage: start });
    expect(proposal?.explanation).toContain("Green, better than Red at the review on 6 Oct 2025");
  });
});

describe("combinations and flags", () => {
  it("needs every part of all, any part of any, and the opposite of not", () => {
    const codes = aPupilRegister(index, "2025-09-30", schoolDaysOf(calendar, "2025-09-03", 3, "O"));
    const all = policyWith({
      when: {
        kind: "all",
        of: [
          { kind: "attendance", below: 90, period: "year_to_date" },
          { kind: "flag", flag: "fsm" },
        ],
      },
      repeat: "once_per_year",
    });
    expect(evaluate(all, index, "2025-09-30", codes)).toEqual([]);
    expect(
      evaluate(all, index, "2025-09-30", codes, { flags: { fsm: true } })[0]?.explanation,
    ).toContain("; and the pupil has the fsm flag");
    const not = policyWith({
      when: { kind: "not", condition: { kind: "flag", flag: "fsm" } },
      repeat: "once_per_year",
    });
    expect(evaluate(not, index, "2025-09-30", codes)).toHaveLength(1);
  });
});
