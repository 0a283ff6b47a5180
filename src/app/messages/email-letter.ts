import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { emailHtml } from "./email-html.ts";
import { enqueue } from "./outbox.ts";

/**
 * Emails a letter already issued to its contact (or another address of the pupil's contacts):
 * the letter's words as HTML with a plain-text alternative, and the letter itself attached as the
 * PDF that was issued. Once per letter and address, however often it is asked.
 */
export async function emailLetter(
  ctx: UseCaseContext,
  input: { letterRecordId: number; to?: string | undefined },
): Promise<{ queued: boolean; to: string }> {
  const { access, db } = ctx;
  access.require("letters.send");
  const letter = await db
    .selectFrom("letters")
    .select(["id", "pupil_id", "contact_id", "letter_id", "addressee", "content"])
    .where("school_id", "=", access.schoolId)
    .where("id", "=", input.letterRecordId)
    .executeTakeFirst();
  if (!letter) throw new RollbookError("not_found", `No letter ${input.letterRecordId}`);
  access.requireForPupil("letters.send", letter.pupil_id);
  const contacts = await db
    .selectFrom("contacts")
    .select(["id", "name", "email"])
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", letter.pupil_id)
    .where("email", "is not", null)
    .execute();
  const wanted = input.to?.trim().toLowerCase();
  const contact = wanted
    ? contacts.find((c) => c.email?.toLowerCase() === wanted)
    : (contacts.find((c) => c.id === letter.contact_id) ?? contacts[0]);
  if (!contact?.email)
    throw new RollbookError(
      "invalid_input",
      wanted
        ? `${input.to} is not the email address of any of this pupil's contacts`
        : `None of this pupil's contacts has an email address: post the letter, or add an email address first`,
    );
  const school = await db
    .selectFrom("schools")
    .select("name")
    .where("id", "=", access.schoolId)
    .executeTakeFirstOrThrow();
  const body = `${letter.content.trim()}\n\nThe letter is attached as a PDF.`;
  const email = contact.email;
  const queued = await inTransaction(ctx, "letter emailed", async (tx) => {
    access.audit.subject(letter.pupil_id);
    return enqueue(
      tx,
      {
        schoolId: access.schoolId,
        idempotencyKey: `letter:${letter.id}:${email.toLowerCase()}`,
        channel: "email",
        to: email,
        subject: `A letter from ${school.name}`,
        body,
        html: emailHtml(school.name, body),
        letterId: letter.id,
        pupilId: letter.pupil_id,
        contactId: contact.id,
        purpose: `letter:${letter.letter_id}`,
      },
      ctx.clock(),
    );
  });
  return { queued, to: email };
}
