import { z } from "zod";
import { policySchema } from "../../app/policy/policy-schema.ts";
import { pupilFlag } from "../../domain/policy/fields.ts";
import { actionSchema, bandSchema, policyDocumentSchema } from "../../domain/policy/schema.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { Wire } from "../wire.ts";

// The ready-made policies, and the condition kinds the editor builds its boxes from.
const fieldDescription = z.object({
  path: z.string(),
  label: z.string(),
  meaning: z.string(),
  adjustable: z.boolean().optional(),
  conditions: z.enum(["one", "list"]).optional(),
});
const conditionKind = z.object({
  kind: z.string(),
  title: z.string(),
  summary: z.string(),
  fields: z.array(fieldDescription),
});
export const presetList = z.object({
  presets: z.array(
    z.object({
      preset: z.string(),
      name: z.string(),
      target: z.number(),
      bands: z.array(bandSchema),
      stages: z.array(z.string()),
      triggers: z.array(z.string()),
    }),
  ),
  conditionKinds: z.array(conditionKind),
});
export const presetParams = z.object({ preset: z.string().min(1).max(100) });
export const presetResponse = z.object({ preset: z.string(), policy: policyDocumentSchema });

export const policyInForce = z.object({
  version: z.number(),
  createdBy: z.string(),
  createdAt: z.date(),
  policy: policyDocumentSchema,
});
export const policyVersionList = z.object({
  versions: z.array(
    z.object({
      version: z.number(),
      name: z.string(),
      preset: z.string().nullable(),
      created_by: z.string(),
      created_at: z.date(),
    }),
  ),
});
export const savePolicyBody = policySchema;
export const policySaved = z.object({ version: z.number() });
export const adoptBody = z.object({ preset: z.string().min(1) });
export const policyAdopted = z.object({ version: z.number(), name: z.string() });

export const simulateBody = z.object({
  policy: policySchema.optional(),
  from: isoDate,
  to: isoDate,
  limit: z.number().int().min(0).max(5000).default(500),
});
export const simulation = z.object({
  from: z.string(),
  to: z.string(),
  schoolDays: z.number(),
  pupils: z.number(),
  /** The first `limit` proposals. */
  proposals: z.array(
    z.object({
      date: z.string(),
      pupilId: z.number(),
      upn: z.string(),
      name: z.string(),
      triggerId: z.string(),
      triggerName: z.string(),
      actions: z.array(actionSchema),
      explanation: z.string(),
      manualReview: z.boolean(),
    }),
  ),
  totalProposals: z.number(),
  byTrigger: z.array(
    z.object({
      triggerId: z.string(),
      name: z.string(),
      proposals: z.number(),
      pupils: z.number(),
    }),
  ),
});

export const evaluateBody = z.object({ date: isoDate.optional() }).default({});
export const evaluationSummary = z.object({
  asOf: z.string(),
  policyVersion: z.number(),
  pupils: z.number(),
  proposed: z.number(),
  alreadyProposed: z.number(),
  byTrigger: z.record(z.string(), z.number()),
});

// Proposed actions: what the policy proposes, decided by people.
export const proposalQuery = z.object({
  status: z.enum(["proposed", "accepted", "dismissed"]).default("proposed"),
  pupilId: id.optional(),
  triggerId: z.string().min(1).max(60).optional(),
  /** Pupils whose open case is at this stage; "none" for pupils with no open case. */
  stageId: z.string().min(1).max(60).optional(),
  yearGroupId: z.coerce.number().int().min(1).optional(),
  flag: pupilFlag.optional(),
  /** "pupil": one pupil's proposals together, so overlapping ones are decided side by side. */
  order: z.enum(["newest", "pupil"]).default("newest"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Paging: the proposals after the first `offset`, in the same order. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /**
   * Each proposal's evidence (the sessions it was drawn from): large, and My actions shows only
   * the explanation, so it is sent when asked for.
   */
  withEvidence: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});
const proposedAction = z.object({
  id: z.number(),
  pupil_id: z.number(),
  pupil: z.string(),
  upn: z.string(),
  trigger_id: z.string(),
  trigger_name: z.string(),
  actions: z.array(actionSchema),
  explanation: z.string(),
  /** What the conditions found, as the evaluation recorded it. */
  evidence: z.unknown(),
  manual_review: z.boolean(),
  proposed_on: z.string(),
  status: z.enum(["proposed", "accepted", "dismissed"]),
  decided_by: z.string().nullable(),
  decided_at: z.date().nullable(),
  decision_reason: z.string().nullable(),
  case_id: z.number().nullable(),
});
export const proposalList = z.object({
  filters: z.object({
    stages: z.array(z.object({ id: z.string(), name: z.string(), status: z.string().nullable() })),
    yearGroups: z.array(z.object({ id: z.number(), name: z.string() })),
  }),
  /** Every proposal matching, not only this page. */
  total: z.number(),
  proposedActions: z.array(proposedAction),
});

export const proposalParams = schoolParams.extend({ proposalId: id });
export const decideBody = z.object({
  proposalIds: z.array(id).min(1, "choose at least one proposal").max(500),
  decision: z.enum(["accept", "dismiss"]),
  reason: z.string().trim().max(1000).nullable().default(null),
});
export const proposalDecision = z.object({
  proposalId: z.number(),
  status: z.enum(["accepted", "dismissed"]),
  caseId: z.number().nullable(),
  /** The pupil's other proposals an acceptance settled (dismissed as superseded). */
  superseded: z.array(z.number()).default([]),
});
export const decided = z.object({
  decided: z.array(proposalDecision),
  /** Proposals already decided by someone else, each with why. */
  refused: z.array(z.object({ proposalId: z.number(), reason: z.string() })),
  /** Selected proposals already settled by an earlier acceptance in the same batch. */
  superseded: z.array(z.number()).default([]),
});
export const dismissBody = z.object({ reason: z.string().trim().min(1, "say why").max(1000) });

export type PresetList = z.infer<typeof presetList>;
export type PolicyInForce = Wire<z.infer<typeof policyInForce>>;
export type PolicyVersionList = Wire<z.infer<typeof policyVersionList>>;
export type SimulationView = z.infer<typeof simulation>;
export type EvaluationSummaryView = z.infer<typeof evaluationSummary>;
export type ProposedActionView = Wire<z.infer<typeof proposedAction>>;
export type ProposalList = Wire<z.infer<typeof proposalList>>;
export type DecideBody = z.input<typeof decideBody>;
export type Decided = z.infer<typeof decided>;
