import { z } from "zod";
import { pupilLine } from "./params.ts";

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

/** A group's figures where persistent and severe absence are null over a period too short to mean anything. */
export const groupFigures = groupStatistics
  .extend({
    persistentlyAbsent: z.boolean().nullable(),
    severelyAbsent: z.boolean().nullable(),
    persistentAbsentees: z.number().nullable(),
    severeAbsentees: z.number().nullable(),
    persistentAbsenceRate: ratio.nullable(),
    severeAbsenceRate: ratio.nullable(),
  })
  .meta({ id: "GroupFigures" });

/**
 * The same dates a year earlier, counted exactly; overall null when there were no registers. By
 * year group, each pupil counted in the year group they were in then, so a label sets like
 * against like (last year's Year 8 are today's Year 9).
 */
export const lastYearResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  overall: groupFigures.nullable(),
  byYearGroup: z.array(z.object({ label: z.string(), statistics: groupFigures })),
});
export type LastYearView = z.infer<typeof lastYearResponse>;

/** A pupil behind a dashboard figure, with the counts that make it (src/app/dashboard.ts). */
export const dashboardPupil = z
  .object({
    ...pupilLine,
    yearGroup: z.string().nullable(),
    possible: z.number(),
    attendance: z.string(),
    absence: z.number(),
    unauthorised: z.number(),
    /** Sessions arriving late (L + U), and of them after the register closed (U). */
    late: z.number(),
    lateAfterClose: z.number(),
    persistentlyAbsent: z.boolean().nullable(),
    severelyAbsent: z.boolean().nullable(),
    cohorts: z.array(z.string()),
  })
  .meta({ id: "DashboardPupil" });

/** The pupils behind a figure: over the period, or its sessions on one weekday only. */
export const dashboardPupilsResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  weekday: z.string().nullable(),
  pupils: z.array(dashboardPupil),
});
export type DashboardPupilsView = z.infer<typeof dashboardPupilsResponse>;

const groupRow = z.object({ label: z.string(), statistics: groupStatistics });
export const schoolStatisticsResponse = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  overall: groupStatistics,
  byYearGroup: z.array(groupRow),
  byRegistrationGroup: z.array(groupRow),
});
export type GroupStatisticsView = z.infer<typeof groupStatistics>;
export type SchoolStatisticsView = z.infer<typeof schoolStatisticsResponse>;
