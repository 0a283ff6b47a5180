import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import type { UseCaseContext } from "../context.ts";
import { batchFiles } from "./issue-letters.ts";

export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** A file to save: its bytes, its type and the name it is saved under. */
export interface LetterFile {
  bytes: Uint8Array;
  type: string;
  fileName: string;
}

/** The school's 50 latest batches of letters, each with its letter and how many went. */
export async function listLetterBatches(ctx: UseCaseContext) {
  const { db, access } = ctx;
  access.require("letters.send");
  const batches = await db
    .selectFrom("letters")
    .select([
      "batch_id",
      "letter_id",
      (eb) => eb.fn.countAll<number | string>().as("letters"),
      (eb) => eb.fn.max("issued_at").as("issued_at"),
    ])
    .where("school_id", "=", access.schoolId)
    .groupBy(["batch_id", "letter_id"])
    .orderBy("issued_at", "desc")
    .limit(50)
    .execute();
  // PostgreSQL's count is a bigint, which its driver reads as text.
  // A batch has at least one letter, so its latest issue is never null.
  return batches.map((b) => ({ ...b, letters: Number(b.letters), issued_at: b.issued_at as Date }));
}

/** The letters sent about a pupil, newest first: the family's and the office's to read. */
export async function pupilLetters(ctx: UseCaseContext, pupilId: number) {
  const { db, access } = ctx;
  const pupil = await visiblePupil(db, access, pupilId);
  // Letter text is the family's and the office's: a teacher sees the pupil, not the letters.
  access.requireForPupil("letters.view", pupil.id);
  return db
    .selectFrom("letters")
    .select([
      "id",
      "letter_id",
      "addressee",
      "issued_on",
      "issued_by",
      "content",
      "case_id",
      "batch_id",
    ])
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .orderBy("issued_on", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** One letter sent, as the PDF printed or the Word document. */
export async function letterFile(
  ctx: UseCaseContext,
  request: { letterRecordId: number; format: "pdf" | "docx" },
): Promise<LetterFile> {
  const { db, access } = ctx;
  const letter = await db
    .selectFrom("letters")
    .select(["id", "pupil_id", "pdf", "docx", "letter_id"])
    .where("school_id", "=", access.schoolId)
    .where("id", "=", request.letterRecordId)
    .executeTakeFirst();
  if (!letter) throw new RollbookError("not_found", `No letter ${request.letterRecordId}`);
  await visiblePupil(db, access, letter.pupil_id);
  access.requireForPupil("letters.view", letter.pupil_id);
  const pdf = request.format === "pdf";
  return {
    bytes: pdf ? letter.pdf : letter.docx,
    type: pdf ? "application/pdf" : DOCX_TYPE,
    fileName: `${letter.letter_id}-${letter.id}.${request.format}`,
  };
}

/** A batch as one PDF (every letter on its own pages) or a zip of Word documents. */
export async function letterBatchFile(
  ctx: UseCaseContext,
  request: { batchId: string; format: "pdf" | "zip" },
): Promise<LetterFile> {
  const { db, access } = ctx;
  access.require("letters.send");
  const bytes = await batchFiles(db, access.schoolId, request.batchId, request.format);
  return {
    bytes,
    type: request.format === "pdf" ? "application/pdf" : "application/zip",
    fileName: `letters-${request.batchId}.${request.format}`,
  };
}
