import { z } from "zod";
import { ROLES } from "../auth/auth.schema.ts";

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

// Setting the school up: registration groups and staff accounts.
export const SCHOOL_ROLES = ["teacher", "attendance_officer", "head_of_school", "dsl"] as const;
export const groupBody = z.object({
  name: z.string().trim().min(1).max(50),
  yearGroup: z.string().trim().min(1).max(50).nullable().default(null),
});
export const groupAdded = z.object({ id: z.number(), name: z.string() });
export const staffList = z.object({
  staff: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      email: z.string(),
      role: z.enum(ROLES),
      disabled: z.boolean(),
      /** Signed out after too many wrong passwords, until then. */
      locked_until: z.date().nullable(),
      groups: z.array(z.object({ id: z.number(), name: z.string() })),
    }),
  ),
});
export const staffAdded = z.object({
  id: z.number(),
  email: z.string(),
  role: z.enum(SCHOOL_ROLES),
});

/** Contacts saved, or marks created, amended and left as they were. */
export const fileImported = z.union([
  z.object({ saved: z.number() }),
  z.object({ created: z.number(), amended: z.number(), unchanged: z.number() }),
]);
