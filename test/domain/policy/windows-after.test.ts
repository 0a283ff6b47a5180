import { describe, expect, it } from "vitest";
import type { Condition } from "../../../src/domain/policy/conditions/index.ts";
import type { HistoryEvent } from "../../../src/domain/policy/history.ts";
import { conditionInWords, namesIn } from "../../../src/domain/policy/in-words.ts";
import { policyDocumentSchema } from "../../../src/domain/policy/schema.ts";
import type { Policy, Trigger } from "../../../src/domain/policy/types.ts";
import { walkPupil } from "../../../src/domain/policy/walk.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);

const further = (after: string, letter?: string): Trigger => ({
  id: "further_absence",
  name: "Further unauthorised absence",
  when: {
    kind: "code_count",
    codes: ["G", "N", "O", "U"],
    atLeast: 1,
    window: { after, ...(letter ? { letter } : {}) } as never,
  },
  actions: [{ type: "consider_penalty_notice" }],
  repeat: "each_new_breach",
});
const policyOf = (...triggers: Trigger[]): Policy => ({
  name: "windows after a step",
  target: 96,
  bands: [{ id: "all", name: "All", colour: "#000", min: 0 }],
  stages: [],
  triggers,
});
const withEvents = (...events: HistoryEvent[]) => ({ history: { parents: [], events } });

// Five days of O to Friday 10 October led to the step on Monday 13 October; one more O on 22 October.
const codes = aPupilRegister(index, "2025-11-28", [
  ...schoolDaysOf(calendar, "2025-10-06", 5, "O"),
  ["2025-10-22", "AM", "O"],
]);

describe("windows that start after a step taken: the absence that caused it never counts", () => {
  for (const kind of [
    "notice_to_improve",
    "meeting_held",
    "contract_agreed",
    "penalty_notice_referral",
    "legal_intervention_referral",
  ] as const) {
    it(`after ${kind}: nothing until a further absence, then only that`, () => {
      const policy = policyOf(further(kind));
      const done = withEvents({ kind, on: "2025-10-13" });
      expect(evaluate(policy, index, "2025-10-21", codes, done)).toEqual([]);
      const [proposal] = evaluate(policy, index, "2025-10-22", codes, done);
      expect(proposal?.evidence).toEqual([{ date: "2025-10-22", session: "AM", code: "O" }]);
      expect(proposal?.explanation).toContain("(after 13 Oct 2025)");
    });
  }

  it("never fires before the step is taken, and counts from the latest one", () => {
    const policy = policyOf(further("notice_to_improve"));
    expect(evaluate(policy, index, "2025-10-22", codes)).toEqual([]);
    expect(evaluate(policy, index, "2025-10-22", codes, withEvents())).toEqual([]);
    // A second notice on 23 October: the O of the 22nd was before it.
    const twice = withEvents(
      { kind: "notice_to_improve", on: "2025-10-13" },
      { kind: "notice_to_improve", on: "2025-10-23" },
    );
    expect(evaluate(policy, index, "2025-10-24", codes, twice)).toEqual([]);
    // A step dated after the day evaluated is not taken yet.
    expect(
      evaluate(
        policy,
        index,
        "2025-10-22",
        codes,
        withEvents({ kind: "notice_to_improve", on: "2025-10-23" }),
      ),
    ).toEqual([]);
  });

  it("after a letter: the letter named, not any letter", () => {
    const policy = policyOf(further("letter", "final_warning"));
    const letters = withEvents(
      { kind: "letter", letter: "first_letter", on: "2025-10-13" },
      { kind: "letter", letter: "final_warning", on: "2025-10-22" },
    );
    // The final warning went on the 22nd: the O that morning is not after it.
    expect(evaluate(policy, index, "2025-10-24", codes, letters)).toEqual([]);
    const anyLetter = policyOf(further("letter"));
    expect(
      evaluate(
        anyLetter,
        index,
        "2025-10-22",
        codes,
        withEvents({ kind: "letter", letter: "first_letter", on: "2025-10-13" }),
      ),
    ).toHaveLength(1);
  });

  it("gives the simulation the live evaluation's answer: the step is in the history on its day", () => {
    // The notice to improve is proposed on the fifth day of O (10 October); the simulation takes
    // it as issued then; the live evaluation reads the issued notice from the history.
    const noticeRule: Trigger = {
      id: "notice",
      name: "Five days of unauthorised absence: notice to improve",
      when: { kind: "absence_days", codes: ["O"], atLeast: 5, mode: "cumulative", period: "term" },
      actions: [{ type: "notice_to_improve" }],
      repeat: "once_per_term",
    };
    const policy = policyOf(noticeRule, further("notice_to_improve"));
    const walked = walkPupil(
      policy,
      index,
      calendar.schoolDays("2025-09-03", "2025-11-28"),
      codes,
      {
        flags: {},
      },
    ).map(({ date, proposal }) => ({
      date,
      triggerId: proposal.triggerId,
      evidence: proposal.evidence,
    }));
    expect(walked.map((w) => [w.date, w.triggerId])).toEqual([
      ["2025-10-10", "notice"],
      ["2025-10-22", "further_absence"],
    ]);
    const live = evaluate(
      policy,
      index,
      "2025-10-22",
      codes,
      withEvents({ kind: "notice_to_improve", on: "2025-10-10" }),
      [{ triggerId: "notice", dedupeKey: "notice@term:2025-09-01", evidenceEnd: "2025-10-10" }],
    );
    expect(live.map((p) => p.triggerId)).toEqual(["further_absence"]);
    expect(live[0]?.evidence).toEqual(walked[1]?.evidence);
  });

  it("is policy data, validated, and explained to families", () => {
    const policy = policyOf(further("contract_agreed"));
    expect(policyDocumentSchema.safeParse(policy).success).toBe(true);
    expect(policyDocumentSchema.safeParse(policyOf(further("phone_call"))).success).toBe(false);
    const names = namesIn(policy, (id) => (id === "final_warning" ? "the final warning" : id));
    expect(conditionInWords(further("notice_to_improve").when as Condition, names)).toBe(
      "a session is recorded with codes G, N, O or U since the notice to improve was issued",
    );
    expect(conditionInWords(further("meeting_held").when as Condition, names)).toBe(
      "a session is recorded with codes G, N, O or U since we met with you",
    );
  });
});
