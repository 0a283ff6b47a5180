import { currentPolicy } from "../../db/repositories/policies.ts";
import { letterText, MERGE_FIELDS, mergeLetter } from "../../domain/letters/merge.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { momentOf } from "../registers/register.ts";
import { letterInput } from "./letter-data.ts";
import { allLetterTemplates, letterTemplate, saveLetterTemplate } from "./letter-templates.ts";

/** Every letter's wording (the school's own version or the default), and the fields it may merge. */
export async function listLetterTemplates(ctx: UseCaseContext) {
  const { db, access } = ctx;
  access.require("letters.send");
  const templates = await allLetterTemplates(db, access.schoolId);
  const school = await db
    .selectFrom("schools")
    .select((eb) => eb("logo_png", "is not", null).as("hasLogo"))
    .where("id", "=", access.schoolId)
    .executeTakeFirstOrThrow();
  return {
    mergeFields: MERGE_FIELDS,
    letterhead: { hasLogo: Boolean(school.hasLogo) },
    templates: templates.map(({ docx, ...t }) => ({ ...t, hasWordTemplate: docx !== null })),
  };
}

/**
 * Saves new wording for a letter as its next version; a Word template given (base64 DOCX) is
 * saved with it, and without one the current template carries on with the new wording.
 */
export async function changeLetterTemplate(
  ctx: UseCaseContext,
  change: { letterId: string; title: string; body: string; docxBase64?: string | undefined },
): Promise<{ letterId: string; version: number }> {
  const { access } = ctx;
  access.require("school.setup");
  const docx = change.docxBase64 ? Buffer.from(change.docxBase64, "base64") : undefined;
  const version = await inTransaction(ctx, "change letter wording", (tx) =>
    saveLetterTemplate(
      tx,
      access.schoolId,
      { letterId: change.letterId, title: change.title, body: change.body, docx },
      access.signature(),
    ),
  );
  return { letterId: change.letterId, version };
}

/**
 * A letter's wording (saved, or a draft) merged for one pupil, to read before sending; nothing is
 * written. A meeting this afternoon and a review today stand in for the ones a real letter names.
 */
export async function previewLetter(
  ctx: UseCaseContext,
  request: { letterId: string; pupilId: number; body?: string | undefined },
): Promise<{ title: string; text: string }> {
  const { db, access } = ctx;
  access.require("letters.send");
  const today = momentOf(ctx.clock()).date;
  const pupil = await visiblePupil(db, access, request.pupilId);
  const [template, stored] = await Promise.all([
    letterTemplate(db, access.schoolId, request.letterId),
    currentPolicy(db, access.schoolId),
  ]);
  const contact = await db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .orderBy("priority")
    .executeTakeFirst();
  const wording = request.body ?? template.body;
  const { input } = await letterInput(
    db,
    access.schoolId,
    pupil.id,
    contact ?? null,
    stored?.policy,
    today,
    {
      meeting: { scheduledFor: new Date(`${today}T14:00:00Z`), format: "in_person" },
      reviewDate: today,
    },
    wording,
  );
  return { title: template.title, text: letterText(mergeLetter(wording, input)) };
}
