import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/** Photos are small (a register shows them at 40 px): 2 MB is a phone's full-size JPEG. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const PHOTO_TYPES = ["image/jpeg", "image/png"] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The file's own first bytes, not the name or the header it was sent with, say what it is. */
function sniff(image: Uint8Array): PhotoType | null {
  if (image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => image[i] === b)) return "image/png";
  return null;
}

/** The office uploads a pupil's photo (JPEG or PNG); it replaces the one before. */
export async function uploadPupilPhoto(
  ctx: UseCaseContext,
  input: { pupilId: number; image: Uint8Array },
): Promise<{ contentType: PhotoType; bytes: number }> {
  ctx.access.require("pupils.manage");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  const type = sniff(input.image);
  if (!type) throw new RollbookError("invalid_input", "The photo must be a JPEG or PNG image");
  if (input.image.byteLength > MAX_PHOTO_BYTES)
    throw new RollbookError("invalid_input", "The photo must be at most 2 MB");
  const row = {
    content_type: type,
    image: input.image,
    uploaded_by: ctx.access.signature(),
    uploaded_at: ctx.clock(),
  };
  await inTransaction(ctx, "upload a pupil's photo", (tx) =>
    tx
      .insertInto("pupil_photos")
      .values({ school_id: ctx.access.schoolId, pupil_id: pupil.id, ...row })
      .onConflict((oc) => oc.columns(["school_id", "pupil_id"]).doUpdateSet(row))
      .execute(),
  );
  return { contentType: type, bytes: input.image.byteLength };
}

/** A pupil's photo, for staff who may see the pupil. */
export async function pupilPhoto(
  ctx: UseCaseContext,
  pupilId: number,
): Promise<{ contentType: PhotoType; image: Uint8Array }> {
  ctx.access.require("school.view");
  const pupil = await visiblePupil(ctx.db, ctx.access, pupilId);
  const photo = await ctx.db
    .selectFrom("pupil_photos")
    .select(["content_type", "image"])
    .where("school_id", "=", ctx.access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .executeTakeFirst();
  if (!photo) throw new RollbookError("not_found", "No photo of this pupil");
  return { contentType: photo.content_type, image: photo.image };
}

/** Which of these pupils have a photo (the register asks for the ones that do). */
export async function pupilsWithPhotos(
  db: Kysely<DB>,
  schoolId: number,
  pupilIds: number[],
): Promise<Set<number>> {
  if (pupilIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("pupil_photos")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("pupil_id", "in", pupilIds)
    .execute();
  return new Set(rows.map((r) => r.pupil_id));
}
