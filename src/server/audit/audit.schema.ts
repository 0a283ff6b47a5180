import { z } from "zod";
import { RETENTION_KINDS } from "../../app/audit/retention.ts";
import type { RetentionKind } from "../../db/schema.ts";
import { id, schoolParams } from "../params.ts";

export const pupilParams = schoolParams.extend({ pupilId: id });

/** Every table's rows about the pupil, under its own name; safeguarding parts only for the DSL. */
export const subjectAccessResponse = {
  description: "Everything held on the pupil, as a JSON file to hand over",
  content: {
    "application/json": {
      schema: z.looseObject({ exportedAt: z.string(), withheld: z.string().optional() }),
    },
  },
};

export const accessLogResponse = z.object({
  entries: z.array(
    z.object({
      at: z.date(),
      actor: z.string(),
      action: z.enum(["view", "change", "export"]),
      what: z.string(),
      status: z.number(),
    }),
  ),
});

const kind = z.enum(RETENTION_KINDS as [RetentionKind, ...RetentionKind[]]);
const retentionRule = z.object({
  kind,
  keep_years: z.number(),
  set_by: z.string(),
  set_at: z.date(),
});
export const retentionResponse = z.object({
  kinds: z.array(kind),
  rules: z.array(retentionRule),
});
export const retentionParams = schoolParams.extend({ kind });
export const retentionBody = z.object({ keepYears: z.number().int().min(1).max(100) });
export const retentionChanged = z.object({
  rules: z.array(retentionRule),
  /** What the next purge would remove, counted without removing it. */
  wouldPurge: z.partialRecord(kind, z.number()),
});
/** What the web app receives (dates as JSON sends them). */
export type AccessLogEntryView = Omit<
  z.infer<typeof accessLogResponse>["entries"][number],
  "at"
> & {
  at: string;
};
