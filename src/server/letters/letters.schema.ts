import { z } from "zod";
import { issuedLetters } from "../cases/meetings.schema.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { Wire } from "../wire.ts";

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

// Letter wording: every letter's template, the merge fields, a preview for one pupil.
export const letterTemplateList = z.object({
  /** Each merge field and what it becomes: {date}, {addressee}... */
  mergeFields: z.record(z.string(), z.string()),
  letterhead: z.object({ hasLogo: z.boolean() }),
  templates: z.array(
    z.object({
      letterId: z.string(),
      title: z.string(),
      body: z.string(),
      /** 0 is Rollbook's default wording; the school's own saves are 1, 2, ... */
      version: z.number(),
      family: z.string(),
      /** What the letter sends with it, as further pages. */
      encloses: z.array(z.enum(["registration_certificate", "contract"])).readonly(),
      hasWordTemplate: z.boolean(),
    }),
  ),
});
export const templateParams = schoolParams.extend({ letterId });
export const templateBody = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(20_000),
  docxBase64: z.string().max(10_000_000).optional(),
});
export const templateSaved = z.object({ letterId: z.string(), version: z.number() });
export const previewBody = z.object({
  letterId,
  pupilId: id,
  body: z.string().max(20_000).optional(),
});
export const letterPreview = z.object({ title: z.string(), text: z.string() });

// Writing letters: to chosen pupils, by band, from accepted proposals.
export const batchList = z.object({
  batches: z.array(
    z.object({
      batch_id: z.string().nullable(),
      letter_id: z.string(),
      letters: z.number(),
      issued_at: z.date(),
    }),
  ),
});
export const writeLettersBody = z.object({
  letterId,
  pupilIds: z.array(id).min(1).max(2000),
  meetingId: id.nullable().default(null),
  reviewDate: isoDate.nullable().default(null),
});
export const writtenBatch = issuedLetters;
export const byBandBody = z.object({
  /** Band id to letter id; by default the policy's own bandLetters. */
  letters: z.record(z.string().min(1).max(60), letterId).optional(),
});
export const bandBatches = z.object({
  /** For each band written to: how many pupils are in it, and the batch of its letter. */
  bands: z.array(
    z.object({
      bandId: z.string(),
      band: z.string(),
      letterId: z.string(),
      pupils: z.number(),
      batch: issuedLetters,
    }),
  ),
  /** Pupils on roll with no attendance yet this year: no band, so no letter. */
  withoutBand: z.number(),
});
export const fromProposalsBody = z.object({ letterId: letterId.nullable().default(null) });
export const proposalBatches = z.object({ batches: z.array(issuedLetters) });

// Letters sent: a pupil's, and the files.
export const pupilLettersParams = schoolParams.extend({ pupilId: id });
export const pupilLetterList = z.object({
  letters: z.array(
    z.object({
      id: z.number(),
      letter_id: z.string(),
      addressee: z.string(),
      issued_on: z.string(),
      issued_by: z.string(),
      content: z.string(),
      case_id: z.number().nullable(),
      batch_id: z.string().nullable(),
    }),
  ),
});
export const letterFileParams = schoolParams.extend({
  letterRecordId: id,
  format: z.enum(["pdf", "docx"]),
});
export const batchFileParams = schoolParams.extend({
  batchId: z.uuid(),
  format: z.enum(["pdf", "zip"]),
});

export type LetterTemplateList = z.infer<typeof letterTemplateList>;
export type TemplateBody = z.input<typeof templateBody>;
export type LetterPreview = z.infer<typeof letterPreview>;
export type BatchList = Wire<z.infer<typeof batchList>>;
export type WriteLettersBody = z.input<typeof writeLettersBody>;
export type WrittenBatch = z.infer<typeof writtenBatch>;
export type BandBatches = z.infer<typeof bandBatches>;
export type ProposalBatches = z.infer<typeof proposalBatches>;
export type PupilLetterList = z.infer<typeof pupilLetterList>;
