import { z } from "zod";

export const benchmarkFileBody = z
  .string()
  .min(1, "send DfE's CSV file as the request body with Content-Type: text/csv");
export const benchmarksImported = z.object({
  /** The periods the file held, each replaced as a whole: "202526 Academic year". */
  periods: z.array(z.string()),
  rows: z.number(),
  added: z.number(),
  updated: z.number(),
  removed: z.number(),
  unchanged: z.number(),
  /** Rows whose codes do not reproduce DfE's totals and percentages: imported, and reported. */
  checks: z.array(z.object({ line: z.number(), row: z.string(), problems: z.array(z.string()) })),
});

const percent = z.number().nullable();
export const comparisonRow = z.object({
  level: z.enum(["School", "Schools", "National", "Regional", "Local authority"]),
  name: z.string(),
  /** DfE's code for the area (E92000001 England, E12000003 a region, E08000035 Leeds). */
  areaCode: z.string().nullable(),
  enrolments: z.number().nullable(),
  possibleSessions: z.number().nullable(),
  attendancePercent: percent,
  overallAbsencePercent: percent,
  authorisedAbsencePercent: percent,
  unauthorisedAbsencePercent: percent,
  persistentAbsencePercent: percent,
});
const educationPhase = z.enum(["Primary", "Secondary", "Special", "Total"]);
export const schoolBenchmarksResponse = z.object({
  educationPhase: educationPhase.nullable(),
  note: z.string().nullable(),
  benchmark: z
    .object({
      timePeriod: z.string(),
      academicYear: z.string(),
      timeIdentifier: z.string(),
      importedAt: z.date(),
    })
    .nullable(),
  schoolRange: z.object({ from: z.string(), to: z.string() }).nullable(),
  /** The school first, then its local authority, its region and England. */
  rows: z.array(comparisonRow),
  /** Areas the imported file has no figures for. */
  missing: z.array(z.string()),
});
/** What the web app receives (dates as JSON sends them). */
export type SchoolBenchmarksView = Omit<z.infer<typeof schoolBenchmarksResponse>, "benchmark"> & {
  benchmark:
    | (Omit<NonNullable<z.infer<typeof schoolBenchmarksResponse>["benchmark"]>, "importedAt"> & {
        importedAt: string;
      })
    | null;
};
export type ComparisonRowView = z.infer<typeof comparisonRow>;

/** A trust's or local authority's schools, summed phase by phase, against DfE's rows. */
export const groupBenchmarksResponse = z.object({
  comparisons: z.array(
    z.object({
      educationPhase,
      timePeriod: z.string(),
      /** The schools summed into the first row. */
      schools: z.array(z.string()),
      /** The schools' total first, then the local authority's DfE row (LA scope) and England. */
      rows: z.array(comparisonRow),
    }),
  ),
  /** Schools left out, each with why (all-through, special or no benchmark imported). */
  notCompared: z.array(z.string()),
});
export type GroupBenchmarksView = z.infer<typeof groupBenchmarksResponse>;
