import { z } from "zod";
import { id, isoDate, schoolParams } from "../params.ts";

export const contractParams = schoolParams.extend({ contractId: id });

const line = (max: number) => z.string().trim().min(1).max(max);

export const agreeContractBody = z.object({
  kind: z.enum(["attendance_contract", "attendance_plan"]).default("attendance_contract"),
  /** The meeting held with the parent it was agreed at; by default the case's latest. */
  meetingId: id.nullable().default(null),
  targetPercent: z.number().min(0).max(100),
  targets: z
    .array(z.object({ percent: z.number().min(0).max(100), by: isoDate }))
    .max(10)
    .default([]),
  barriers: z.array(line(500)).max(30).default([]),
  support: z
    .array(
      z.object({
        by: z.enum(["school", "parent", "partner"]),
        partner: z.string().max(200).optional(),
        action: line(1000),
        owner: z.string().trim().max(200).optional(),
        due: isoDate.optional(),
      }),
    )
    .min(1, "give at least one support action")
    .max(50),
  parentCommitments: z.array(line(500)).max(30).default([]),
  pupilCommitments: z.array(line(500)).max(30).default([]),
  parentsAgreed: z.array(line(200)).max(4).default([]),
  reviewWeeks: z.number().int().min(1).max(26).optional(),
  moveToStage: z.string().min(1).max(60).optional(),
});

export const agreedContract = z.object({
  contractId: z.number(),
  reviewOn: z.string(),
  meetingId: z.number(),
});

export const reviewContractBody = z.object({
  outcome: z.string().trim().min(1).max(500),
  notes: z.string().max(10_000).nullable().default(null),
  nextReviewWeeks: z.number().int().min(1).max(26).optional(),
  moveToStage: z.string().min(1).max(60).optional(),
});

const ratio = z.object({ numerator: z.number(), denominator: z.number() });
export const contractReview = z.object({
  reviewId: z.number(),
  improved: z.boolean(),
  since: ratio,
  baseline: ratio,
  explanation: z.string(),
});

export const endContractBody = z.object({
  step: z.enum(["termination_warning", "terminated"]),
  reason: z.string().trim().min(1).max(1000),
});

export const endedContract = z.object({
  contractId: z.number(),
  status: z.enum(["termination_warning", "terminated"]),
});

export const documentQuery = z.object({ format: z.enum(["pdf", "docx"]).default("pdf") });

export type AgreeContractBody = z.input<typeof agreeContractBody>;
export type AgreedContract = z.infer<typeof agreedContract>;
export type ReviewContractBody = z.input<typeof reviewContractBody>;
export type ContractReview = z.infer<typeof contractReview>;

const supportAction = z.object({
  by: z.enum(["school", "parent", "partner"]),
  partner: z.string().optional(),
  action: z.string(),
  owner: z.string().optional(),
  due: z.string().optional(),
});
/** A contract or plan as its case's page shows it, with its reviews in order. */
export const contractDetail = z.object({
  id: z.number(),
  case_id: z.number(),
  kind: z.enum(["attendance_contract", "attendance_plan"]),
  agreed_on: z.string(),
  target_percent: z.number(),
  barriers: z.array(z.string()),
  support: z.array(supportAction),
  targets: z.array(z.object({ percent: z.number(), by: z.string() })),
  parent_commitments: z.array(z.string()),
  pupil_commitments: z.array(z.string()),
  agreed_by: z.array(z.object({ name: z.string(), on: z.string() })),
  review_on: z.string(),
  baseline_attended: z.number(),
  baseline_possible: z.number(),
  status: z.enum(["active", "termination_warning", "terminated", "completed"]),
  recorded_by: z.string(),
  meeting_id: z.number().nullable(),
  reviews: z.array(
    z.object({
      id: z.number(),
      reviewed_on: z.string(),
      attended: z.number(),
      possible: z.number(),
      improved: z.boolean(),
      outcome: z.string(),
      notes: z.string().nullable(),
      recorded_by: z.string(),
    }),
  ),
});
export type ContractDetail = z.infer<typeof contractDetail>;
