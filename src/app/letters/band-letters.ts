import { currentPolicy } from "../../db/repositories/policies.ts";
import { pupilsOnRollWithGroup } from "../../db/repositories/pupils.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { RollbookError } from "../../domain/errors.ts";
import { bandOf } from "../../domain/policy/bands.ts";
import { pupilStatistics } from "../../domain/statistics.ts";
import { talliesOver } from "../attendance-statistics.ts";
import type { UseCaseContext } from "../context.ts";
import { momentOf } from "../registers/register.ts";
import { type IssuedLetters, issueBatches, type LetterProgress } from "./issue-letters.ts";
import { letterTemplate } from "./letter-templates.ts";

export interface BandLetters {
  /** For each band written to: how many pupils are in it, and the batch of its letter. */
  bands: { bandId: string; band: string; letterId: string; pupils: number; batch: IssuedLetters }[];
  /** Pupils on roll with no attendance yet this year: no band, so no letter. */
  withoutBand: number;
}

/** Who gets which band's letter, worked out before any is written (a job knows its total). */
export interface BandPlan {
  chosen: { band: { id: string; name: string }; letterId: string; pupilIds: number[] }[];
  withoutBand: number;
}

/**
 * "We review each child's attendance each half term and issue every child with a colour coded
 * letter": every pupil on roll gets the letter chosen for the band their attendance this year puts
 * them in, one batch per letter. Bands with no letter chosen are left out.
 */
export async function issueLettersByBand(
  ctx: UseCaseContext,
  lettersByBand: Record<string, string>,
  onProgress?: LetterProgress,
): Promise<BandLetters> {
  return writeBandLetters(ctx, await planLettersByBand(ctx, lettersByBand), onProgress);
}

/** The pupils in each band with a letter chosen; refuses unknown bands and letters. */
export async function planLettersByBand(
  ctx: UseCaseContext,
  lettersByBand: Record<string, string>,
): Promise<BandPlan> {
  const { db, access } = ctx;
  const today = momentOf(ctx.clock()).date;
  access.require("letters.send");
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored) throw new RollbookError("invalid_input", "The school has no attendance policy yet");
  const bands = stored.policy.bands;
  const unknown = Object.keys(lettersByBand).filter((id) => !bands.some((b) => b.id === id));
  if (unknown.length > 0)
    throw new RollbookError(
      "invalid_input",
      `No band ${unknown.join(", ")} in the policy; its bands are ${bands.map((b) => b.id).join(", ")}`,
    );
  if (Object.keys(lettersByBand).length === 0)
    throw new RollbookError("invalid_input", "Choose a letter for at least one band");
  for (const letterId of new Set(Object.values(lettersByBand)))
    await letterTemplate(db, access.schoolId, letterId);

  const year = { from: academicYearBounds(academicYearOf(today)).from, to: today };
  const pupils = await pupilsOnRollWithGroup(db, access.schoolId, { from: today, to: today });
  const tallies = await talliesOver(
    db,
    access.schoolId,
    year,
    pupils.map((p) => p.id),
  );
  const inBand = new Map<string, number[]>();
  let withoutBand = 0;
  for (const pupil of pupils) {
    const tally = tallies.get(pupil.id);
    const band = tally ? bandOf(bands, pupilStatistics(tally).attendanceRate) : undefined;
    if (!band) withoutBand++;
    else if (inBand.has(band.id)) inBand.get(band.id)?.push(pupil.id);
    else inBand.set(band.id, [pupil.id]);
  }
  const chosen = bands.flatMap((band) => {
    const letterId = lettersByBand[band.id];
    const pupilIds = inBand.get(band.id) ?? [];
    return letterId && pupilIds.length > 0 ? [{ band, letterId, pupilIds }] : [];
  });
  return { chosen, withoutBand };
}

/** Writes the planned bands' letters, one batch per band. */
export async function writeBandLetters(
  ctx: UseCaseContext,
  { chosen, withoutBand }: BandPlan,
  onProgress?: LetterProgress,
): Promise<BandLetters> {
  // Every band's letters are recorded together: a failure part-way leaves none half-sent.
  const batches =
    chosen.length > 0
      ? await issueBatches(
          ctx,
          chosen.map(({ letterId, pupilIds }) => ({ letterId, pupilIds })),
          onProgress,
        )
      : [];
  return {
    bands: chosen.map(({ band, letterId, pupilIds }, i) => ({
      bandId: band.id,
      band: band.name,
      letterId,
      pupils: pupilIds.length,
      batch: batches[i] as IssuedLetters,
    })),
    withoutBand,
  };
}

/**
 * The letter for each band: those chosen, or the policy's own bandLetters. Refused when neither
 * names any (POST /letters/by-band and a by-band letter job both start here).
 */
export async function chosenBandLetters(
  ctx: UseCaseContext,
  chosen: Record<string, string> | undefined,
): Promise<Record<string, string>> {
  ctx.access.require("letters.send");
  const letters = chosen ?? (await currentPolicy(ctx.db, ctx.access.schoolId))?.policy.bandLetters;
  if (!letters)
    throw new RollbookError(
      "invalid_input",
      "The policy names no letter for its bands: choose a letter for each band to write to",
    );
  return letters;
}
