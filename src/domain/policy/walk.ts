import { academicYearBounds, academicYearOf } from "../calendar.ts";
import { addDays, type IsoDate } from "../dates.ts";
import { bandOf } from "./bands.ts";
import { caseworkRules } from "./casework.ts";
import type { PupilContext } from "./conditions/index.ts";
import { evaluatePupil, type PreviousProposal, type Proposal } from "./evaluate.ts";
import { attendanceOver } from "./evaluation.ts";
import type { HistoryEvent } from "./history.ts";
import type { SessionIndex } from "./timeline.ts";
import type { Action, Policy } from "./types.ts";

/**
 * One pupil walked school day by school day through a policy as if every proposal were accepted
 * on the day it was made: stages start and close, and the steps taken (letters, notices to
 * improve, referrals, meetings, contracts) join the pupil's history on that day, as the live
 * casework records them. The simulation and the seed tests both walk this way, so what they show
 * is what the live evaluation proposes when people accept on the day.
 */
export function walkPupil(
  policy: Policy,
  index: SessionIndex,
  days: readonly IsoDate[],
  codes: Uint8Array,
  start: PupilContext,
): { date: IsoDate; proposal: Proposal }[] {
  const previous: PreviousProposal[] = [];
  const made: { date: IsoDate; proposal: Proposal }[] = [];
  let context = start;
  for (const day of days) {
    for (const proposal of evaluatePupil(policy, index, day, { codes, context, previous })) {
      previous.push({
        triggerId: proposal.triggerId,
        dedupeKey: proposal.dedupeKey,
        evidenceEnd: proposal.evidence.at(-1)?.date ?? null,
      });
      made.push({ date: day, proposal });
      context = afterAccepting(policy, context, proposal, day, codes, index);
    }
  }
  return made;
}

/** The pupil's context once a proposal's actions are carried out on `day`. */
export function afterAccepting(
  policy: Policy,
  context: PupilContext,
  proposal: { actions: Action[]; evidence: { date: IsoDate }[] },
  day: IsoDate,
  codes: Uint8Array,
  index: SessionIndex,
): PupilContext {
  let next = context;
  for (const action of proposal.actions) {
    if (action.type === "start_stage") {
      const baseline = attendanceOver(
        codes,
        index.firstOnOrAfter(academicYearBounds(academicYearOf(day)).from),
        index.endOf(day),
      );
      const band = bandOf(policy.bands, baseline);
      next = {
        ...next,
        stage: {
          id: action.stage,
          startedOn: day,
          baseline,
          reviewDue: null,
          evidenceEnd: proposal.evidence.at(-1)?.date ?? null,
        },
        ...(band ? { lastReview: { on: day, band: band.id } } : {}),
      };
    } else if (action.type === "close_stage" && next.stage) {
      const { stage: _closed, ...rest } = next;
      next = rest;
    }
    const step = stepTaken(policy, action, day);
    if (step) {
      const history = next.history ?? { parents: [], events: [] };
      next = { ...next, history: { ...history, events: [...history.events, step] } };
    }
  }
  return next;
}

/**
 * The step an accepted action records, on the day it is taken: the day proposed, and for a
 * meeting the day its notice allows (the policy's notice, or the casework rules').
 */
function stepTaken(policy: Policy, action: Action, day: IsoDate): HistoryEvent | null {
  switch (action.type) {
    case "letter":
      return { kind: "letter", letter: action.letter, on: day };
    case "notice_to_improve":
      return { kind: "notice_to_improve", on: day };
    case "consider_penalty_notice":
      return { kind: "penalty_notice_referral", on: day };
    case "referral":
      return action.to === "legal_intervention"
        ? { kind: "legal_intervention_referral", on: day }
        : action.to === "social_care"
          ? { kind: "social_care_referral", on: day }
          : action.to === "children_missing_education"
            ? { kind: "cme_report", on: day }
            : null;
    case "meeting":
      return {
        kind: "meeting_held",
        on: addDays(day, action.noticeDays ?? caseworkRules(policy).meetingNoticeDays),
      };
    case "attendance_contract":
      return { kind: "contract_agreed", on: day };
    default:
      return null;
  }
}
