import { SLOTS_PER_YEAR, type YearMarks } from "./marks.ts";

/**
 * Every pupil's compact year for one academic year in one buffer: pupil `i` (id `pupilIds[i]`)
 * holds slots `[i * SLOTS_PER_YEAR, (i + 1) * SLOTS_PER_YEAR)` of `marks`. One allocation for a
 * school of any size, read straight from the database's bytes, and scanned without a per-pupil
 * object.
 */
export interface SchoolYearMarks {
  startYear: number;
  pupilIds: Int32Array;
  marks: Uint8Array;
}

export function schoolYearMarksOf(
  startYear: number,
  years: ReadonlyMap<number, YearMarks>,
): SchoolYearMarks {
  const pupilIds = new Int32Array(years.size);
  const marks = new Uint8Array(years.size * SLOTS_PER_YEAR);
  let i = 0;
  for (const [pupilId, year] of years) {
    pupilIds[i] = pupilId;
    marks.set(year, i * SLOTS_PER_YEAR);
    i++;
  }
  return { startYear, pupilIds, marks };
}

/** Pupil `i`'s year: a view, not a copy. */
export function yearMarksAt(school: SchoolYearMarks, i: number): YearMarks {
  return school.marks.subarray(i * SLOTS_PER_YEAR, (i + 1) * SLOTS_PER_YEAR);
}

/** The same marks keyed by pupil id, each a view into the one buffer. */
export function yearMarksByPupil(school: SchoolYearMarks): Map<number, YearMarks> {
  const byPupil = new Map<number, YearMarks>();
  for (let i = 0; i < school.pupilIds.length; i++)
    byPupil.set(school.pupilIds[i] as number, yearMarksAt(school, i));
  return byPupil;
}
