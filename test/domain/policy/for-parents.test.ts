import { describe, expect, it } from "vitest";
import { DEFAULT_LETTERS } from "../../../src/domain/letters/templates.ts";
import type { Condition } from "../../../src/domain/policy/conditions/index.ts";
import { policyForParents } from "../../../src/domain/policy/for-parents.ts";
import { conditionInWords, namesIn } from "../../../src/domain/policy/in-words.ts";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import type { Policy } from "../../../src/domain/policy/types.ts";

const school = {
  name: "Northfield Academy",
  address: "1 School Lane, Northfield, NF1 2AB",
  contact: "Mrs J Patel, Attendance Officer",
  registerTimes: { amOpens: "08:40", amCloses: "09:10", pmOpens: "13:15", pmCloses: "13:45" },
};
const stored = { version: 3, inForceSince: "2026-09-01" };
const title = (id: string) => DEFAULT_LETTERS.get(id)?.title ?? "a letter";
const page = (policy: Policy) => policyForParents(policy, school, stored, title);
const text = (policy: Policy) =>
  page(policy)
    .sections.flatMap((s) => [s.heading, ...s.paragraphs, ...s.items])
    .join("\n");

describe("the policy page for families", () => {
  it.each(Object.entries(PRESETS))("%s: every trigger is a step families can read", (_, policy) => {
    const steps = page(policy).sections.flatMap((s) => s.items);
    // Each trigger reads as one "When …, …" step, in its stage or before any: none left out.
    expect(steps.filter((s) => s.startsWith("When ")).length).toBe(policy.triggers.length);
    const all = text(policy);
    expect(all).not.toMatch(/undefined|\[object|NaN/);
    expect(page(policy).bands.map((b) => b.name)).toEqual(policy.bands.map((b) => b.name));
  });

  it("says what the trust policy does, with its own numbers and letters", () => {
    const trust = PRESETS.trust_policy as Policy;
    const all = text(trust);
    expect(all).toContain("The morning register opens at 08:40 and closes at 09:10");
    expect(all).toContain(`We expect every child to attend at least ${trust.target}%`);
    expect(all).toContain("When your child's attendance this school year so far is below 90%");
    expect(all).toContain("we call you before 09:30");
    // The national penalty-notice terms, in pounds.
    expect(all).toContain("£80 if paid within 21 days, rising to £160 if paid within 28 days");
    expect(all).toContain("No parent receives more than 2 notices for the same child in 3 years");
  });

  it("changes when the policy does", () => {
    const trust = structuredClone(PRESETS.trust_policy as Policy);
    trust.target = 97.5;
    trust.followUp = { ...trust.followUp, callBefore: "10:15", homeVisitOnDays: [3] };
    const all = text(trust);
    expect(all).toContain("at least 97.5%");
    expect(all).toContain("we call you before 10:15");
    expect(all).toContain("we visit your home on day 3 of the absence");
  });

  it("names the stages, their reviews and what the pupil is while in them", () => {
    const contract = PRESETS.la_contract_process as Policy;
    const headings = page(contract).sections.map((s) => s.heading);
    for (const stage of contract.stages.filter((s) =>
      contract.triggers.some((t) => t.inStage === s.id),
    ))
      expect(headings).toContain(stage.name);
  });

  it("explains the register codes the steps name", () => {
    const codes = page(PRESETS.trust_policy as Policy).codes.map((c) => c.symbol);
    expect(codes).toEqual(expect.arrayContaining(["G", "N", "O", "U"]));
  });

  it("leaves out penalty notices and the notice to improve when the policy has neither", () => {
    const plain: Policy = {
      name: "Support only",
      target: 96,
      bands: [{ id: "all", name: "All", colour: "#2e7d32", min: 0 }],
      stages: [],
      triggers: [
        {
          id: "praise",
          name: "Praise",
          when: { kind: "attendance", atOrAbove: 100, period: "term" },
          actions: [{ type: "praise" }],
          repeat: "once_per_term",
        },
      ],
    };
    const headings = page(plain).sections.map((s) => s.heading);
    expect(headings).not.toContain("Penalty notices");
    expect(headings).not.toContain("Notice to improve");
    expect(text(plain)).toContain(
      "When your child's attendance this term is 100% or higher, we recognise and praise your child's attendance.",
    );
  });
});

describe("conditions in a family's words", () => {
  const names = namesIn(PRESETS.trust_policy as Policy, title);
  const cases: [Condition, string][] = [
    [
      {
        kind: "code_count",
        codes: ["N", "O"],
        atLeast: 10,
        window: { unit: "school_weeks", length: 10 },
      },
      "10 or more sessions are recorded with codes N or O in the last 10 school weeks",
    ],
    [
      { kind: "absence_days", codes: ["O"], atLeast: 5, mode: "consecutive" },
      "your child is absent (code O) for 5 school days in a row this school year so far",
    ],
    [
      { kind: "penalty_notices", atLeast: 2, withinYears: 3 },
      "a parent has already had 2 or more penalty notices for this child in the last 3 years",
    ],
    [
      { kind: "history", event: "notice_to_improve", within: { years: 1 } },
      "a notice to improve has been issued in the last year",
    ],
    [{ kind: "flag", flag: "looked_after" }, "your child is looked after by the local authority"],
    [
      {
        kind: "all",
        of: [
          { kind: "attendance", below: 90, period: "term" },
          { kind: "not", condition: { kind: "flag", flag: "medical_condition" } },
        ],
      },
      "your child's attendance this term is below 90% and it is not the case that your child has a medical condition",
    ],
    [
      { kind: "refused_leave_taken", atLeast: 10 },
      "your child has missed 10 or more sessions for leave in term time that the school refused",
    ],
  ];
  it.each(cases)("%j", (condition, words) => {
    expect(conditionInWords(condition, names)).toBe(words);
  });
});
