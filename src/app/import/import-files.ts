import type { IsoDate } from "../../domain/dates.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { type CtfImportResult, importCtf } from "../ctf/import-ctf.ts";
import { momentOf } from "../registers/register.ts";
import type { TextEncoding } from "./encoding.ts";
import { importContacts } from "./import-contacts.ts";
import { importMarks, type MarkImportResult } from "./import-marks.ts";
import { importPupils, type PupilImportResult } from "./import-pupils.ts";

/**
 * Files the office uploads (pupils, contacts, marks from the MIS; a joining pupil's CTF): each
 * import is one change, written in one transaction with its access-log row, so an import and
 * the record that it was made stand or fall together.
 */
export async function importPupilFile(
  ctx: UseCaseContext,
  upload: { file: string; preset?: string; confirm?: string; encoding?: TextEncoding },
): Promise<PupilImportResult> {
  ctx.access.require("pupils.manage");
  const { file, ...options } = upload;
  return inTransaction(ctx, "import pupils", (tx) =>
    importPupils(tx, ctx.access.schoolId, file, options),
  );
}

export async function importContactFile(
  ctx: UseCaseContext,
  upload: { csv: string },
): Promise<{ saved: number }> {
  ctx.access.require("pupils.manage");
  return inTransaction(ctx, "import contacts", (tx) =>
    importContacts(tx, ctx.access.schoolId, upload.csv),
  );
}

/** Marks from a file; with a reason, marks already recorded may be amended (marks.amend). */
export async function importMarkFile(
  ctx: UseCaseContext,
  upload: { csv: string; amendReason: string | null },
): Promise<MarkImportResult> {
  const { access } = ctx;
  access.require("pupils.manage");
  if (upload.amendReason) access.require("marks.amend");
  return inTransaction(ctx, "import marks", (tx) =>
    importMarks(tx, access.schoolId, upload.csv, {
      by: `${access.signature()} by import`,
      today: momentOf(ctx.clock()).date,
      amendReason: upload.amendReason,
    }),
  );
}

export async function importCtfFile(
  ctx: UseCaseContext,
  upload: { xml: string; admitOn: IsoDate | null },
): Promise<CtfImportResult> {
  const { access } = ctx;
  access.require("pupils.manage");
  return inTransaction(ctx, "import CTF", (tx) =>
    importCtf(tx, access.schoolId, upload.xml, {
      by: `${access.signature()} by CTF import`,
      userId: access.accountId,
      admitOn: upload.admitOn,
      at: ctx.clock(),
    }),
  );
}
