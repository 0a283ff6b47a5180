import type { Policy } from "../types.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
  STATUTORY_TRIGGERS,
} from "./national.ts";

/**
 * The local authority's attendance contract process with letters 1-9
 * (seeds/la-attendance-contract-process-letters.txt): an invitation to an attendance contract
 * meeting with at least a week's notice (letter 1; letter 2 and letter 5 when parents fail to
 * attend are casework); the contract (letters 3 and 4) reviewed over 5-8 weeks, shorter the lower
 * the starting attendance, with 6 unauthorised sessions during the review bringing a review
 * meeting forward; improvement assessed in proportion to the starting attendance (letter 6); a
 * review meeting (7a) or termination warning (7b) when not improved; a notice to improve (letter
 * 8) with a 3-week review; then referral for legal intervention (letter 9), and a social care
 * referral to consider below 50% when support has failed.
 */
export const LA_CONTRACT_PROCESS_POLICY: Policy = {
  name: "Local authority attendance contract process (letters 1-9)",
  preset: "la_contract_process",
  target: 96,
  bands: [
    { id: "expected", name: "Expected (96% and over)", colour: "#2e7d32", min: 96 },
    { id: "concern", name: "Concern (90-96%)", colour: "#f9a825", min: 90 },
    { id: "persistent", name: "Persistent absence (50-90%)", colour: "#c62828", min: 50 },
    { id: "severe", name: "Severe absence (below 50%)", colour: "#6a1b1a", min: 0 },
  ],
  stages: [
    {
      id: "contract_invite",
      name: "Attendance contract meeting invited",
      order: 1,
      review: { weeks: 2 },
    },
    {
      id: "contract",
      name: "Attendance contract: review period",
      order: 2,
      description:
        "Monitor over 5-8 weeks; the lower the starting attendance, the shorter the review.",
      review: {
        weeks: 8,
        byStartingAttendance: [
          { below: 70, weeks: 5 },
          { below: 80, weeks: 6 },
          { below: 90, weeks: 7 },
        ],
      },
    },
    {
      id: "notice_to_improve",
      name: "Notice to improve: 3-week review",
      order: 3,
      review: { weeks: 3 },
    },
    { id: "legal_intervention", name: "Referred for legal intervention", order: 4 },
  ],
  triggers: [
    {
      id: "contract_invite",
      name: "Attendance concerns: invite to an attendance contract meeting (letter 1)",
      when: { kind: "attendance", below: 90, period: "year_to_date", minimumSessions: 30 },
      inStage: "none",
      actions: [
        { type: "letter", letter: "la_1_contract_invite" },
        { type: "meeting", meeting: "attendance_contract_meeting", noticeDays: 7 },
        { type: "start_stage", stage: "contract_invite" },
      ],
      repeat: "once_per_term",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      id: "early_review_meeting",
      name: "6 sessions of unauthorised absence during the contract review period: review meeting (7a)",
      when: {
        kind: "code_count",
        codes: ["G", "N", "O", "U"],
        atLeast: 6,
        window: { period: "since_stage_start" },
      },
      inStage: "contract",
      actions: [
        { type: "letter", letter: "la_7a_review_invite" },
        { type: "meeting", meeting: "contract_review_meeting", noticeDays: 7 },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "contract_improved",
      name: "Contract review: attendance improved in proportion to where it started (letter 6)",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "improved", minimumPoints: 2, shareOfGap: 0.25 },
        ],
      },
      inStage: "contract",
      actions: [
        { type: "letter", letter: "la_6_improved" },
        { type: "close_stage", outcome: "improved" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "contract_not_improved",
      name: "Contract review: improvement not sufficient (7a review meeting, or 7b warning if not engaging)",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 2, shareOfGap: 0.25 },
        ],
      },
      inStage: "contract",
      actions: [
        { type: "letter", letter: "la_7a_review_invite" },
        { type: "meeting", meeting: "contract_review_meeting", noticeDays: 7 },
      ],
      repeat: "once_per_stage",
      discretionary: true,
    },
    {
      id: "notice_to_improve_not_improved",
      name: "Three weeks after the notice to improve, no improvement: referral for legal intervention (letter 9)",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 2, shareOfGap: 0.25 },
        ],
      },
      inStage: "notice_to_improve",
      actions: [
        { type: "letter", letter: "la_9_legal_referral" },
        { type: "referral", to: "legal_intervention" },
        { type: "start_stage", stage: "legal_intervention" },
      ],
      repeat: "once_per_stage",
      discretionary: true,
    },
    {
      id: "notice_to_improve_improved",
      name: "Three weeks after the notice to improve, attendance improved (letter 6)",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "improved", minimumPoints: 2, shareOfGap: 0.25 },
        ],
      },
      inStage: "notice_to_improve",
      actions: [
        { type: "letter", letter: "la_6_improved" },
        { type: "close_stage", outcome: "improved" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "social_care_consideration",
      name: "Below 50% with support having failed: consider a social care referral",
      when: { kind: "attendance", below: 50, period: "year_to_date", minimumSessions: 30 },
      inStage: "notice_to_improve",
      actions: [{ type: "referral", to: "social_care" }],
      repeat: "once_per_stage",
      discretionary: true,
    },
    NATIONAL_PENALTY_NOTICE_TRIGGER,
    ...STATUTORY_TRIGGERS,
  ],
  penaltyNotices: NATIONAL_PENALTY_NOTICE_RULES,
  // Issuing a notice to improve moves the case to its stage and its three-week review.
  casework: { noticeToImproveStage: "notice_to_improve" },
};
