import { z } from "zod";
import { academicYearBounds, academicYearOf } from "../../calendar.ts";
import { dayLabel, type IsoDate } from "../../dates.ts";
import type { Evaluation } from "../evaluation.ts";
import { id, period, positive } from "../fields.ts";
import { HISTORY_EVENTS, yearsBefore } from "../history.ts";
import type { ConditionKind } from "./kind.ts";

/**
 * A step already taken for this pupil: a letter sent, a notice to improve, a referral (penalty
 * notice, legal intervention, social care, children missing education). "Where a Letter 1 has
 * already been sent this term", "previously referred to the LA".
 */
export const schema = z.object({
  kind: z.literal("history"),
  event: z.enum(HISTORY_EVENTS),
  /** For letters: which one (any letter when not set). */
  letter: id.optional(),
  atLeast: positive.optional(),
  /** Counted within whole years before the day evaluated, or a period; ever when not set. */
  within: z
    .union([z.object({ years: z.number().min(0.1).max(10) }), z.object({ period })], {
      error: "must be { years } or { period }",
    })
    .optional(),
});
export type HistoryCondition = z.infer<typeof schema>;

const EVENT_NAMES: Record<HistoryCondition["event"], string> = {
  letter: "letter",
  notice_to_improve: "notice to improve",
  penalty_notice_referral: "penalty-notice referral",
  legal_intervention_referral: "referral for legal intervention",
  social_care_referral: "social care referral",
  cme_report: "children-missing-education report",
  meeting_held: "meeting held",
  contract_agreed: "contract agreed",
};

function windowStart(c: HistoryCondition, e: Evaluation): { from: IsoDate | null; label: string } {
  const w = c.within;
  if (!w) return { from: null, label: "ever" };
  if ("years" in w) return { from: yearsBefore(e.asOf, w.years), label: `within ${w.years} years` };
  if (w.period === "since_stage_start") {
    const started = e.context.stage?.startedOn;
    // No stage: nothing can have happened since it began.
    return { from: started ?? e.asOf, label: "since the stage began" };
  }
  if (w.period === "year_to_date")
    return { from: academicYearBounds(academicYearOf(e.asOf)).from, label: "this year" };
  return {
    from: e.index.calendar.periodContaining(w.period, e.asOf).from,
    label: w.period === "term" ? "this term" : "this half term",
  };
}

export const history: ConditionKind<HistoryCondition> = {
  evaluate(c, e) {
    const { from, label } = windowStart(c, e);
    const atLeast = c.atLeast ?? 1;
    const found = (e.context.history?.events ?? []).filter(
      (h) =>
        h.kind === c.event &&
        (c.letter === undefined || h.letter === c.letter) &&
        h.on <= e.asOf &&
        (from === null || h.on >= from),
    );
    const what = c.letter ? `letter ${c.letter}` : EVENT_NAMES[c.event];
    const met = found.length >= atLeast;
    return {
      met,
      reason: met
        ? `${found.length} ${what} ${label} (${found.map((h) => dayLabel(h.on)).join(", ")})`
        : `${found.length} ${what} ${label}, fewer than ${atLeast}`,
      evidence: [],
    };
  },
  description: {
    title: "{event} already made",
    summary:
      "A step already taken for this pupil: a letter sent, a notice to improve, or a referral (penalty notice, legal intervention, social care, children missing education), ever or within a time.",
    fields: [
      {
        path: "event",
        label: "step",
        meaning:
          "letter, notice_to_improve, penalty_notice_referral, legal_intervention_referral, social_care_referral, cme_report, meeting_held or contract_agreed",
      },
      { path: "letter", label: "letter", meaning: "for letters: the letter's id (any when empty)" },
      { path: "atLeast", label: "at least", meaning: "times (1 when empty)", adjustable: true },
      {
        path: "within",
        label: "within",
        meaning: "{ years } before the day evaluated, or { period }; ever when empty",
      },
    ],
  },
};
