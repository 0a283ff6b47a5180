import { z } from "zod";
import { id, isoDate, session } from "../params.ts";

/** One mark amended by the office, with the reason the history keeps. */
export const amendmentBody = z.object({
  pupilId: id,
  date: isoDate,
  session,
  code: z.string().trim().min(1).max(3),
  minutesLate: z.number().int().min(0).max(600).nullable().optional(),
  reason: z.string().trim().min(1, "a reason is required").max(500),
  baseVersion: z.number().int().min(0).optional(),
});
export const amended = z.object({
  created: z.number(),
  amended: z.number(),
  unchanged: z.number(),
  version: z.number(),
});

export type AmendmentBody = z.input<typeof amendmentBody>;
export type Amended = z.infer<typeof amended>;
