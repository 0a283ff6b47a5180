/**
 * What a pupil's photo may be, whoever sends it (an upload from the office, the MIS's sync): a
 * JPEG or PNG, by its own first bytes rather than its name or the header it came with, up to 2 MB
 * (a register shows it at 40 px; 2 MB is a phone's full-size JPEG).
 */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const PHOTO_TYPES = ["image/jpeg", "image/png"] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The image's type from its first bytes; null when it is neither a JPEG nor a PNG. */
export function sniffPhoto(image: Uint8Array): PhotoType | null {
  if (image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => image[i] === b)) return "image/png";
  return null;
}

/** The photo's type, or why it cannot be a pupil's photo. */
export function checkPhoto(
  image: Uint8Array,
): { ok: true; type: PhotoType } | { ok: false; reason: string } {
  const type = sniffPhoto(image);
  if (!type) return { ok: false, reason: "The photo must be a JPEG or PNG image" };
  if (image.byteLength > MAX_PHOTO_BYTES)
    return { ok: false, reason: "The photo must be at most 2 MB" };
  return { ok: true, type };
}
