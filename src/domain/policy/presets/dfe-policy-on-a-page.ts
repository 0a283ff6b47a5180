import type { Condition, Policy } from "../types.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
  STATUTORY_TRIGGERS,
} from "./national.ts";

/**
 * DfE's example attendance policy on a page (seeds/dfe-attendance-policy-on-a-page-template.txt):
 * five steps of a supportive, stepped approach. The template leaves the thresholds as [XX]%; this
 * preset fills them with 95% for early support and 90% (persistent absence) for formal support,
 * which a school changes to its own.
 */
/**
 * "If attendance improves, we will continue to monitor and support until it reaches the agreed
 * level": the policy's target, over the weeks since the step began (ten school days at least).
 */
const AGREED_LEVEL_REACHED: Condition = {
  kind: "attendance",
  atOrAbove: 96,
  period: "since_stage_start",
  minimumSessions: 20,
};

export const DFE_POLICY_ON_A_PAGE: Policy = {
  name: "DfE attendance policy on a page (five steps)",
  preset: "dfe_policy_on_a_page",
  target: 96,
  bands: [
    { id: "good", name: "Good attendance", colour: "#2e7d32", min: 96 },
    { id: "early_support", name: "Early support", colour: "#f9a825", min: 90 },
    { id: "formal_support", name: "Formal support", colour: "#c62828", min: 50 },
    { id: "severe", name: "Severe absence", colour: "#6a1b1a", min: 0 },
  ],
  stages: [
    { id: "early_support", name: "Step 2: early support", order: 2, review: { weeks: 6 } },
    {
      id: "formal_support",
      name: "Step 3: formal support and attendance contract",
      order: 3,
      review: { weeks: 6 },
    },
    { id: "formal_review", name: "Step 4: formal review", order: 4, review: { weeks: 6 } },
    // A notice to improve is reviewed after three weeks, as the 2024 framework's notices are.
    { id: "notice_to_improve", name: "Step 4: notice to improve", order: 5, review: { weeks: 3 } },
    {
      id: "legal_action",
      name: "Step 5: legal action requested from the local authority",
      order: 6,
    },
  ],
  triggers: [
    {
      id: "step_2_early_support",
      name: "Step 2: early support, attendance below 95%",
      when: { kind: "attendance", below: 95, period: "year_to_date", minimumSessions: 30 },
      inStage: "none",
      actions: [
        { type: "letter", letter: "dfe_early_support" },
        { type: "start_stage", stage: "early_support" },
      ],
      repeat: "once_per_term",
      manualReviewFlags: ["medical_condition", "ehcp"],
    },
    {
      id: "step_3_formal_support",
      name: "Step 3: formal support, absences continue and attendance is below 90%",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "attendance", below: 90, period: "year_to_date", minimumSessions: 30 },
        ],
      },
      inStage: "early_support",
      actions: [
        { type: "letter", letter: "dfe_formal_support" },
        { type: "meeting", meeting: "attendance_contract_meeting", noticeDays: 7 },
        { type: "attendance_contract" },
        { type: "start_stage", stage: "formal_support" },
      ],
      repeat: "once_per_stage",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      id: "step_4_formal_review",
      name: "Step 4: formal review meeting in the following half term",
      // Not once attendance since the contract has reached the agreed level: that case closes.
      when: {
        kind: "all",
        of: [{ kind: "review_due" }, { kind: "not", condition: AGREED_LEVEL_REACHED }],
      },
      inStage: "formal_support",
      actions: [
        { type: "letter", letter: "dfe_review_invite" },
        { type: "meeting", meeting: "review_meeting", noticeDays: 7 },
        { type: "start_stage", stage: "formal_review" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "step_4_notice_to_improve",
      name: "Step 4: no improvement at the formal review: notice to improve",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 1 },
        ],
      },
      inStage: "formal_review",
      actions: [{ type: "notice_to_improve" }, { type: "start_stage", stage: "notice_to_improve" }],
      repeat: "once_per_stage",
      discretionary: true,
    },
    {
      id: "step_improving",
      name: "Attendance is improving: continue to monitor and support",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "improved", minimumPoints: 1 },
          { kind: "not", condition: AGREED_LEVEL_REACHED },
        ],
      },
      actions: [{ type: "praise" }],
      repeat: "once_per_stage",
    },
    {
      id: "step_improved",
      name: "Attendance has reached the agreed level: support ends",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "improved", minimumPoints: 1 },
          AGREED_LEVEL_REACHED,
        ],
      },
      actions: [{ type: "praise" }, { type: "close_stage", outcome: "improved" }],
      repeat: "once_per_stage",
    },
    {
      id: "step_5_legal_action",
      name: "Step 5: support has failed or not been engaged with: ask the local authority for legal action",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 1 },
        ],
      },
      inStage: "notice_to_improve",
      actions: [
        { type: "referral", to: "legal_intervention" },
        { type: "start_stage", stage: "legal_action" },
      ],
      repeat: "once_per_stage",
      discretionary: true,
    },
    {
      id: "step_5_holiday",
      name: "Step 5: support is not the right tool (term-time holiday): legal action",
      when: {
        kind: "code_count",
        codes: ["G"],
        atLeast: 10,
        window: { unit: "school_weeks", length: 10 },
      },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
    },
    NATIONAL_PENALTY_NOTICE_TRIGGER,
    ...STATUTORY_TRIGGERS,
  ],
  penaltyNotices: NATIONAL_PENALTY_NOTICE_RULES,
  // Issuing a notice to improve moves the case to its stage and its three-week review.
  casework: { noticeToImproveStage: "notice_to_improve" },
};
