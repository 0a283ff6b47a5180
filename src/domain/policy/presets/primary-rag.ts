import type { Condition, Policy } from "../types.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
  STATUTORY_TRIGGERS,
} from "./national.ts";

/**
 * The primary school's attendance on one page (seeds/primary-school-attendance-on-one-page.txt):
 * a 97% target (the LA's is 96%); termly analysis; below 97% an amber letter, below 90% a red one,
 * each offering a meeting. At the next term's analysis: moved into a better band, a thank-you
 * letter; improved but still amber or red, a letter thanking them but still concerned; not
 * improved, an invitation to an attendance meeting. Long-term illness and medical conditions are
 * taken into account: those pupils go to a person, not an automatic letter.
 */
/** Next term's analysis: no better band, and no real rise in attendance. */
const NOT_IMPROVED: Condition = {
  kind: "all",
  of: [
    { kind: "review_due" },
    { kind: "not", condition: { kind: "band_change", direction: "better" } },
    { kind: "improvement", expect: "not_improved", minimumPoints: 0.5 },
  ],
};

export const PRIMARY_RAG_POLICY: Policy = {
  name: "Primary school attendance on one page (termly RAG letters)",
  preset: "primary_rag",
  target: 97,
  localAuthorityTarget: 96,
  bands: [
    { id: "green", name: "Green", colour: "#2e7d32", min: 97 },
    { id: "amber", name: "Amber", colour: "#f9a825", min: 90 },
    { id: "red", name: "Red", colour: "#c62828", min: 0 },
  ],
  stages: [
    {
      id: "rag_monitoring",
      name: "Termly monitoring after an amber or red letter",
      order: 1,
      description: "Reviewed at the next term's analysis of attendance data.",
      review: { weeks: 12 },
    },
  ],
  triggers: [
    {
      id: "red_letter",
      name: "Red letter: attendance below 90% at the termly analysis",
      when: { kind: "band", in: ["red"], minimumSessions: 30 },
      inStage: "none",
      actions: [
        { type: "letter", letter: "primary_red" },
        { type: "meeting", meeting: "attendance_meeting", noticeDays: 7 },
        { type: "start_stage", stage: "rag_monitoring" },
      ],
      repeat: "once_per_term",
      manualReviewFlags: ["medical_condition"],
    },
    {
      id: "amber_letter",
      name: "Amber letter: attendance below the 97% target at the termly analysis",
      when: { kind: "band", in: ["amber"], minimumSessions: 30 },
      inStage: "none",
      actions: [
        { type: "letter", letter: "primary_amber" },
        { type: "start_stage", stage: "rag_monitoring" },
      ],
      repeat: "once_per_term",
      manualReviewFlags: ["medical_condition"],
    },
    {
      id: "moved_up_a_band",
      name: "Next term: attendance has moved into a better band",
      when: {
        kind: "all",
        of: [{ kind: "review_due" }, { kind: "band_change", direction: "better" }],
      },
      inStage: "rag_monitoring",
      actions: [
        { type: "letter", letter: "primary_improved_band" },
        { type: "close_stage", outcome: "improved" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "improved_still_concerned",
      name: "Next term: attendance has improved but is still amber or red",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "band_change", direction: "same" },
          { kind: "improvement", expect: "improved", minimumPoints: 0.5 },
        ],
      },
      inStage: "rag_monitoring",
      actions: [
        { type: "letter", letter: "primary_improved_still_concerned" },
        { type: "close_stage", outcome: "improving" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "not_improved",
      name: "Next term: attendance has not improved",
      when: NOT_IMPROVED,
      inStage: "rag_monitoring",
      actions: [
        { type: "letter", letter: "primary_meeting_invite" },
        { type: "meeting", meeting: "attendance_meeting", noticeDays: 7 },
      ],
      repeat: "once_per_stage",
      manualReviewFlags: ["medical_condition"],
    },
    {
      id: "early_help",
      name: "Not improved: Early Help where we feel additional support is required",
      when: NOT_IMPROVED,
      inStage: "rag_monitoring",
      actions: [{ type: "referral", to: "early_help" }],
      repeat: "once_per_stage",
      // "Where we feel additional support is required": the school's judgement, never automatic.
      discretionary: true,
    },
    NATIONAL_PENALTY_NOTICE_TRIGGER,
    ...STATUTORY_TRIGGERS,
  ],
  penaltyNotices: NATIONAL_PENALTY_NOTICE_RULES,
  bandLetters: { green: "primary_green", amber: "primary_amber", red: "primary_red" },
  // Day 1: a call before 9:30, a text if nobody answers; after that "a member of school staff will
  // speak daily with parents": calls every day, no home-visit days of its own.
  followUp: { callBefore: "09:30", textIfUnreachable: true, homeVisitOnDays: [] },
};
