import type { Policy } from "../types.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
  STATUTORY_TRIGGERS,
} from "./national.ts";

/**
 * The local authority's absence management process (seeds/la-absence-management-levels.txt):
 * Level 1, attendance 93-100%, met by universal services in school; when attendance starts to
 * decline, a 6-week support and monitoring period (conversations, mentoring, an attendance action
 * plan); if that fails to maintain attendance or stop the decline, transition to Level 2.
 */
export const LA_LEVELS_POLICY: Policy = {
  name: "Local authority absence management: Level 1",
  preset: "la_levels",
  target: 96,
  localAuthorityTarget: 96,
  bands: [
    { id: "level_1", name: "Level 1: universal support (93-100%)", colour: "#2e7d32", min: 93 },
    { id: "level_2", name: "Level 2: targeted support (below 93%)", colour: "#e65100", min: 0 },
  ],
  stages: [
    {
      id: "level_1_support",
      name: "Level 1 support and monitoring (6 weeks)",
      order: 1,
      description:
        "Talk with the child and parents, mentoring, attendance action plan; reviewed after 6 weeks.",
      review: { weeks: 6 },
    },
    {
      id: "level_2",
      name: "Level 2: targeted support",
      order: 2,
      description: "Greater support and intervention, with the local authority's early help.",
    },
  ],
  triggers: [
    {
      id: "level_1_decline",
      name: "Level 1: attendance starting to decline (below the 96% target this half term)",
      // Not judged on the first day or two of a half term: one absence there is not a decline.
      when: { kind: "attendance", below: 96, period: "half_term", minimumSessions: 20 },
      inStage: "none",
      actions: [
        { type: "meeting", meeting: "attendance_clinic", noticeDays: 7 },
        { type: "start_stage", stage: "level_1_support" },
      ],
      repeat: "once_per_half_term",
      manualReviewFlags: ["medical_condition"],
    },
    {
      id: "level_1_unsuccessful",
      name: "After 6 weeks of Level 1 support: attendance not maintained or still declining",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          {
            kind: "any",
            of: [
              // "Unsuccessful at maintaining attendance ... or preventing a decline": a fall, however
              // small; holding steady in Level 1 is success.
              { kind: "improvement", expect: "not_improved", minimumPoints: 0 },
              { kind: "band", in: ["level_2"] },
            ],
          },
        ],
      },
      inStage: "level_1_support",
      actions: [
        { type: "start_stage", stage: "level_2" },
        { type: "referral", to: "early_help" },
      ],
      repeat: "once_per_stage",
    },
    {
      id: "level_1_successful",
      name: "After 6 weeks of Level 1 support: attendance maintained or improving",
      when: {
        kind: "all",
        of: [
          { kind: "review_due" },
          { kind: "improvement", expect: "improved", minimumPoints: 0 },
          { kind: "band", in: ["level_1"] },
        ],
      },
      inStage: "level_1_support",
      actions: [{ type: "praise" }, { type: "close_stage", outcome: "improved" }],
      repeat: "once_per_stage",
    },
    NATIONAL_PENALTY_NOTICE_TRIGGER,
    ...STATUTORY_TRIGGERS,
  ],
  penaltyNotices: NATIONAL_PENALTY_NOTICE_RULES,
};
