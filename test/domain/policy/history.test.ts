import { describe, expect, it } from "vitest";
import { conditionSchema } from "../../../src/domain/policy/conditions/index.ts";
import type { PupilHistory } from "../../../src/domain/policy/history.ts";
import { notAParent } from "../../../src/domain/policy/parents.ts";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import { policyProblems } from "../../../src/domain/policy/validate.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor, only, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);
const trust = PRESETS.trust_policy;
if (!trust) throw new Error("the trust preset is missing");
const penaltySteps = only(trust, "stage_4_penalty_notice", "stage_4_prosecution");
// Ten sessions of G in the week of 8 December: the trust's threshold is met on the 12th.
const codes = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-12-08", 5, "G"));
const ids = (proposals: { triggerId: string }[]) => proposals.map((p) => p.triggerId);

const mum = (notices: PupilHistory["parents"][number]["notices"]) => ({
  personId: 1,
  name: "Ms A. Parent",
  notices,
});
const gran = (notices: PupilHistory["parents"][number]["notices"]) => ({
  personId: 2,
  name: "Mrs G. Parent",
  notices,
});
const withHistory = (parents: PupilHistory["parents"], events: PupilHistory["events"] = []) => ({
  history: { parents, events },
});

describe("penalty notices already issued, counted per parent", () => {
  it("proposes a first notice when no parent has had one", () => {
    expect(
      ids(evaluate(penaltySteps, index, "2025-12-12", codes, withHistory([mum([]), gran([])]))),
    ).toEqual(["stage_4_penalty_notice"]);
  });

  it("after two notices to every parent in three years proposes prosecution, never a third notice", () => {
    const two = [
      { issuedOn: "2023-06-01", withdrawn: false },
      { issuedOn: "2025-01-10", withdrawn: false },
    ];
    const [proposal, ...rest] = evaluate(
      penaltySteps,
      index,
      "2025-12-12",
      codes,
      withHistory([mum(two), gran(two)]),
    );
    expect(rest).toEqual([]);
    expect(proposal?.triggerId).toBe("stage_4_prosecution");
    expect(proposal?.actions).toEqual([{ type: "referral", to: "legal_intervention" }]);
    expect(proposal?.explanation).toContain("Ms A. Parent 2 (1 Jun 2023, 10 Jan 2025)");
  });

  it("still proposes a notice when one parent (the grandparent the child lives with) may receive one", () => {
    const two = [
      { issuedOn: "2024-06-01", withdrawn: false },
      { issuedOn: "2025-01-10", withdrawn: false },
    ];
    expect(
      ids(evaluate(penaltySteps, index, "2025-12-12", codes, withHistory([mum(two), gran([])]))),
    ).toEqual(["stage_4_penalty_notice"]);
  });

  it("never counts a withdrawn notice, nor one older than three years", () => {
    const notices = [
      { issuedOn: "2022-11-01", withdrawn: false },
      { issuedOn: "2025-01-10", withdrawn: true },
      { issuedOn: "2025-03-10", withdrawn: false },
    ];
    expect(
      ids(evaluate(penaltySteps, index, "2025-12-12", codes, withHistory([mum(notices)]))),
    ).toEqual(["stage_4_penalty_notice"]);
  });

  it("counts only paid notices when the condition says so", () => {
    const policy = {
      ...trust,
      triggers: [
        {
          id: "unpaid",
          name: "An unpaid notice: the LA considers prosecution",
          when: {
            kind: "penalty_notices" as const,
            atLeast: 1,
            withinYears: 1,
            count: "unpaid" as const,
          },
          actions: [{ type: "referral" as const, to: "legal_intervention" as const }],
          repeat: "once_per_year" as const,
        },
      ],
    };
    const paid = withHistory([mum([{ issuedOn: "2025-10-01", withdrawn: false, paid: true }])]);
    const unpaid = withHistory([mum([{ issuedOn: "2025-10-01", withdrawn: false, paid: false }])]);
    expect(ids(evaluate(policy, index, "2025-12-12", codes, paid))).toEqual([]);
    expect(ids(evaluate(policy, index, "2025-12-12", codes, unpaid))).toEqual(["unpaid"]);
  });
});

describe("steps already taken", () => {
  const letterOnce = {
    ...trust,
    triggers: [
      {
        id: "second_letter",
        name: "Letter 1 already sent this term and absence goes on",
        when: {
          kind: "all" as const,
          of: [
            {
              kind: "history" as const,
              event: "letter" as const,
              letter: "trust_letter_1",
              within: { period: "term" as const },
            },
            {
              kind: "not" as const,
              condition: {
                kind: "history" as const,
                event: "legal_intervention_referral" as const,
              },
            },
          ],
        },
        actions: [{ type: "letter" as const, letter: "trust_letter_2" }],
        repeat: "once_per_term" as const,
      },
    ],
  };

  it("fires on a letter sent this term, not on one sent last term or a different letter", () => {
    expect(policyProblems(letterOnce)).toEqual([]);
    const run = (events: PupilHistory["events"]) =>
      ids(evaluate(letterOnce, index, "2025-12-12", codes, withHistory([], events)));
    expect(run([{ kind: "letter", letter: "trust_letter_1", on: "2025-11-03" }])).toEqual([
      "second_letter",
    ]);
    expect(run([{ kind: "letter", letter: "trust_letter_1", on: "2025-06-03" }])).toEqual([]);
    expect(run([{ kind: "letter", letter: "trust_initial_warning", on: "2025-11-03" }])).toEqual(
      [],
    );
    expect(
      run([
        { kind: "letter", letter: "trust_letter_1", on: "2025-11-03" },
        { kind: "legal_intervention_referral", on: "2025-11-20" },
      ]),
    ).toEqual([]);
  });

  it("refuses a history condition naming a step that does not exist", () => {
    const parsed = conditionSchema.safeParse({ kind: "history", event: "prosecuted" });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("event");
  });
});

describe("who counts as a parent (Education Act 1996 s576)", () => {
  it("anyone with parental responsibility or day-to-day care; no one else", () => {
    const gran = { name: "Mrs G. Parent", parentalResponsibility: false, livesWithPupil: true };
    expect(notAParent(gran)).toBeNull();
    expect(notAParent({ ...gran, livesWithPupil: false })).toContain("s576");
  });
});

describe("leave refused and taken anyway", () => {
  const leave = only(trust, "leave_taken_anyway");
  const refused = (from: string, to: string) => ({
    history: {
      parents: [],
      events: [],
      refusedLeave: [{ from, fromSession: "AM" as const, to, toSession: "PM" as const }],
    },
  });

  it("proposes a penalty notice when the week the head refused is missed, whatever code the office used", () => {
    // The week of 8 December: G on every session, as the trust policy says.
    const [proposal] = evaluate(
      leave,
      index,
      "2025-12-12",
      codes,
      refused("2025-12-08", "2025-12-12"),
    );
    expect(proposal?.actions).toEqual([{ type: "consider_penalty_notice" }]);
    expect(proposal?.explanation).toContain("10 session(s) missed during leave the school refused");
    const asN = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-12-08", 5, "N"));
    expect(
      ids(evaluate(leave, index, "2025-12-12", asN, refused("2025-12-08", "2025-12-12"))),
    ).toEqual(["leave_taken_anyway"]);
  });

  it("does not fire when the pupil came to school, or the absence falls outside the refused dates", () => {
    expect(
      ids(evaluate(leave, index, "2025-12-12", codes, refused("2025-11-03", "2025-11-07"))),
    ).toEqual([]);
    const present = aPupilRegister(index, "2025-12-19", []);
    expect(
      ids(evaluate(leave, index, "2025-12-12", present, refused("2025-12-08", "2025-12-12"))),
    ).toEqual([]);
  });

  it("keeps the trust's leave rules as data: exceptional circumstances and the refusal letter", () => {
    expect(trust.leave?.refusalLetter).toBe("leave_refused");
    expect(trust.leave?.exceptionalCircumstances?.[0]).toMatch(/tour of duty/);
  });
});
