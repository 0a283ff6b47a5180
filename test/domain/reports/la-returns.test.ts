import { describe, expect, it } from "vitest";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import type { Policy } from "../../../src/domain/policy/types.ts";
import {
  absenceRuns,
  continuousAbsenceRule,
  illnessFinding,
  illnessRule,
} from "../../../src/domain/reports/la-returns.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, indexFor, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);
const trust = PRESETS.trust_policy as Policy;

describe("thresholds of the returns", () => {
  it("come from the policy's referral triggers when it has them", () => {
    expect(continuousAbsenceRule(trust)).toMatchObject({
      days: 10,
      codes: ["G", "N", "O"],
      source: "policy",
    });
    expect(illnessRule(trust)).toMatchObject({
      consecutiveDays: 15,
      cumulativeDays: 15,
      source: "policy",
    });
    const stricter: Policy = {
      ...trust,
      triggers: trust.triggers.map((t) =>
        t.id === "children_missing_education"
          ? {
              ...t,
              when: { kind: "absence_days", codes: ["N", "O"], atLeast: 5, mode: "consecutive" },
            }
          : t,
      ),
    };
    expect(continuousAbsenceRule(stricter)).toMatchObject({ days: 5, codes: ["N", "O"] });
  });

  it("fall back to 10 and 15 school days, saying so, without a policy or trigger", () => {
    const rule = continuousAbsenceRule(undefined);
    expect(rule).toMatchObject({ days: 10, source: "default", trigger: null });
    expect(rule.statement).toContain("statutory default of 10 school days");
    const none: Policy = { ...trust, triggers: [] };
    expect(illnessRule(none)).toMatchObject({
      consecutiveDays: 15,
      cumulativeDays: 15,
      source: "default",
    });
    expect(illnessRule(none).statement).toContain("default of 15 school days");
  });
});

describe("continuous absence return", () => {
  const rule = { codes: ["G", "N", "O"], days: 10 };

  it("finds every run of 10 school days or more, across a weekend, with its dates and marks", () => {
    const codes = aPupilRegister(index, "2025-12-19", [
      ...schoolDaysOf(calendar, "2025-09-08", 10, "O"),
      ...schoolDaysOf(calendar, "2025-11-03", 12, "N"),
    ]);
    const runs = absenceRuns({ index, codes, asOf: "2025-12-19", policy: trust }, rule);
    expect(runs.map((r) => [r.from, r.to, r.days, r.ongoing])).toEqual([
      ["2025-09-08", "2025-09-19", 10, false],
      ["2025-11-03", "2025-11-18", 12, false],
    ]);
    expect(runs[0]?.evidence).toHaveLength(20);
    expect(runs[0]?.explanation).toContain("10 school days in a row");
  });

  it("ignores 9 days, and a run broken by one present session", () => {
    const nine = aPupilRegister(index, "2025-10-24", schoolDaysOf(calendar, "2025-09-08", 9, "O"));
    expect(absenceRuns({ index, codes: nine, asOf: "2025-10-24", policy: trust }, rule)).toEqual(
      [],
    );
    const broken = aPupilRegister(index, "2025-10-24", [
      ...schoolDaysOf(calendar, "2025-09-08", 12, "N"),
      ["2025-09-12", "PM", "/"],
    ]);
    expect(absenceRuns({ index, codes: broken, asOf: "2025-10-24", policy: trust }, rule)).toEqual(
      [],
    );
  });

  it("marks a run still going on the report's date", () => {
    const codes = aPupilRegister(
      index,
      "2025-09-19",
      schoolDaysOf(calendar, "2025-09-04", 12, "N"),
    );
    const [run] = absenceRuns({ index, codes, asOf: "2025-09-19", policy: undefined }, rule);
    expect(run).toMatchObject({ from: "2025-09-04", to: "2025-09-19", days: 12, ongoing: true });
  });
});

describe("illness return", () => {
  const rule = illnessRule(undefined);

  it("reports 15 days of illness in a row", () => {
    const codes = aPupilRegister(
      index,
      "2025-10-24",
      schoolDaysOf(calendar, "2025-09-08", 15, "I"),
    );
    const finding = illnessFinding({ index, codes, asOf: "2025-10-24", policy: undefined }, rule);
    expect(finding?.days).toBe(15);
    expect(finding?.runs.map((r) => [r.from, r.to, r.days])).toEqual([
      ["2025-09-08", "2025-09-26", 15],
    ]);
    expect(finding?.cumulative).toMatchObject({ met: true, reachedOn: "2025-09-26" });
  });

  it("reports 15 days in all from separate spells (cumulative), with no run long enough", () => {
    const codes = aPupilRegister(index, "2025-12-19", [
      ...schoolDaysOf(calendar, "2025-09-08", 5, "I"),
      ...schoolDaysOf(calendar, "2025-10-06", 5, "I"),
      ...schoolDaysOf(calendar, "2025-11-10", 4, "I"),
      ["2025-12-01", "AM", "I"],
      ["2025-12-02", "PM", "I"],
    ]);
    const finding = illnessFinding({ index, codes, asOf: "2025-12-19", policy: undefined }, rule);
    expect(finding?.days).toBe(15);
    expect(finding?.runs).toEqual([]);
    expect(finding?.cumulative).toMatchObject({ met: true, reachedOn: "2025-12-02" });
    expect(finding?.evidence).toHaveLength(30);
    expect([finding?.firstDate, finding?.lastDate]).toEqual(["2025-09-08", "2025-12-02"]);
  });

  it("reports nobody at 14.5 days, and only runs when the policy counts only runs", () => {
    const codes = aPupilRegister(index, "2025-12-19", [
      ...schoolDaysOf(calendar, "2025-09-08", 14, "I"),
      ["2025-12-01", "AM", "I"],
    ]);
    expect(
      illnessFinding({ index, codes, asOf: "2025-12-19", policy: undefined }, rule),
    ).toBeNull();
    const cumulativeOnly = aPupilRegister(index, "2025-12-19", [
      ...schoolDaysOf(calendar, "2025-09-08", 8, "I"),
      ...schoolDaysOf(calendar, "2025-11-03", 8, "I"),
    ]);
    const runsOnly = { ...rule, cumulativeDays: null };
    const asked = { index, codes: cumulativeOnly, asOf: "2025-12-19", policy: undefined };
    expect(illnessFinding(asked, rule)?.days).toBe(16);
    expect(illnessFinding(asked, runsOnly)).toBeNull();
  });
});
