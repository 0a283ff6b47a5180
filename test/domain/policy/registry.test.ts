import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/app/policy/policy-schema.ts";
import { ABSENCE_SYMBOLS, CODES, UNAUTHORISED_SYMBOLS } from "../../../src/domain/codes.ts";
import { isRollbookError } from "../../../src/domain/errors.ts";
import { conditionKinds, conditionSchema } from "../../../src/domain/policy/conditions/index.ts";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import { policyProblems } from "../../../src/domain/policy/validate.ts";

/** One condition of each kind, as a school would write it, with every field the kind has. */
const EXAMPLES = [
  {
    kind: "attendance",
    below: 90,
    atOrBelow: 90,
    atOrAbove: 50,
    period: "year_to_date",
    minimumSessions: 30,
  },
  { kind: "band", in: ["red"], period: "term", minimumSessions: 30 },
  { kind: "code_count", codes: ["G"], atLeast: 10, window: { unit: "school_weeks", length: 10 } },
  { kind: "absence_days", codes: ["N"], atLeast: 10, mode: "consecutive", period: "term" },
  { kind: "weekday_pattern", codes: ["I"], atLeast: 4, period: "term" },
  { kind: "spells", codes: ["I"], atLeast: 3, period: "term" },
  { kind: "improvement", expect: "improved", minimumPoints: 2, shareOfGap: 0.25 },
  { kind: "band_change", direction: "worse", period: "term" },
  { kind: "review_due" },
  { kind: "flag", flag: "fsm" },
  { kind: "penalty_notices", atLeast: 2, withinYears: 3, parent: "every", count: "issued" },
  { kind: "history", event: "letter", letter: "trust_letter_1", atLeast: 1, within: { years: 1 } },
  { kind: "refused_leave_taken", atLeast: 10 },
  {
    kind: "in_stage",
    stage: "stage_1",
    status: "On an attendance plan",
    forAtLeast: { length: 6, unit: "school_weeks" },
  },
  { kind: "all", of: [{ kind: "review_due" }] },
  { kind: "any", of: [{ kind: "review_due" }] },
  { kind: "not", condition: { kind: "review_due" } },
];

describe("the condition registry", () => {
  it("describes every kind the schema accepts, and only those", () => {
    for (const example of EXAMPLES) expect(conditionSchema.safeParse(example).success).toBe(true);
    expect(conditionKinds().map((k) => k.kind)).toEqual(EXAMPLES.map((e) => e.kind));
    expect(conditionSchema.safeParse({ kind: "moon_phase" }).success).toBe(false);
  });

  it("describes each kind in words, field by field, every field it has and no other", () => {
    for (const kind of conditionKinds()) {
      expect(kind.summary, kind.kind).toMatch(/^[A-Z].+\.$/);
      const example = EXAMPLES.find((e) => e.kind === kind.kind);
      const parsed = conditionSchema.parse(example) as Record<string, unknown>;
      const described = new Set(kind.fields.map((f) => f.path.split(".")[0]));
      expect([...described].sort(), kind.kind).toEqual(
        Object.keys(parsed)
          .filter((key) => key !== "kind")
          .sort(),
      );
      for (const field of kind.fields) {
        expect(field.label, `${kind.kind}.${field.path}`).not.toBe("");
        expect(field.meaning, `${kind.kind}.${field.path}`).not.toBe("");
      }
      for (const place of kind.title.matchAll(/\{(\w+)\}/g))
        expect([...described], `${kind.kind} title`).toContain(place[1]);
    }
  });

  it("offers the thresholds a school tunes as adjustable numbers", () => {
    const adjustable = conditionKinds().flatMap((k) =>
      k.fields.filter((f) => f.adjustable).map((f) => `${k.kind}.${f.path}`),
    );
    expect(adjustable).toEqual([
      "attendance.below",
      "attendance.atOrBelow",
      "attendance.atOrAbove",
      "attendance.minimumSessions",
      "band.minimumSessions",
      "code_count.atLeast",
      "code_count.window.length",
      "absence_days.atLeast",
      "weekday_pattern.atLeast",
      "spells.atLeast",
      "improvement.minimumPoints",
      "improvement.shareOfGap",
      "penalty_notices.atLeast",
      "penalty_notices.withinYears",
      "history.atLeast",
      "refused_leave_taken.atLeast",
      "in_stage.forAtLeast.length",
    ]);
  });
});

describe("code sets from the code registry", () => {
  it("counts as absence every authorised and unauthorised code, of both Regulations", () => {
    expect(ABSENCE_SYMBOLS).toEqual([
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
      "H",
      "F",
    ]);
    expect(UNAUTHORISED_SYMBOLS).toEqual(["G", "N", "O", "U"]);
    for (const symbol of ABSENCE_SYMBOLS)
      expect(CODES.some((c) => c.symbol === symbol && c.category !== "present")).toBe(true);
  });
});

describe("the notice-to-improve stage", () => {
  const contract = PRESETS.la_contract_process;
  if (!contract) throw new Error("the LA contract process preset is missing");

  it("is declared by every preset that has such a stage", () => {
    for (const [name, policy] of Object.entries(PRESETS)) {
      const declared = policy.casework?.noticeToImproveStage;
      const stage = policy.stages.find((s) => /notice to improve/i.test(s.name));
      expect(declared, name).toBe(stage?.id);
    }
  });

  it("must name a stage of the policy", () => {
    const broken = { ...contract, casework: { noticeToImproveStage: "last_chance" } };
    expect(policyProblems(broken)).toEqual([
      'casework.noticeToImproveStage: there is no stage "last_chance"',
    ]);
    try {
      parsePolicy(broken);
      expect.fail("a policy naming a missing stage was accepted");
    } catch (error) {
      expect(isRollbookError(error) && error.details.problems).toEqual([
        'casework.noticeToImproveStage: there is no stage "last_chance"',
      ]);
    }
  });

  it("is an id, as stage ids are", () => {
    const wrongShape = { ...contract, casework: { noticeToImproveStage: "Notice to improve" } };
    expect(() => parsePolicy(wrongShape)).toThrow(
      "casework.noticeToImproveStage: must be lower-case letters, digits and underscores",
    );
  });
});
