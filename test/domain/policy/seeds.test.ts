import { describe, expect, it } from "vitest";
import type { IsoDate } from "../../../src/domain/dates.ts";
import type { PupilContext } from "../../../src/domain/policy/conditions/index.ts";
import { evaluatePupil } from "../../../src/domain/policy/evaluate.ts";
import { PRESETS } from "../../../src/domain/policy/presets/index.ts";
import type { Policy } from "../../../src/domain/policy/types.ts";
import { walkPupil } from "../../../src/domain/policy/walk.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, indexFor, schoolDaysOf } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);
const preset = (name: string): Policy => {
  const policy = PRESETS[name];
  if (!policy) throw new Error(`no preset ${name}`);
  return policy;
};

/** Every proposal of a walk from 3 September to `to`, as [day, trigger, action types]. */
function walk(
  name: string,
  to: IsoDate,
  marks: [IsoDate, "AM" | "PM" | "day", string][],
  context: Partial<PupilContext> = {},
): [IsoDate, string, string][] {
  const codes = aPupilRegister(index, to, marks);
  return walkPupil(preset(name), index, calendar.schoolDays("2025-09-03", to), codes, {
    flags: {},
    ...context,
  }).map(({ date, proposal }) => [
    date,
    proposal.triggerId,
    proposal.actions.map((a) => a.type).join("+"),
  ]);
}

// A fortnight's term-time holiday after half term, Monday 3 to Friday 14 November 2025, the leave
// refused by the head: 38 school days present before it (76 sessions), then G.
const holiday = schoolDaysOf(calendar, "2025-11-03", 10, "G");
const refused = {
  history: {
    parents: [],
    events: [],
    refusedLeave: [
      {
        from: "2025-11-03",
        fromSession: "AM" as const,
        to: "2025-11-14",
        toSession: "PM" as const,
      },
    ],
  },
};
const penaltyNotices = (steps: [IsoDate, string, string][]) =>
  steps.filter(([, , actions]) => actions.includes("consider_penalty_notice"));

describe("every preset reproduces its seed for a term-time holiday", () => {
  it("trust: a warning below 95%, Letter 1 below 90%, one penalty notice at 10 sessions in 12 weeks", () => {
    // "Initial Warning: If a student's attendance falls below 95% ... the school will issue a
    // warning letter"; "Stage 1: ... falls below 90%, a written letter will be sent (Letter 1)";
    // "A Penalty Notice will be issued ... at the point which 10 sessions (5 days) are recorded as
    // unauthorised absence ('O' code, U code or 'G' code) within a 12-week period."
    expect(walk("trust_policy", "2025-11-28", holiday, refused)).toEqual([
      ["2025-11-05", "initial_warning", "letter"], // 76 of 82 sessions: 92.7%
      ["2025-11-07", "stage_1", "letter+start_stage"], // 76 of 86: 88.4%
      // The 10th G: the trust's own rule first; the refused-leave rule proposes no second notice.
      ["2025-11-07", "stage_4_penalty_notice", "consider_penalty_notice"],
      // The regulations: 10 school days of continuous unauthorised absence.
      ["2025-11-14", "children_missing_education", "referral"],
    ]);
  });

  it("DfE policy on a page: early support below 95%, legal action for the holiday, once", () => {
    // "if support isn't the right tool, (such as if a holiday is taken in school time), legal
    // action may be requested": one holiday, one penalty notice (not the holiday rule and the
    // national threshold both).
    expect(walk("dfe_policy_on_a_page", "2025-11-28", holiday, refused)).toEqual([
      ["2025-11-05", "step_2_early_support", "letter+start_stage"],
      ["2025-11-07", "step_5_holiday", "consider_penalty_notice"],
      ["2025-11-14", "children_missing_education", "referral"],
    ]);
  });

  it("LA contract process: the contract meeting invitation below 90%, with the national threshold", () => {
    expect(walk("la_contract_process", "2025-11-28", holiday, refused)).toEqual([
      ["2025-11-07", "contract_invite", "letter+meeting+start_stage"],
      ["2025-11-07", "national_penalty_notice", "consider_penalty_notice"],
      ["2025-11-14", "children_missing_education", "referral"],
    ]);
  });

  it("primary RAG: the amber letter once attendance is below the 97% target", () => {
    // "If a child's attendance falls below the schools aspirational target of 97% ... parents
    // will be sent a red or amber letter": 76 of 80 sessions is 95.0%, amber.
    expect(walk("primary_rag", "2025-11-28", holiday, refused)).toEqual([
      ["2025-11-04", "amber_letter", "letter+start_stage"],
      ["2025-11-07", "national_penalty_notice", "consider_penalty_notice"],
      ["2025-11-14", "children_missing_education", "referral"],
    ]);
  });

  it("LA levels: Level 1 support when the half term declines, Level 2 after 6 weeks without success", () => {
    // "If, following a 6-week support and monitoring period, they are unsuccessful ... schools
    // should transition to Level 2": support starts once the half term holds 20 sessions (14
    // November); six weeks on is in the Christmas holiday, so the first school day after it.
    expect(walk("la_levels", "2026-01-16", holiday, refused)).toEqual([
      ["2025-11-07", "national_penalty_notice", "consider_penalty_notice"],
      ["2025-11-14", "level_1_decline", "meeting+start_stage"],
      ["2025-11-14", "children_missing_education", "referral"],
      ["2026-01-06", "level_1_unsuccessful", "start_stage+referral"],
    ]);
  });
});

describe("the national penalty-notice threshold in every preset", () => {
  // A day of N every week from 8 September: the 10th session is the 5th day, 6 October; the
  // absence is irregular, not one spell, so 10 more sessions are a new breach.
  const weekly = calendar
    .schoolDays("2025-09-08", "2025-12-19")
    .filter((d) => new Date(`${d}T12:00:00Z`).getUTCDay() === 1)
    .map((d): [IsoDate, "day", string] => [d, "day", "N"]);

  for (const name of Object.keys(PRESETS)) {
    it(`${name}: one proposal per 10 unauthorised sessions in 10 school weeks, never two at once`, () => {
      const notices = penaltyNotices(walk(name, "2025-12-19", weekly)).map(([day]) => day);
      // Trust: its own 12-week window of O, U or G, so N (no reason yet) does not count.
      if (name === "trust_policy") expect(notices).toEqual([]);
      else expect(notices).toEqual(["2025-10-06", "2025-11-17"]);
    });
  }

  it("evaluating the same day again proposes nothing more, in every preset", () => {
    const codes = aPupilRegister(index, "2025-11-07", holiday);
    for (const name of Object.keys(PRESETS)) {
      const policy = preset(name);
      const context = { flags: {}, ...refused };
      const first = evaluatePupil(policy, index, "2025-11-07", { codes, context, previous: [] });
      expect(first.length, name).toBeGreaterThan(0);
      const previous = first.map((p) => ({
        triggerId: p.triggerId,
        dedupeKey: p.dedupeKey,
        evidenceEnd: p.evidence.at(-1)?.date ?? null,
      }));
      expect(
        evaluatePupil(policy, index, "2025-11-07", { codes, context, previous }),
        name,
      ).toEqual([]);
    }
  });

  it("a holiday of two weeks is one penalty notice in every preset", () => {
    for (const name of Object.keys(PRESETS))
      expect(
        penaltyNotices(walk(name, "2025-12-19", holiday, refused)).map(([day]) => day),
        name,
      ).toEqual(["2025-11-07"]);
  });
});
