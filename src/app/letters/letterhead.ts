import { RollbookError } from "../../domain/errors.ts";
import { logoImage } from "../../domain/letters/logo.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { letterTemplate, saveLetterTemplate } from "./letter-templates.ts";
import { baseWordTemplate } from "./render-docx.ts";

/** A letterhead logo prints at 72 points: a megabyte is ample, and keeps every letter small. */
export const LOGO_LIMIT_BYTES = 1024 * 1024;

/** Sets (or, with null, removes) the logo printed on every letter's letterhead, PDF and Word. */
export async function saveLetterheadLogo(
  ctx: UseCaseContext,
  logo: Uint8Array | null,
): Promise<{ type: "png" | "jpeg"; width: number; height: number } | null> {
  const { access } = ctx;
  access.require("school.setup");
  const image = logo ? logoImage(logo) : null;
  if (logo && !image)
    throw new RollbookError("invalid_input", "The logo must be a PNG or JPEG image");
  if (logo && logo.byteLength > LOGO_LIMIT_BYTES)
    throw new RollbookError(
      "too_large",
      `The logo is ${Math.ceil(logo.byteLength / 1024)} KB; the limit is ${LOGO_LIMIT_BYTES / 1024} KB (it prints an inch wide: a smaller image looks the same)`,
    );
  await inTransaction(ctx, "letterhead logo", (tx) =>
    tx
      .updateTable("schools")
      .set({ logo_png: logo ? Buffer.from(logo) : null })
      .where("id", "=", access.schoolId)
      .execute(),
  );
  return image;
}

/** The logo as stored, with its content type; null when the school has none. */
export async function letterheadLogo(
  ctx: UseCaseContext,
): Promise<{ bytes: Buffer; type: string } | null> {
  ctx.access.require("letters.send");
  const school = await ctx.db
    .selectFrom("schools")
    .select("logo_png")
    .where("id", "=", ctx.access.schoolId)
    .executeTakeFirstOrThrow();
  const image = school.logo_png ? logoImage(school.logo_png) : null;
  if (!school.logo_png || !image) return null;
  return { bytes: Buffer.from(school.logo_png), type: `image/${image.type}` };
}

/**
 * Uploads (or, with null, stops using) the Word template of one letter, as its next version with
 * the wording unchanged. Checked first: a real .docx, using only merge fields Rollbook knows.
 */
export async function saveWordTemplate(
  ctx: UseCaseContext,
  letterId: string,
  docx: Uint8Array | null,
): Promise<{ version: number }> {
  const { db, access } = ctx;
  access.require("school.setup");
  const current = await letterTemplate(db, access.schoolId, letterId);
  const version = await inTransaction(ctx, "letter Word template", (tx) =>
    saveLetterTemplate(
      tx,
      access.schoolId,
      { letterId, title: current.title, body: current.body, docx },
      access.signature(),
    ),
  );
  return { version };
}

/** The Word template a letter prints from now: the school's own, or Rollbook's layout to start from. */
export async function wordTemplateFile(
  ctx: UseCaseContext,
  letterId: string,
): Promise<{ file: Buffer; schools: boolean }> {
  ctx.access.require("letters.send");
  const template = await letterTemplate(ctx.db, ctx.access.schoolId, letterId);
  return template.docx
    ? { file: Buffer.from(template.docx), schools: true }
    : { file: baseWordTemplate(), schools: false };
}
