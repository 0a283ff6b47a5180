import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { checkPhoto, type PhotoType } from "../../domain/photos.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

export { MAX_PHOTO_BYTES, PHOTO_TYPES, type PhotoType } from "../../domain/photos.ts";

/** The office uploads a pupil's photo (JPEG or PNG); it replaces the one before. */
export async function uploadPupilPhoto(
  ctx: UseCaseContext,
  input: { pupilId: number; image: Uint8Array },
): Promise<{ contentType: PhotoType; bytes: number }> {
  ctx.access.require("pupils.manage");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  const checked = checkPhoto(input.image);
  if (!checked.ok) throw new RollbookError("invalid_input", checked.reason);
  const type = checked.type;
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
