import { z } from "zod";
import { CENSUS_TERMS } from "../../domain/reports/census.ts";
import { formatQuery, tableResponse } from "../exports/send-table.ts";
import { isoDate, session } from "../params.ts";

export const censusQuery = z.object({
  term: z.enum(CENSUS_TERMS).default("autumn"),
  year: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2100)
    .optional()
    .describe("the academic year's first calendar year: 2025 for 2025/26"),
  format: formatQuery,
});
export const returnQuery = z.object({
  date: isoDate.optional().describe("the day the return is made up to (default today)"),
  format: formatQuery,
});

const censusFigures = {
  sessionsPossible: z.number(),
  sessionsAuthorised: z.number(),
  sessionsUnauthorised: z.number(),
  /** Absence sessions per reason code, one entry per column (zero included). */
  byReason: z.record(z.string(), z.number()),
};
const censusSummary = z.object({
  window: z.object({
    from: z.string(),
    to: z.string(),
    term: z.enum(CENSUS_TERMS),
    label: z.string(),
    census: z.string(),
  }),
  rule: z.string(),
  reasons: z.array(z.string()),
  pupils: z.array(
    z.object({
      ...censusFigures,
      pupilId: z.number(),
      upn: z.string(),
      surname: z.string(),
      forename: z.string(),
      dateOfBirth: z.string(),
      ageAtStartOfYear: z.number(),
      counted: z.object({ from: z.string(), to: z.string() }),
    }),
  ),
  totals: z.object({ ...censusFigures, pupils: z.number() }),
  excluded: z.object({ outsideAgeRange: z.number(), noPossibleSessions: z.number() }),
});
export const censusResponse = tableResponse(
  censusSummary,
  "The census summary (JSON), or the table as CSV or XLSX",
);
export type CensusSummaryView = z.infer<typeof censusSummary>;

const pupilOnReturn = {
  pupilId: z.number(),
  upn: z.string(),
  name: z.string(),
  dateOfBirth: z.string(),
  group: z.string().nullable(),
};
const evidenceMark = z.object({ date: z.string(), session, code: z.string() });
const absenceRun = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  ongoing: z.boolean(),
  explanation: z.string(),
  evidence: z.array(evidenceMark),
});
const returnRule = {
  codes: z.array(z.string()),
  source: z.enum(["policy", "default"]),
  trigger: z.string().nullable(),
  statement: z.string(),
};
const range = z.object({ from: z.string(), to: z.string() });

const continuousAbsence = z.object({
  asOf: z.string(),
  range,
  rule: z.object({ ...returnRule, days: z.number() }),
  rows: z.array(absenceRun.extend(pupilOnReturn)),
});
export const continuousAbsenceResponse = tableResponse(
  continuousAbsence,
  "The return (JSON), or its table as CSV or XLSX",
);
export type ContinuousAbsenceView = z.infer<typeof continuousAbsence>;

const illness = z.object({
  asOf: z.string(),
  range,
  rule: z.object({
    ...returnRule,
    consecutiveDays: z.number().nullable(),
    cumulativeDays: z.number().nullable(),
  }),
  rows: z.array(
    z.object({
      ...pupilOnReturn,
      days: z.number(),
      cumulative: z
        .object({ met: z.boolean(), reachedOn: z.string().nullable(), explanation: z.string() })
        .nullable(),
      runs: z.array(absenceRun),
      firstDate: z.string().nullable(),
      lastDate: z.string().nullable(),
      evidence: z.array(evidenceMark),
      reached: z.string(),
    }),
  ),
});
export const illnessResponse = tableResponse(
  illness,
  "The return (JSON), or its table as CSV or XLSX",
);
export type IllnessReturnView = z.infer<typeof illness>;
