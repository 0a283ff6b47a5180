import { z } from "zod";
import { fileResponse } from "../download.ts";
import { id, isoDate, schoolParams } from "../params.ts";

export const pupilCtfParams = schoolParams.extend({ pupilId: id });
export const ctfExportQuery = z.object({
  destLea: z
    .string()
    .regex(/^(\d{3}|MMM|XXX)$/, "must be a 3-digit LA number, or MMM or XXX")
    .optional(),
  destEstab: z
    .string()
    .regex(/^(\d{4}|MMMM|XXXX)$/, "must be a 4-digit establishment number, or MMMM or XXXX")
    .optional(),
});
export const CTF_FILE = fileResponse("application/xml", "The CTF 25 XML file");

export const ctfImportQuery = z.object({ admitOn: isoDate.optional() });
export const ctfImportBody = z
  .string()
  .min(1, "send the CTF file as the request body with Content-Type: application/xml");
export const ctfImported = z.object({
  /** Pupils in the file. */
  pupils: z.number(),
  /** Of them, admitted by this import. */
  admitted: z.number(),
  years: z.object({
    recorded: z.number(),
    superseded: z.number(),
    unchanged: z.number(),
    skipped: z.number(),
  }),
  notes: z.array(z.string()),
});
