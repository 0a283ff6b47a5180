import { z } from "zod";
import { id, isoDate, schoolParams, session } from "../params.ts";

const week = isoDate.optional().describe("any day of the week (default: this week)");

export const rewardsQuery = z.object({
  week,
  minimumSessions: z.coerce.number().int().min(1).max(400).default(10),
  places: z.coerce.number().int().min(1).max(100).default(10),
});
export const pupilCertificateParams = schoolParams.extend({ pupilId: id });
export const pupilCertificateQuery = z.object({
  kind: z.enum(["full_attendance", "most_improved"]).default("full_attendance"),
  period: z.enum(["term", "year"]).default("term"),
  week,
});
export const classCertificateParams = schoolParams.extend({ groupId: id });
export const classCertificateQuery = z.object({
  kind: z.enum(["best_class", "at_target"]).default("best_class"),
  period: z.enum(["week", "term"]).default("week"),
  week,
});

const figure = z.object({
  possible: z.number(),
  attended: z.number(),
  /** "97.5", or "–" when nothing was possible. */
  percent: z.string(),
  rate: z.object({ numerator: z.number(), denominator: z.number() }),
});
const classFigures = z.object({
  groupId: z.number(),
  name: z.string(),
  pupils: z.number(),
  week: figure,
  term: figure,
  weekAtOrAboveTarget: z.boolean().nullable(),
  /** The week's sessions before today whose register was not taken: the class is not eligible. */
  untakenRegisters: z.array(z.object({ date: z.string(), session })),
  termAtOrAboveTarget: z.boolean().nullable(),
});
const pupilAward = z.object({
  pupilId: z.number(),
  upn: z.string(),
  name: z.string(),
  group: z.string().nullable(),
  groupId: z.number().nullable(),
  figure,
});
const improvedPupil = pupilAward.omit({ figure: true }).extend({
  before: figure,
  now: figure,
  /** Rise in percentage points, "12.5". */
  points: z.string(),
});
const namedRange = z.object({ from: z.string(), to: z.string(), label: z.string() });
export const rewardsResponse = z.object({
  asOf: z.string(),
  periods: z.object({
    week: namedRange,
    term: namedRange,
    year: namedRange,
    halfTerm: namedRange,
    previousHalfTerm: namedRange.nullable(),
  }),
  target: z.number().nullable(),
  /** Why some lists are empty or missing, in words. */
  notes: z.array(z.string()),
  classes: z.array(classFigures),
  bestClasses: z.array(classFigures),
  classesAtOrAboveTarget: z
    .object({ week: z.array(classFigures), term: z.array(classFigures) })
    .nullable(),
  fullAttendance: z.object({ term: z.array(pupilAward), year: z.array(pupilAward) }),
  mostImproved: z.object({
    rule: z.object({ minimumSessions: z.number(), places: z.number(), statement: z.string() }),
    pupils: z.array(improvedPupil),
  }),
});
export type RewardsResponse = z.infer<typeof rewardsResponse>;
export type ClassFiguresView = z.infer<typeof classFigures>;
export type PupilAwardView = z.infer<typeof pupilAward>;
export type ImprovedPupilView = z.infer<typeof improvedPupil>;
