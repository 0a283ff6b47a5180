import { z } from "zod";
import { id, isoDate, schoolParams } from "../params.ts";

export const letterId = z.string().regex(/^[a-z0-9_]{2,60}$/, "a letter id such as trust_letter_1");

/** A batch to write in the background: the colour-coded letters by band, or one letter to many pupils. */
export const letterJobBody = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("by_band"),
    /** Band id to letter id; by default the policy's own bandLetters. */
    letters: z.record(z.string().min(1).max(60), letterId).optional(),
  }),
  z.object({
    kind: z.literal("letters"),
    letterId,
    pupilIds: z.array(id).min(1).max(5000),
    meetingId: id.nullable().default(null),
    reviewDate: isoDate.nullable().default(null),
  }),
]);

export const letterJob = z.object({
  id: z.number(),
  kind: z.string(),
  status: z.enum(["queued", "running", "done", "failed"]),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  /** Once done: the batches written (as POST /letters or /letters/by-band answer). */
  result: z.unknown(),
  error: z.string().nullable(),
  startedBy: z.string(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});
export type LetterJobView = z.infer<typeof letterJob>;
export const letterJobParams = schoolParams.extend({ jobId: id });

export const emailedBatch = z.object({
  queued: z.array(z.object({ letterRecordId: z.number(), to: z.string() })),
  toPost: z.array(
    z.object({ letterRecordId: z.number(), addressee: z.string(), reason: z.string() }),
  ),
});
export type EmailedBatchView = z.infer<typeof emailedBatch>;
export const batchParams = schoolParams.extend({ batchId: z.uuid() });

/** Uploads travel as base64 inside the JSON; null removes. */
export const logoBody = z.object({ imageBase64: z.string().max(1_500_000).nullable() });
export const logoSaved = z.object({
  logo: z
    .object({ type: z.enum(["png", "jpeg"]), width: z.number(), height: z.number() })
    .nullable(),
});
export type LogoSavedView = z.infer<typeof logoSaved>;

export const wordTemplateParams = schoolParams.extend({ letterId });
export const wordTemplateBody = z.object({ docxBase64: z.string().max(10_000_000).nullable() });
export const wordTemplateSaved = z.object({ letterId: z.string(), version: z.number() });
export type WordTemplateSavedView = z.infer<typeof wordTemplateSaved>;
