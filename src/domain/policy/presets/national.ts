import type { PenaltyNoticeRules, Trigger } from "../types.ts";

/**
 * The national framework for penalty notices from 19 August 2024 (SI 2024/210): a penalty notice
 * must be considered at 10 sessions of unauthorised absence (any mix of G, N, O, U) within a rolling
 * 10 school weeks; £80 if paid within 21 days, £160 within 28; a second notice to the same parent
 * for the same child within 3 years is £160 with no reduction; no third within 3 years.
 */
export const NATIONAL_PENALTY_NOTICE_RULES: PenaltyNoticeRules = {
  firstNotice: {
    reducedAmount: 8_000,
    reducedWithinDays: 21,
    fullAmount: 16_000,
    fullWithinDays: 28,
  },
  secondNotice: { amount: 16_000, withinDays: 28 },
  repeatWindowYears: 3,
  maxNoticesInWindow: 2,
};

export const NATIONAL_PENALTY_NOTICE_TRIGGER: Trigger = {
  id: "national_penalty_notice",
  name: "National penalty-notice threshold: 10 unauthorised sessions in 10 school weeks",
  when: {
    kind: "code_count",
    codes: ["G", "N", "O", "U"],
    atLeast: 10,
    window: { unit: "school_weeks", length: 10 },
  },
  actions: [{ type: "consider_penalty_notice" }],
  repeat: "each_new_breach",
  manualReviewFlags: ["medical_condition", "ehcp", "has_social_worker", "looked_after"],
};

/** Duties every school has whatever its policy says. */
export const STATUTORY_TRIGGERS: Trigger[] = [
  {
    id: "children_missing_education",
    name: "10 school days of continuous unauthorised absence: tell the local authority",
    when: { kind: "absence_days", codes: ["G", "N", "O"], atLeast: 10, mode: "consecutive" },
    actions: [{ type: "referral", to: "children_missing_education" }],
    repeat: "each_new_breach",
  },
  {
    id: "illness_15_days",
    name: "15 school days of illness, consecutive or cumulative: the local authority's sickness return",
    when: {
      kind: "any",
      of: [
        { kind: "absence_days", codes: ["I"], atLeast: 15, mode: "consecutive" },
        { kind: "absence_days", codes: ["I"], atLeast: 15, mode: "cumulative" },
      ],
    },
    actions: [{ type: "referral", to: "la_illness_return" }],
    repeat: "once_per_year",
  },
  {
    id: "notify_social_worker",
    name: "Unauthorised or unexplained absence of a pupil with a social worker: tell the social worker",
    when: {
      kind: "all",
      of: [
        { kind: "flag", flag: "has_social_worker" },
        {
          kind: "code_count",
          codes: ["G", "N", "O", "U"],
          atLeast: 1,
          window: { unit: "school_days", length: 1 },
        },
      ],
    },
    actions: [{ type: "notify_social_worker" }],
    repeat: "each_new_breach",
  },
];
