import type { z } from "zod";
import type {
  actionSchema,
  bandSchema,
  caseworkRulesSchema,
  followUpRulesSchema,
  leaveRulesSchema,
  penaltyNoticeRulesSchema,
  policyDocumentSchema,
  repeatSchema,
  reviewRuleSchema,
  stageSchema,
  triggerSchema,
} from "./schema.ts";

/** The policy document's types, derived from its one definition (schema.ts and conditions/). */
export type Policy = z.infer<typeof policyDocumentSchema>;
export type Band = z.infer<typeof bandSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Repeat = z.infer<typeof repeatSchema>;
export type Trigger = z.infer<typeof triggerSchema>;
export type ReviewRule = z.infer<typeof reviewRuleSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type PenaltyNoticeRules = z.infer<typeof penaltyNoticeRulesSchema>;
export type CaseworkRules = z.infer<typeof caseworkRulesSchema>;
export type FollowUpRules = z.infer<typeof followUpRulesSchema>;
export type LeaveRules = z.infer<typeof leaveRulesSchema>;
export type { Condition } from "./conditions/index.ts";
export type { Percent, Period, PupilFlagName, Window } from "./fields.ts";
