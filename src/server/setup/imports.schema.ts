import { z } from "zod";

/** The MIS whose export the file is, when its header alone does not say. */
export const pupilImportQuery = z.object({
  preset: z
    .enum(["sims", "arbor", "bromcom", "SIMS", "Arbor", "Bromcom"])
    .optional()
    .describe("SIMS, Arbor or Bromcom; otherwise chosen from the header"),
  confirm: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "must be the fingerprint of the summary shown")
    .optional()
    .describe("the fingerprint of the summary confirmed: refused if the import would now differ"),
});

const change = z.object({
  field: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  cleared: z.boolean(),
});
const named = z.object({ upn: z.string(), name: z.string() });

/** What importing a pupils file does (or would do): docs/imports.md. */
export const pupilImportSummary = z.object({
  encoding: z.enum(["UTF-8", "UTF-8 with BOM", "Windows-1252"]).nullable(),
  preset: z.string().nullable(),
  ignoredColumns: z.array(z.string()),
  absentColumns: z.array(z.string()),
  added: z.array(named),
  changed: z.array(named.extend({ changes: z.array(change) })),
  unchanged: z.number().int(),
  left: z.array(named.extend({ leavingDate: z.string() })),
  notInFile: z.number().int(),
  fingerprint: z.string(),
});

export const pupilImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  summary: pupilImportSummary,
});

export type PupilImportSummary = z.infer<typeof pupilImportSummary>;
export type PupilImportResult = z.infer<typeof pupilImportResult>;
