import type { Policy } from "../types.ts";
import { NATIONAL_PENALTY_NOTICE_RULES, STATUTORY_TRIGGERS } from "./national.ts";

/**
 * The multi-academy trust's attendance policy (seeds/trust-attendance-policy-with-letters.txt):
 * classification bands with a 97% target; an initial warning below 95%; Stage 1 below 90% (Letter
 * 1, monitored for 4 weeks plus a week per day of further absence); Stage 2 an ISAP meeting and
 * attendance plan (Letter 2) when there is no improvement; Stage 3 referral to the Education Welfare
 * Service (Letter 3) four weeks later without improvement; Stage 4 a penalty notice at 10 sessions of
 * O, U or G within 12 weeks; Stage 5 restarting from the relevant stage when attendance declines
 * again after improving; after two penalty notices to every parent within three years, prosecution
 * instead of a third notice ("a second Fixed Penalty Notice could lead to automatic prosecution"). Lateness: a letter listing the late marks at three in a half term, and a
 * meeting with the EWO and Head of School when lateness goes on ("three to six late marks in a half
 * term": proposed at the fourth, after the letter); a warning letter at 5 U in a half term;
 * persistent lateness is 10 U in 12 weeks.
 */
export const TRUST_POLICY: Policy = {
  name: "Trust attendance policy",
  preset: "trust_policy",
  target: 97,
  bands: [
    { id: "outstanding", name: "Outstanding attendance", colour: "#1a7f37", min: 98 },
    { id: "good", name: "Good attendance", colour: "#4caf50", min: 97 },
    { id: "requires_improvement", name: "Requires improvement", colour: "#c9a800", min: 95 },
    { id: "cause_for_concern", name: "Cause for concern", colour: "#e67e22", min: 92 },
    { id: "at_risk", name: "At risk of persistent absenteeism", colour: "#d35400", min: 90 },
    { id: "persistent_absentee", name: "Persistent absentee", colour: "#c0392b", min: 50 },
    { id: "severely_absent", name: "Severely absent", colour: "#7b241c", min: 0 },
  ],
  stages: [
    {
      id: "stage_1",
      name: "Stage 1: Letter 1 and monitoring",
      order: 1,
      description:
        "Attendance below 90%: Letter 1; the Attendance Leader contacts parents about significant concerns.",
      // The written policy does not say how far absence may push the review back; capping it at 8
      // weeks means a pupil who keeps missing school still reaches Stage 2. Schools may change it.
      review: { weeks: 4, extendWeeksPerDayAbsent: 1, maxWeeks: 8 },
      // "Attendance will be monitored every week"; "the Attendance Leader will contact parents".
      status: "Monitored weekly (Stage 1)",
      cadence: [{ what: "contact", everyWeeks: 1 }],
    },
    {
      id: "stage_2",
      name: "Stage 2: ISAP meeting and attendance plan",
      order: 2,
      description:
        "No improvement after Stage 1: Internal School Attendance Panel with the PSA and Head of School (Letter 2).",
      review: { weeks: 4 },
      status: "On an attendance plan",
      cadence: [{ what: "contact", everyWeeks: 1 }],
    },
    {
      id: "stage_3",
      name: "Stage 3: referral to the Education Welfare Service",
      order: 3,
      description:
        "No improvement within four weeks of the plan: Letter 3; parents at risk of a penalty notice or legal action.",
      review: { weeks: 4 },
    },
  ],
  leave: {
    exceptionalCircumstances: [
      "Service personnel returning from or about to embark on a tour of duty abroad",
      "Other exceptional circumstances at the discretion of the Head of School",
    ],
    holidaysRefused: true,
    refusalLetter: "leave_refused",
    penaltyWithoutNoticeToImprove: true,
  },
  triggers: [
    {
      id: "initial_warning",
      name: "Initial warning: attendance below 95% (cause for concern)",
      when: { kind: "attendance", below: 95, period: "year_to_date", minimumSessions: 30 },
      inStage: "none",
      actions: [{ type: "letter", letter: "trust_initial_warning" }],
      repeat: "once_per_year",
      manualReviewFlags: ["medical_condition"],
    },
    {
      id: "stage_1",
      name: "Stage 1: attendance below 90%",
      when: { kind: "attendance", below: 90, period: "year_to_date", minimumSessions: 30 },
      inStage: "none",
      actions: [
        { type: "letter", letter: "trust_letter_1" },
        { type: "start_stage", stage: "stage_1" },
      ],
      repeat: "once_per_term",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      id: "stage_2",
      name: "Stage 2: no improvement by the end of the Stage 1 monitoring period",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 1 },
        ],
      },
      inStage: "stage_1",
      actions: [
        { type: "letter", letter: "trust_letter_2" },
        { type: "meeting", meeting: "isap", noticeDays: 7 },
        { type: "attendance_contract" },
        { type: "start_stage", stage: "stage_2" },
      ],
      repeat: "once_per_stage",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      id: "stage_3",
      name: "Stage 3: no improvement within four weeks of the attendance plan",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "not_improved", minimumPoints: 1 },
        ],
      },
      inStage: "stage_2",
      actions: [
        { type: "letter", letter: "trust_letter_3" },
        { type: "referral", to: "education_welfare" },
        { type: "start_stage", stage: "stage_3" },
      ],
      repeat: "once_per_stage",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      id: "stage_improved",
      name: "Stage review: attendance has improved; keep monitoring",
      when: {
        kind: "all",
        of: [{ kind: "review_due" }, { kind: "improvement", expect: "improved", minimumPoints: 1 }],
      },
      actions: [{ type: "close_stage", outcome: "improved" }],
      repeat: "once_per_stage",
    },
    {
      id: "stage_4_penalty_notice",
      name: "Stage 4: 10 sessions of O, U or G within 12 weeks",
      when: {
        kind: "code_count",
        codes: ["O", "U", "G"],
        atLeast: 10,
        window: { unit: "school_weeks", length: 12 },
      },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      // "A second Fixed Penalty Notice could lead to automatic prosecution by the Local Authority
      // under section 444": with no third notice allowed in three years, the next step is legal.
      id: "stage_4_prosecution",
      name: "Stage 4: 10 sessions of O, U or G within 12 weeks after two penalty notices: prosecution",
      when: {
        kind: "all",
        of: [
          {
            kind: "code_count",
            codes: ["O", "U", "G"],
            atLeast: 10,
            window: { unit: "school_weeks", length: 12 },
          },
          { kind: "penalty_notices", atLeast: 2, withinYears: 3, parent: "every" },
        ],
      },
      actions: [{ type: "referral", to: "legal_intervention" }],
      repeat: "each_new_breach",
      manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
    },
    {
      // "Any period of leave taken without the agreement of the School ... will attract a Fixed
      // Penalty Notice": no notice to improve first (leave.penaltyWithoutNoticeToImprove).
      id: "leave_taken_anyway",
      name: "Leave refused by the Head of School and taken anyway: penalty notice",
      when: { kind: "refused_leave_taken", atLeast: 10 },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
    },
    {
      id: "stage_5_decline",
      name: "Stage 5: attendance declining again after improving",
      // This half term's attendance in a worse band than when the last case closed, and below 90%.
      when: {
        kind: "all",
        of: [
          { kind: "band_change", direction: "worse", period: "half_term" },
          { kind: "attendance", below: 90, period: "half_term", minimumSessions: 20 },
        ],
      },
      inStage: "none",
      actions: [{ type: "start_stage", stage: "stage_1" }],
      repeat: "once_per_term",
      discretionary: true,
    },
    {
      id: "late_marks_letter",
      name: "Three late marks this half term: letter with their dates",
      when: { kind: "code_count", codes: ["L", "U"], atLeast: 3, window: { period: "half_term" } },
      actions: [{ type: "letter", letter: "trust_late_marks" }],
      repeat: "once_per_half_term",
    },
    {
      id: "late_marks_meeting",
      name: "Lateness goes on after the letter: meeting with the EWO and Head of School",
      when: { kind: "code_count", codes: ["L", "U"], atLeast: 4, window: { period: "half_term" } },
      // "An action plan and monitoring period will be agreed at the meeting."
      actions: [
        { type: "meeting", meeting: "lateness_meeting", noticeDays: 7 },
        { type: "attendance_contract" },
      ],
      repeat: "once_per_half_term",
    },
    {
      id: "lateness_warning",
      name: "Lateness warning: 5 sessions of U this half term",
      when: { kind: "code_count", codes: ["U"], atLeast: 5, window: { period: "half_term" } },
      actions: [{ type: "letter", letter: "trust_lateness_warning" }],
      repeat: "once_per_half_term",
    },
    {
      id: "persistent_lateness",
      name: "Persistent lateness: 10 sessions of U within 12 weeks",
      when: {
        kind: "code_count",
        codes: ["U"],
        atLeast: 10,
        window: { unit: "school_weeks", length: 12 },
      },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
    },
    ...STATUTORY_TRIGGERS,
  ],
  penaltyNotices: NATIONAL_PENALTY_NOTICE_RULES,
  // "We issue every child with a colour coded letter" each half term: green over 97%, amber 90% to
  // 96.9%, red below 90% (the bands' own edges; the seed's "90% or below" overlaps its amber).
  bandLetters: {
    outstanding: "trust_rag_green",
    good: "trust_rag_green",
    requires_improvement: "trust_rag_amber",
    cause_for_concern: "trust_rag_amber",
    at_risk: "trust_rag_amber",
    persistent_absentee: "trust_rag_red",
    severely_absent: "trust_rag_red",
  },
};
