import { z } from "zod";
import { id, isoDate, schoolParams } from "../params.ts";

/** Request and response shapes of the safeguarding routes; the web app imports the types only. */
export const safeguardingFlag = z.enum([
  "safeguarding_concern",
  "has_social_worker",
  "looked_after",
  "child_protection_plan",
  "child_in_need_plan",
]);

export const pupilParams = schoolParams.extend({ pupilId: id });

export const dslListQuery = z.object({ date: isoDate.optional() });

export const flagChangeBody = z.object({
  flag: safeguardingFlag,
  value: z.boolean(),
  reason: z.string().trim().min(1, "say why").max(2000),
});

export const deletionBody = z.object({
  ground: z.string().min(1).max(60),
  leavingDate: isoDate,
  details: z.string().trim().min(1, "say what makes the ground true").max(4000),
  enquiries: z.string().trim().max(4000).nullable().default(null),
});

const step = z.object({
  kind: z.string(),
  by: z.string(),
  done: z.boolean(),
  overdue: z.boolean(),
  why: z.string(),
});

export const dslListResponse = z.object({
  date: isoDate,
  children: z.array(
    z.object({
      pupilId: z.number(),
      upn: z.string(),
      name: z.string(),
      group: z.string().nullable(),
      flags: z.array(safeguardingFlag),
      today: z.array(
        z.object({
          session: z.enum(["AM", "PM"]),
          code: z.string().nullable(),
          absent: z.boolean(),
        }),
      ),
      contactsToday: z.array(
        z.object({
          at: z.string(),
          method: z.string(),
          withWhom: z.string(),
          outcome: z.string(),
          by: z.string(),
        }),
      ),
      socialWorkerToldToday: z.boolean(),
      steps: z.array(step),
    }),
  ),
});

export const flagsResponse = z.object({
  pupilId: z.number(),
  current: z.record(safeguardingFlag, z.boolean()),
  history: z.array(
    z.object({
      id: z.number(),
      flag: safeguardingFlag,
      value: z.boolean(),
      reason: z.string(),
      changedBy: z.string(),
      changedAt: z.date(),
    }),
  ),
});

export const groundsResponse = z.object({
  grounds: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      appliesTo: z.enum(["compulsory", "not_compulsory", "both"]),
      needsJointEnquiries: z.boolean(),
      minimumContinuousAbsenceDays: z.number().optional(),
    }),
  ),
});

export const deletionResponse = z.object({
  deletionId: z.number(),
  leavingDate: isoDate,
  notified: z.array(
    z.object({ to: z.string(), who: z.enum(["local_authority", "social_worker"]) }),
  ),
});

export type DslListResponse = z.infer<typeof dslListResponse>;
export type DslChildRow = DslListResponse["children"][number];
export type FlagsResponse = z.infer<typeof flagsResponse>;
export type SafeguardingFlagName = z.infer<typeof safeguardingFlag>;
