import { isRollbookError, RollbookError } from "../../domain/errors.ts";
import type { UseCaseContext } from "../context.ts";
import { emailLetter } from "../messages/email-letter.ts";

export interface EmailedBatch {
  /** Letters queued to go by email now (or already queued before: never sent twice). */
  queued: { letterRecordId: number; to: string }[];
  /** Letters whose families have no email address: these still go by post. */
  toPost: { letterRecordId: number; addressee: string; reason: string }[];
}

/**
 * Emails every letter of a batch whose family has an email address, each through the one
 * letter-by-email path (its PDF and enclosures attached, once per letter and address), and lists
 * the ones to post.
 */
export async function emailLetterBatch(
  ctx: UseCaseContext,
  batchId: string,
): Promise<EmailedBatch> {
  const { db, access } = ctx;
  access.require("letters.send");
  const letters = await db
    .selectFrom("letters as l")
    .leftJoin("contacts as c", (j) =>
      j.onRef("c.school_id", "=", "l.school_id").onRef("c.id", "=", "l.contact_id"),
    )
    .select(["l.id", "l.addressee", "c.email"])
    .where("l.school_id", "=", access.schoolId)
    .where("l.batch_id", "=", batchId)
    .orderBy("l.id")
    .execute();
  if (letters.length === 0) throw new RollbookError("not_found", `No letters in batch ${batchId}`);
  const emailed: EmailedBatch = { queued: [], toPost: [] };
  for (const letter of letters) {
    // Each letter to its own addressee: another contact's address would send them two letters.
    if (!letter.email?.trim()) {
      emailed.toPost.push({
        letterRecordId: letter.id,
        addressee: letter.addressee,
        reason: `${letter.addressee} has no email address`,
      });
      continue;
    }
    try {
      const { to } = await emailLetter(ctx, { letterRecordId: letter.id, to: letter.email });
      emailed.queued.push({ letterRecordId: letter.id, to });
    } catch (error) {
      if (!isRollbookError(error) || error.code !== "invalid_input") throw error;
      emailed.toPost.push({
        letterRecordId: letter.id,
        addressee: letter.addressee,
        reason: error.message,
      });
    }
  }
  return emailed;
}
