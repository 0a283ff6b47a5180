import { z } from "zod";

/** A rate as exact integer counts (src/domain/percent.ts): shown with the server's rounding. */
export const ratio = z.object({ numerator: z.number(), denominator: z.number() }).meta({
  id: "Ratio",
});

/** One pupil's DfE counts and rates over a range (src/domain/statistics.ts). */
export const pupilStatistics = z
  .object({
    possible: z.number(),
    present: z.number(),
    aea: z.number(),
    attendance: z.number(),
    authorised: z.number(),
    unauthorised: z.number(),
    absence: z.number(),
    notPossible: z.number(),
    /** Sessions arriving late: L (present) + U (unauthorised absence). */
    late: z.number(),
    /** Sessions per register symbol. */
    byCode: z.record(z.string(), z.number()),
    attendanceRate: ratio,
    overallAbsenceRate: ratio,
    authorisedAbsenceRate: ratio,
    unauthorisedAbsenceRate: ratio,
    persistentlyAbsent: z.boolean(),
    severelyAbsent: z.boolean(),
  })
  .meta({ id: "PupilStatistics" });

/** A group's sums, its rates from the sums, and persistent and severe absence per enrolment. */
export const groupStatistics = pupilStatistics
  .extend({
    enrolments: z.number(),
    persistentAbsentees: z.number(),
    severeAbsentees: z.number(),
    persistentAbsenceRate: ratio,
    severeAbsenceRate: ratio,
  })
  .meta({ id: "GroupStatistics" });

const groupRow = z.object({ label: z.string(), statistics: groupStatistics });
export const schoolStatisticsResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  overall: groupStatistics,
  byYearGroup: z.array(groupRow),
  byRegistrationGroup: z.array(groupRow),
});
export type GroupStatisticsView = z.infer<typeof groupStatistics>;
export type SchoolStatisticsView = z.infer<typeof schoolStatisticsResponse>;
