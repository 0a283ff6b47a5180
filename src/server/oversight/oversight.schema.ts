import { z } from "zod";
import { id, pupilLine } from "../params.ts";
import { groupStatistics, pupilStatistics } from "../statistics.schema.ts";
import type { Wire } from "../wire.ts";

export const scope = z.object({
  trustId: id.optional(),
  laCode: z
    .string()
    .regex(/^\d{3}$/, "must be a three-digit local authority code")
    .optional(),
});

const atRiskBelow = z.coerce.number().min(90).max(95).default(92);

/** How fresh a school's figures are: counted at `computedAt` ("as of"), or waiting since. */
const freshness = {
  computedAt: z.date(),
  freshness: z.enum(["current", "stale", "not_counted"]),
  /** The first mark saved since the figures were counted; the recount follows within minutes. */
  staleSince: z.date().nullable(),
};

export const overviewResponse = z.object({
  schools: z.array(
    z.object({
      schoolId: z.number(),
      name: z.string(),
      phase: z.string(),
      trust: z.string().nullable(),
      localAuthority: z.string().nullable(),
      statistics: groupStatistics,
      openCases: z.number(),
      ...freshness,
    }),
  ),
  total: groupStatistics,
});

const counts = z.object({
  severelyAbsent: z.number(),
  persistentlyAbsent: z.number(),
  atRisk: z.number(),
});

export const conversationListQuery = scope.extend({ atRiskBelow });
export const conversationListResponse = z.object({
  atRiskBelow: z.number(),
  schools: z.array(z.object({ schoolId: z.number(), school: z.string(), ...freshness, counts })),
});

export const conversationPupilsQuery = scope.extend({
  atRiskBelow,
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export const conversationPupilsResponse = z.object({
  schoolId: z.number(),
  school: z.string(),
  ...freshness,
  atRiskBelow: z.number(),
  offset: z.number(),
  limit: z.number(),
  /** Pupils to discuss at the school in all, of which `pupils` is one page. */
  total: z.number(),
  pupils: z.array(
    z.object({
      ...pupilLine,
      yearGroup: z.string().nullable(),
      possible: z.number(),
      absence: z.number(),
      unauthorised: z.number(),
      concern: z.enum(["severely_absent", "persistently_absent", "at_risk"]),
    }),
  ),
});

export const upnParams = z.object({
  upn: z.string().regex(/^[A-Za-z]\d{11}[0-9A-Za-z]$/, "must be a UPN"),
});

/** One pupil's enrolments across the schools overseen, this academic year, and the sum of them. */
export const pupilAcrossSchoolsResponse = z.object({
  upn: z.string(),
  enrolments: z.array(
    z.object({
      schoolId: z.number(),
      school: z.string(),
      pupilId: z.number(),
      name: z.string(),
      admissionDate: z.string(),
      leavingDate: z.string().nullable(),
      range: z.object({ from: z.string(), to: z.string() }),
      statistics: pupilStatistics,
    }),
  ),
  /** Every enrolment's sessions summed; persistent and severe absence per enrolment. */
  together: groupStatistics,
});

export type OverviewView = Wire<z.infer<typeof overviewResponse>>;
export type ConversationListView = Wire<z.infer<typeof conversationListResponse>>;
export type ConversationPupilsView = Wire<z.infer<typeof conversationPupilsResponse>>;
export type PupilAcrossSchoolsView = Wire<z.infer<typeof pupilAcrossSchoolsResponse>>;
