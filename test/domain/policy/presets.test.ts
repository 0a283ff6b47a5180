import { describe, expect, it } from "vitest";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import { reviewDueDate } from "../../../src/domain/policy/review.ts";
import { policyProblems } from "../../../src/domain/policy/validate.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor, only, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);
const {
  trust_policy: trust,
  primary_rag: primary,
  la_levels: levels,
  la_contract_process: contract,
  dfe_policy_on_a_page: dfe,
} = PRESETS;
if (!trust || !primary || !levels || !contract || !dfe) throw new Error("a preset is missing");

const stage = (id: string, startedOn: string, percent: number) => ({
  id,
  startedOn,
  baseline: { numerator: percent, denominator: 100 },
  reviewDue: null,
});
const triggered = (proposals: { triggerId: string }[]) => proposals.map((p) => p.triggerId);

describe("every preset", () => {
  it.each(Object.entries(PRESETS))("%s is a valid policy", (_name, policy) => {
    expect(policyProblems(policy)).toEqual([]);
  });

  it("names problems in a broken policy with where they are", () => {
    const broken = {
      ...trust,
      bands: [trust.bands[1], trust.bands[0]].filter((b) => b !== undefined),
      bandLetters: { good: "trust_rag_green", gold: "trust_rag_green" },
      triggers: [
        {
          ...trust.triggers[1],
          inStage: "stage_9",
          actions: [{ type: "start_stage" as const, stage: "stage_9" }],
        },
      ].map((t) => ({
        ...t,
        id: t.id ?? "x",
        name: t.name ?? "x",
        when: {
          kind: "code_count" as const,
          codes: ["Q9"],
          atLeast: 1,
          window: { period: "term" as const },
        },
        repeat: "once_per_term" as const,
      })),
    };
    expect(policyProblems(broken)).toEqual([
      'bands[1]: "Outstanding attendance" starts at 98%, not below "Good attendance" (97%): list bands from best to worst',
      "bands: the last (worst) band must start at 0% so every pupil has a band",
      'bandLetters.gold: there is no band "gold" in the policy',
      'triggers[0] ("stage_1").inStage: there is no stage "stage_9"',
      'triggers[0] ("stage_1").actions[0]: there is no stage "stage_9"',
      'triggers[0] ("stage_1").when.codes: "Q9" is not an attendance code',
    ]);
  });
});

describe("the trust policy", () => {
  it("warns below 95%, then starts Stage 1 with Letter 1 below 90%", () => {
    const at94 = aPupilRegister(index, "2025-10-24", schoolDaysOf(calendar, "2025-09-08", 2, "I"));
    expect(
      triggered(evaluate(only(trust, "initial_warning", "stage_1"), index, "2025-10-24", at94)),
    ).toEqual(["initial_warning"]);
    const at88 = aPupilRegister(index, "2025-10-24", schoolDaysOf(calendar, "2025-09-08", 5, "I"));
    const proposals = evaluate(
      only(trust, "initial_warning", "stage_1"),
      index,
      "2025-10-24",
      at88,
    );
    expect(triggered(proposals)).toEqual(["initial_warning", "stage_1"]);
    expect(proposals[1]?.actions).toEqual([
      { type: "letter", letter: "trust_letter_1" },
      { type: "start_stage", stage: "stage_1" },
    ]);
  });

  it("reviews Stage 1 after 4 weeks, a week later for each further day of absence", () => {
    const start = "2025-11-03";
    const stage1 = trust.stages.find((s) => s.id === "stage_1");
    if (!stage1) throw new Error("no stage 1");
    const none = aPupilRegister(index, "2026-01-30", []);
    expect(
      reviewDueDate(stage1, start, { numerator: 88, denominator: 100 }, index, none, "2025-12-19"),
    ).toBe("2025-12-01");
    const threeDays = aPupilRegister(
      index,
      "2026-01-30",
      schoolDaysOf(calendar, "2025-11-10", 3, "O"),
    );
    expect(
      reviewDueDate(
        stage1,
        start,
        { numerator: 88, denominator: 100 },
        index,
        threeDays,
        "2025-12-19",
      ),
    ).toBe("2025-12-22");
  });

  it("moves to Stage 2 (ISAP, Letter 2, attendance plan) when Stage 1 brings no improvement, then to Stage 3", () => {
    const poor = aPupilRegister(index, "2026-01-30", [
      ...schoolDaysOf(calendar, "2025-11-03", 2, "O"),
      ...schoolDaysOf(calendar, "2025-11-17", 2, "O"),
    ]);
    // Four days absent push the 4-week review back four weeks, to the first school day after 29 December.
    expect(
      evaluate(only(trust, "stage_2"), index, "2025-12-19", poor, {
        stage: stage("stage_1", "2025-11-03", 88),
      }),
    ).toEqual([]);
    const [stage2] = evaluate(only(trust, "stage_2"), index, "2026-01-06", poor, {
      stage: stage("stage_1", "2025-11-03", 88),
    });
    expect(stage2?.actions).toEqual([
      { type: "letter", letter: "trust_letter_2" },
      { type: "meeting", meeting: "isap", noticeDays: 7 },
      { type: "attendance_contract" },
      { type: "start_stage", stage: "stage_2" },
    ]);
    const stillPoor = aPupilRegister(
      index,
      "2026-02-13",
      schoolDaysOf(calendar, "2026-01-12", 3, "O"),
    );
    const [stage3] = evaluate(only(trust, "stage_3"), index, "2026-02-03", stillPoor, {
      stage: stage("stage_2", "2026-01-06", 86),
    });
    expect(stage3?.actions).toContainEqual({ type: "referral", to: "education_welfare" });
  });

  it("closes a stage whose review finds attendance improved", () => {
    const good = aPupilRegister(index, "2025-12-19", []);
    expect(
      triggered(
        evaluate(only(trust, "stage_2", "stage_improved"), index, "2025-12-01", good, {
          stage: stage("stage_1", "2025-11-03", 88),
        }),
      ),
    ).toEqual(["stage_improved"]);
  });

  it("writes with the dates at three late marks in a half term, and proposes a meeting at the fourth", () => {
    const late = (d: string, code: string) => [d, "AM", code] as [string, "AM", string];
    const three = [late("2025-11-04", "L"), late("2025-11-06", "U"), late("2025-11-11", "L")];
    const marks = (lates: [string, "AM", string][]) => aPupilRegister(index, "2025-12-19", lates);
    const lateness = only(trust, "late_marks_letter", "late_marks_meeting");
    expect(triggered(evaluate(lateness, index, "2025-11-10", marks(three.slice(0, 2))))).toEqual(
      [],
    );
    expect(triggered(evaluate(lateness, index, "2025-11-11", marks(three)))).toEqual([
      "late_marks_letter",
    ]);
    const four = [...three, late("2025-11-13", "L")];
    expect(triggered(evaluate(lateness, index, "2025-11-13", marks(four)))).toEqual([
      "late_marks_letter",
      "late_marks_meeting",
    ]);
    // Three in the autumn's first half term and one in its second are not three in a half term.
    const across = [late("2025-10-16", "L"), late("2025-10-17", "L"), late("2025-11-04", "L")];
    expect(triggered(evaluate(lateness, index, "2025-11-04", marks(across)))).toEqual([]);
  });

  it("warns at 5 U in a half term and treats 10 U in 12 weeks as persistent lateness", () => {
    const lates = ["2025-11-04", "2025-11-06", "2025-11-11", "2025-11-13", "2025-11-18"].map(
      (d) => [d, "AM", "U"] as [string, "AM", string],
    );
    const codes = aPupilRegister(index, "2025-12-19", lates);
    expect(
      triggered(
        evaluate(
          only(trust, "lateness_warning", "persistent_lateness"),
          index,
          "2025-11-18",
          codes,
        ),
      ),
    ).toEqual(["lateness_warning"]);
    const more = ["2025-11-25", "2025-11-27", "2025-12-02", "2025-12-04", "2025-12-09"].map(
      (d) => [d, "AM", "U"] as [string, "AM", string],
    );
    const ten = aPupilRegister(index, "2025-12-19", [...lates, ...more]);
    expect(
      triggered(evaluate(only(trust, "persistent_lateness"), index, "2025-12-09", ten)),
    ).toEqual(["persistent_lateness"]);
  });

  it("uses its own 12-week penalty-notice window: 10 sessions 11 school weeks apart count", () => {
    const codes = aPupilRegister(index, "2025-12-19", [
      ["2025-09-22", "day", "O"],
      ...schoolDaysOf(calendar, "2025-12-08", 4, "G"),
    ]);
    expect(
      triggered(evaluate(only(trust, "stage_4_penalty_notice"), index, "2025-12-11", codes)),
    ).toEqual(["stage_4_penalty_notice"]);
  });
});

describe("the primary school's termly RAG letters", () => {
  it("sends amber below 97% and red below 90%, a person deciding for a medical condition", () => {
    const amber = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-10-06", 3, "I"));
    expect(
      triggered(evaluate(only(primary, "red_letter", "amber_letter"), index, "2025-12-19", amber)),
    ).toEqual(["amber_letter"]);
    const red = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-10-06", 8, "I"));
    const [letter] = evaluate(
      only(primary, "red_letter", "amber_letter"),
      index,
      "2025-12-19",
      red,
      { flags: { medical_condition: true } },
    );
    expect(letter?.triggerId).toBe("red_letter");
    expect(letter?.manualReview).toBe(true);
  });

  it("next term thanks a family whose child moved up a band, or who improved within the band, or invites them to a meeting", () => {
    const rules = only(primary, "moved_up_a_band", "improved_still_concerned", "not_improved");
    const inMonitoring = { stage: stage("rag_monitoring", "2025-12-19", 88) };
    const good = aPupilRegister(index, "2026-03-27", schoolDaysOf(calendar, "2025-09-08", 10, "I"));
    expect(triggered(evaluate(rules, index, "2026-03-13", good, inMonitoring))).toEqual([
      "moved_up_a_band",
    ]);
    const steady = aPupilRegister(index, "2026-03-27", [
      ...schoolDaysOf(calendar, "2025-09-08", 16, "I"),
      ...schoolDaysOf(calendar, "2026-02-02", 4, "I"),
    ]);
    expect(triggered(evaluate(rules, index, "2026-03-13", steady, inMonitoring))).toEqual([
      "improved_still_concerned",
    ]);
    const worse = aPupilRegister(index, "2026-03-27", [
      ...schoolDaysOf(calendar, "2025-09-08", 16, "I"),
      ...schoolDaysOf(calendar, "2026-01-12", 12, "O"),
    ]);
    expect(triggered(evaluate(rules, index, "2026-03-13", worse, inMonitoring))).toEqual([
      "not_improved",
    ]);
    // Early Help follows "where we feel additional support is required": proposed for a person.
    const [earlyHelp] = evaluate(
      only(primary, "early_help"),
      index,
      "2026-03-13",
      worse,
      inMonitoring,
    );
    expect(earlyHelp).toMatchObject({
      manualReview: true,
      actions: [{ type: "referral", to: "early_help" }],
    });
  });
});

describe("the local authority's Level 1 process", () => {
  it("starts 6 weeks of support when attendance declines, and moves to Level 2 if it fails", () => {
    const dipping = aPupilRegister(
      index,
      "2025-12-19",
      schoolDaysOf(calendar, "2025-11-03", 2, "I"),
    );
    expect(
      triggered(evaluate(only(levels, "level_1_decline"), index, "2025-11-14", dipping)),
    ).toEqual(["level_1_decline"]);
    const context = { stage: stage("level_1_support", "2025-11-14", 94) };
    expect(
      evaluate(only(levels, "level_1_unsuccessful"), index, "2025-12-19", dipping, context),
    ).toEqual([]);
    const failing = aPupilRegister(index, "2026-02-13", [
      ...schoolDaysOf(calendar, "2025-11-03", 2, "I"),
      ...schoolDaysOf(calendar, "2025-11-24", 5, "O"),
    ]);
    const [toLevel2] = evaluate(
      only(levels, "level_1_unsuccessful"),
      index,
      "2026-01-12",
      failing,
      context,
    );
    expect(toLevel2?.actions).toContainEqual({ type: "start_stage", stage: "level_2" });
  });

  it("counts holding steady in Level 1 as success, not as failing to improve", () => {
    const steady = aPupilRegister(index, "2026-01-12", []);
    const fromFull = { stage: stage("level_1_support", "2025-11-14", 100) };
    const outcome = (id: string) =>
      triggered(evaluate(only(levels, id), index, "2026-01-12", steady, fromFull));
    expect(outcome("level_1_unsuccessful")).toEqual([]);
    expect(outcome("level_1_successful")).toEqual(["level_1_successful"]);
  });

  it("does not call one absence on the first day of a half term a decline", () => {
    const firstDay = aPupilRegister(index, "2025-12-19", [["2025-11-03", "AM", "I"]]);
    expect(
      triggered(evaluate(only(levels, "level_1_decline"), index, "2025-11-03", firstDay)),
    ).toEqual([]);
  });
});

describe("the local authority's attendance contract process", () => {
  const contractStage = contract.stages.find((s) => s.id === "contract");
  if (!contractStage) throw new Error("no contract stage");
  const none = aPupilRegister(index, "2026-03-27", []);

  it.each([
    [65, "2025-11-07"],
    [75, "2025-11-14"],
    [85, "2025-11-21"],
    [92, "2025-11-28"],
  ])("reviews a contract begun at %i%% attendance on %s: the lower, the sooner", (percent, due) => {
    expect(
      reviewDueDate(
        contractStage,
        "2025-10-03",
        { numerator: percent, denominator: 100 },
        index,
        none,
        "2025-10-03",
      ),
    ).toBe(due);
  });

  it("invites to the contract meeting below 90% with a week's notice (letter 1)", () => {
    const codes = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-09-08", 6, "O"));
    const [invite] = evaluate(only(contract, "contract_invite"), index, "2025-10-24", codes);
    expect(invite?.actions).toEqual([
      { type: "letter", letter: "la_1_contract_invite" },
      { type: "meeting", meeting: "attendance_contract_meeting", noticeDays: 7 },
      { type: "start_stage", stage: "contract_invite" },
    ]);
  });

  it("brings a review meeting forward after 6 unauthorised sessions during the contract (7a)", () => {
    const codes = aPupilRegister(index, "2025-12-19", schoolDaysOf(calendar, "2025-11-10", 3, "O"));
    const [early] = evaluate(only(contract, "early_review_meeting"), index, "2025-11-12", codes, {
      stage: stage("contract", "2025-11-03", 80),
    });
    expect(early?.actions[0]).toEqual({ type: "letter", letter: "la_7a_review_invite" });
  });

  it("counts 80% rising to 87% as improvement in proportion to the start (letter 6)", () => {
    // 9 of the 72 sessions from 3 November to the review on 6 January missed: 87.5%.
    const codes = aPupilRegister(index, "2026-01-30", [
      ...schoolDaysOf(calendar, "2025-11-03", 4, "I"),
      ["2025-12-10", "AM", "O"],
    ]);
    const context = { stage: stage("contract", "2025-11-03", 80) };
    expect(
      evaluate(only(contract, "contract_improved"), index, "2025-12-19", codes, context),
    ).toEqual([]); // review not yet due (7 weeks)
    const proposals = evaluate(
      only(contract, "contract_improved", "contract_not_improved"),
      index,
      "2026-01-06",
      codes,
      context,
    );
    expect(triggered(proposals)).toEqual(["contract_improved"]);
    expect(proposals[0]?.explanation).toContain(
      "87.5% against 80.0% when the stage began: improved",
    );
  });

  it("refers for legal intervention three weeks after a notice to improve without improvement (letter 9)", () => {
    const codes = aPupilRegister(index, "2026-02-13", schoolDaysOf(calendar, "2026-01-12", 8, "O"));
    const context = { stage: stage("notice_to_improve", "2026-01-12", 82) };
    expect(
      evaluate(
        only(contract, "notice_to_improve_not_improved"),
        index,
        "2026-01-30",
        codes,
        context,
      ),
    ).toEqual([]);
    const [referral] = evaluate(
      only(contract, "notice_to_improve_not_improved"),
      index,
      "2026-02-02",
      codes,
      context,
    );
    expect(referral?.actions).toContainEqual({ type: "referral", to: "legal_intervention" });
    expect(referral?.manualReview).toBe(true);
  });
});

describe("the DfE policy on a page", () => {
  it("offers early support below 95% and formal support at the review below 90%", () => {
    const codes = aPupilRegister(index, "2026-01-30", schoolDaysOf(calendar, "2025-09-15", 9, "O"));
    expect(
      triggered(evaluate(only(dfe, "step_2_early_support"), index, "2025-10-10", codes)),
    ).toEqual(["step_2_early_support"]);
    const [formal] = evaluate(only(dfe, "step_3_formal_support"), index, "2025-11-24", codes, {
      stage: stage("early_support", "2025-10-10", 80),
    });
    expect(formal?.actions).toContainEqual({ type: "attendance_contract" });
  });

  it("reviews a notice to improve after three weeks, proposing legal action when nothing improved", () => {
    const noShow = aPupilRegister(
      index,
      "2026-01-30",
      schoolDaysOf(calendar, "2025-12-01", 10, "O"),
    );
    const afterNotice = { stage: stage("notice_to_improve", "2025-11-24", 80) };
    const [legal] = evaluate(
      only(dfe, "step_5_legal_action"),
      index,
      "2025-12-15",
      noShow,
      afterNotice,
    );
    expect(legal).toMatchObject({
      manualReview: true,
      actions: [
        { type: "referral", to: "legal_intervention" },
        { type: "start_stage", stage: "legal_action" },
      ],
    });
    // Not before the three weeks are up.
    expect(
      evaluate(only(dfe, "step_5_legal_action"), index, "2025-12-05", noShow, afterNotice),
    ).toEqual([]);
  });

  it("ends support only when attendance reaches the agreed level; until then it monitors and reviews", () => {
    const autumn = schoolDaysOf(calendar, "2025-09-15", 9, "O");
    const inFormalSupport = { stage: stage("formal_support", "2025-10-13", 80) };
    const atReview = (codes: ReturnType<typeof aPupilRegister>) =>
      triggered(
        evaluate(
          only(dfe, "step_improved", "step_improving", "step_4_formal_review"),
          index,
          "2025-12-01",
          codes,
          inFormalSupport,
        ),
      ).sort();
    expect(atReview(aPupilRegister(index, "2026-01-30", autumn))).toEqual(["step_improved"]);
    const stillMissing = [...autumn, ...schoolDaysOf(calendar, "2025-11-10", 2, "O")];
    expect(atReview(aPupilRegister(index, "2026-01-30", stillMissing))).toEqual([
      "step_4_formal_review",
      "step_improving",
    ]);
  });
});
