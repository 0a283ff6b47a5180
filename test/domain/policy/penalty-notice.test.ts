import { describe, expect, it } from "vitest";
import { penaltyNoticeTerms } from "../../../src/domain/policy/penalty-notices.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
} from "../../../src/domain/policy/presets/national.ts";
import type { Policy } from "../../../src/domain/policy/types.ts";
import { aCalendar, year2025 } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor } from "../../support/policy.ts";

const next = {
  ...year2025(),
  startYear: 2026,
  halfTerms: [
    { name: "Autumn 1", term: "Autumn" as const, start: "2026-09-01", end: "2026-10-23" },
    { name: "Autumn 2", term: "Autumn" as const, start: "2026-11-02", end: "2026-12-18" },
  ],
  closures: [],
};
const calendar = aCalendar(year2025(), next);
const index = indexFor(calendar);
const policy: Policy = {
  name: "national",
  target: 96,
  bands: [{ id: "all", name: "All", colour: "#000", min: 0 }],
  stages: [],
  triggers: [NATIONAL_PENALTY_NOTICE_TRIGGER],
};

describe("the 2024 national penalty-notice threshold: 10 unauthorised sessions in 10 school weeks", () => {
  it("is met by 10 sessions of G in one week", () => {
    const codes = aPupilRegister(index, "2025-10-10", [
      ["2025-10-06", "day", "G"],
      ["2025-10-07", "day", "G"],
      ["2025-10-08", "day", "G"],
      ["2025-10-09", "day", "G"],
      ["2025-10-10", "day", "G"],
    ]);
    const [proposal] = evaluate(policy, index, "2025-10-10", codes);
    expect(proposal?.actions).toEqual([{ type: "consider_penalty_notice" }]);
    expect(proposal?.evidence).toHaveLength(10);
    expect(proposal?.explanation).toContain(
      "10 sessions of G, N, O or U within the last 10 school weeks (6 Oct 2025 to 10 Oct 2025)",
    );
    expect(proposal?.explanation).toContain("G on 6 Oct 2025 AM, G on 6 Oct 2025 PM");
  });

  it("is met by 4 G and 6 U within 10 school weeks, in any mix", () => {
    const codes = aPupilRegister(index, "2025-11-21", [
      ["2025-09-22", "day", "G"],
      ["2025-09-23", "day", "G"],
      ["2025-10-01", "AM", "U"],
      ["2025-10-08", "AM", "U"],
      ["2025-10-15", "AM", "U"],
      ["2025-11-05", "AM", "U"],
      ["2025-11-12", "AM", "U"],
      ["2025-11-19", "AM", "U"],
    ]);
    expect(evaluate(policy, index, "2025-11-18", codes)).toEqual([]);
    const [proposal] = evaluate(policy, index, "2025-11-19", codes);
    expect(proposal?.evidence.map((m) => m.code).join("")).toBe("GGGGUUUUUU");
  });

  it("is met by 6 sessions in week 1 then one a week for four weeks", () => {
    const codes = aPupilRegister(index, "2025-10-10", [
      ["2025-09-08", "day", "O"],
      ["2025-09-09", "day", "O"],
      ["2025-09-10", "day", "O"],
      ["2025-09-17", "AM", "O"],
      ["2025-09-24", "AM", "O"],
      ["2025-10-01", "AM", "O"],
      ["2025-10-08", "AM", "O"],
    ]);
    expect(evaluate(policy, index, "2025-10-07", codes)).toEqual([]);
    expect(evaluate(policy, index, "2025-10-08", codes)).toHaveLength(1);
  });

  it("spans the summer holiday and a new school year, not counting holiday weeks", () => {
    // 2 sessions in the last week of the summer term, 8 in the first weeks of autumn: the six
    // holiday weeks between have no sessions, so these fall within 10 school weeks.
    const codes = aPupilRegister(index, "2026-09-30", [
      ["2026-06-30", "day", "O"],
      ["2026-09-14", "day", "G"],
      ["2026-09-15", "day", "G"],
      ["2026-09-16", "day", "G"],
      ["2026-09-17", "day", "G"],
    ]);
    // Eleven calendar weeks apart, but five school weeks: the summer holiday weeks have no sessions.
    expect(calendar.schoolWeekNumber("2026-09-17") - calendar.schoolWeekNumber("2026-06-30")).toBe(
      5,
    );
    const [proposal] = evaluate(policy, index, "2026-09-17", codes);
    expect(proposal?.explanation).toContain("(30 Jun 2026 to 17 Sep 2026)");
    expect(proposal?.evidence.map((m) => m.date.slice(0, 7))).toEqual([
      ...Array(2).fill("2026-06"),
      ...Array(8).fill("2026-09"),
    ]);
  });

  it("does not join sessions more than 10 school weeks apart", () => {
    const codes = aPupilRegister(index, "2025-12-19", [
      ["2025-09-08", "day", "O"],
      ["2025-12-15", "day", "G"],
      ["2025-12-16", "day", "G"],
      ["2025-12-17", "day", "G"],
      ["2025-12-18", "day", "G"],
    ]);
    expect(calendar.schoolWeekNumber("2025-12-18") - calendar.schoolWeekNumber("2025-09-08")).toBe(
      13,
    );
    expect(evaluate(policy, index, "2025-12-18", codes)).toEqual([]);
  });

  it("is not met by 9 sessions of G and O with any number of I, M and C", () => {
    const codes = aPupilRegister(index, "2025-10-31", [
      ["2025-10-06", "day", "G"],
      ["2025-10-07", "day", "G"],
      ["2025-10-08", "day", "O"],
      ["2025-10-09", "day", "O"],
      ["2025-10-10", "AM", "O"],
      ["2025-10-13", "day", "I"],
      ["2025-10-14", "day", "M"],
      ["2025-10-15", "day", "C"],
      ["2025-10-16", "day", "I"],
    ]);
    expect(evaluate(policy, index, "2025-10-31", codes)).toEqual([]);
  });

  it("does not propose the same breach twice, but proposes a new one after it", () => {
    const breach: [string, "day", string][] = [
      "2025-10-06",
      "2025-10-07",
      "2025-10-08",
      "2025-10-09",
      "2025-10-10",
    ].map((d) => [d, "day", "G"]);
    const codes = aPupilRegister(index, "2025-12-12", breach);
    const [first] = evaluate(policy, index, "2025-10-10", codes);
    const previous = [
      {
        triggerId: first?.triggerId as string,
        dedupeKey: first?.dedupeKey as string,
        evidenceEnd: "2025-10-10",
      },
    ];
    expect(evaluate(policy, index, "2025-10-10", codes, {}, previous)).toEqual([]);
    expect(evaluate(policy, index, "2025-10-24", codes, {}, previous)).toEqual([]);
    const again = aPupilRegister(index, "2025-12-12", [
      ...breach,
      ...["2025-11-10", "2025-11-11", "2025-11-12", "2025-11-13", "2025-11-14"].map(
        (d) => [d, "day", "O"] as [string, "day", string],
      ),
    ]);
    const [second] = evaluate(policy, index, "2025-11-14", again, {}, previous);
    expect(second?.evidence[0]?.date).toBe("2025-11-10");
    expect(second?.dedupeKey).not.toBe(first?.dedupeKey);
  });

  it("routes a pupil with a medical condition to a person", () => {
    const codes = aPupilRegister(
      index,
      "2025-10-10",
      ["2025-10-06", "2025-10-07", "2025-10-08", "2025-10-09", "2025-10-10"].map(
        (d) => [d, "day", "O"] as [string, "day", string],
      ),
    );
    const [proposal] = evaluate(policy, index, "2025-10-10", codes, {
      flags: { medical_condition: true },
    });
    expect(proposal?.manualReview).toBe(true);
    expect(proposal?.explanation).toContain(
      "For a person to decide, not automatic: the pupil has a medical condition",
    );
  });
});

describe("penalty-notice terms", () => {
  it("charges £80 within 21 days or £160 within 28 for a first notice", () => {
    expect(penaltyNoticeTerms(NATIONAL_PENALTY_NOTICE_RULES, [], "2025-10-10")).toEqual({
      allowed: true,
      ordinal: 1,
      reducedAmount: 8000,
      reducedWithinDays: 21,
      fullAmount: 16000,
      fullWithinDays: 28,
    });
  });

  it("charges a flat £160 for a second notice within 3 years, and allows no third", () => {
    const one = [{ issuedOn: "2024-11-01", withdrawn: false }];
    expect(penaltyNoticeTerms(NATIONAL_PENALTY_NOTICE_RULES, one, "2025-10-10")).toEqual({
      allowed: true,
      ordinal: 2,
      amount: 16000,
      withinDays: 28,
    });
    const two = [...one, { issuedOn: "2025-10-10", withdrawn: false }];
    const third = penaltyNoticeTerms(NATIONAL_PENALTY_NOTICE_RULES, two, "2026-05-01");
    expect(third.allowed).toBe(false);
    expect(third.allowed === false && third.reason).toContain("consider prosecution");
  });

  it("does not count withdrawn notices or those over 3 years old", () => {
    const old = [
      { issuedOn: "2021-09-01", withdrawn: false },
      { issuedOn: "2024-01-10", withdrawn: true },
    ];
    expect(penaltyNoticeTerms(NATIONAL_PENALTY_NOTICE_RULES, old, "2025-10-10")).toMatchObject({
      ordinal: 1,
    });
  });
});
