import { z } from "zod";
import { RollbookError } from "../../domain/errors.ts";
import type { Condition, Policy } from "../../domain/policy/types.ts";
import { policyProblems } from "../../domain/policy/validate.ts";
import { findUnstorableText } from "../unstorable-text.ts";

/** The policy document's shape (src/domain/policy/types.ts), checked at the edge. */
const percent = z.number().min(0).max(100);
const id = z
  .string()
  .regex(/^[a-z0-9_]{1,60}$/, "must be lower-case letters, digits and underscores");
const period = z.enum(["year_to_date", "term", "half_term", "since_stage_start"]);
const codes = z.array(z.string().min(1).max(3)).min(1);
const flag = z.enum([
  "medical_condition",
  "sen_support",
  "ehcp",
  "has_social_worker",
  "looked_after",
  "fsm",
  "pupil_premium",
]);
const positive = z.number().int().min(1).max(1000);

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("attendance"),
        below: percent.optional(),
        atOrBelow: percent.optional(),
        atOrAbove: percent.optional(),
        period,
        minimumSessions: z.number().int().min(0).max(400).optional(),
      })
      .refine(
        (c) => c.below !== undefined || c.atOrBelow !== undefined || c.atOrAbove !== undefined,
        "give below, atOrBelow or atOrAbove",
      ),
    z.object({
      kind: z.literal("band"),
      in: z.array(id).min(1),
      period: period.optional(),
      minimumSessions: z.number().int().min(0).max(400).optional(),
    }),
    z.object({
      kind: z.literal("code_count"),
      codes,
      atLeast: positive,
      window: z.union(
        [
          z.object({ unit: z.enum(["school_weeks", "school_days"]), length: positive }),
          z.object({ period }),
        ],
        { error: "must be { unit: school_weeks or school_days, length } or { period }" },
      ),
    }),
    z.object({
      kind: z.literal("absence_days"),
      codes,
      atLeast: positive,
      mode: z.enum(["consecutive", "cumulative"]),
      period: period.optional(),
    }),
    z.object({
      kind: z.literal("weekday_pattern"),
      codes: codes.optional(),
      atLeast: positive,
      period,
    }),
    z.object({ kind: z.literal("spells"), codes: codes.optional(), atLeast: positive, period }),
    z.object({
      kind: z.literal("improvement"),
      expect: z.enum(["improved", "not_improved"]),
      minimumPoints: z.number().min(0).max(100).optional(),
      shareOfGap: z.number().min(0).max(1).optional(),
    }),
    z.object({
      kind: z.literal("band_change"),
      direction: z.enum(["better", "worse", "same"]),
      period: period.optional(),
    }),
    z.object({ kind: z.literal("review_due") }),
    z.object({ kind: z.literal("flag"), flag }),
    z.object({ kind: z.literal("all"), of: z.array(condition).min(1) }),
    z.object({ kind: z.literal("any"), of: z.array(condition).min(1) }),
    z.object({ kind: z.literal("not"), condition }),
  ]),
);

const action = z.discriminatedUnion("type", [
  z.object({ type: z.literal("letter"), letter: id }),
  z.object({
    type: z.literal("meeting"),
    meeting: id,
    noticeDays: z.number().int().min(0).max(60).optional(),
  }),
  z.object({ type: z.literal("start_stage"), stage: id }),
  z.object({ type: z.literal("close_stage"), outcome: z.string().min(1).max(60) }),
  z.object({ type: z.literal("attendance_contract") }),
  z.object({ type: z.literal("notice_to_improve") }),
  z.object({ type: z.literal("consider_penalty_notice") }),
  z.object({
    type: z.literal("referral"),
    to: z.enum([
      "education_welfare",
      "legal_intervention",
      "social_care",
      "children_missing_education",
      "la_illness_return",
      "early_help",
    ]),
  }),
  z.object({ type: z.literal("notify_social_worker") }),
  z.object({ type: z.literal("praise") }),
]);

/** Conditions nest (all, any, not), but never this deep: deeper would exhaust the stack. */
const MAX_DEPTH = 64;

/** Where a value is nested deeper than MAX_DEPTH, or null; walked without recursion. */
function tooDeep(input: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (value === null || typeof value !== "object") continue;
    if (path.length >= MAX_DEPTH) return path;
    for (const [key, child] of Object.entries(value))
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return null;
}

const policyDocument = z.object({
  name: z.string().trim().min(1).max(200),
  preset: z.string().max(60).optional(),
  description: z.string().max(5000).optional(),
  target: percent,
  localAuthorityTarget: percent.optional(),
  bands: z
    .array(
      z.object({
        id,
        name: z.string().min(1).max(100),
        colour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, "must be a colour like #c62828"),
        min: percent,
      }),
    )
    .min(1),
  stages: z.array(
    z.object({
      id,
      name: z.string().min(1).max(200),
      order: z.number().int().min(0).max(100),
      description: z.string().max(2000).optional(),
      review: z
        .object({
          weeks: z.number().int().min(1).max(52),
          extendWeeksPerDayAbsent: z.number().min(0).max(4).optional(),
          maxWeeks: z.number().int().min(1).max(52).optional(),
          byStartingAttendance: z
            .array(z.object({ below: percent, weeks: z.number().int().min(1).max(52) }))
            .optional(),
        })
        .optional(),
    }),
  ),
  triggers: z
    .array(
      z.object({
        id,
        name: z.string().min(1).max(300),
        when: condition,
        actions: z.array(action).min(1),
        inStage: z.string().max(60).optional(),
        repeat: z.enum([
          "each_new_breach",
          "once_per_year",
          "once_per_term",
          "once_per_half_term",
          "once_per_stage",
        ]),
        manualReviewFlags: z.array(flag).optional(),
        discretionary: z.boolean().optional(),
      }),
    )
    .min(1),
  casework: z
    .object({
      meetingNoticeDays: z.number().int().min(0).max(60),
      missedMeetingsBeforeProfessionalsMeeting: z.number().int().min(1).max(5),
      noticeToImproveBeforePenaltyNotice: z.boolean(),
      holidayNeedsNoNoticeToImprove: z.boolean(),
      noticeToImproveReviewWeeks: z.number().int().min(1).max(26),
      socialCareBelowPercent: percent,
      contractReviewMinimumSessions: z.number().int().min(0).max(200),
    })
    .partial()
    .optional(),
  followUp: z
    .object({
      callBefore: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM"),
      textIfUnreachable: z.boolean(),
      homeVisitOnDays: z.array(z.number().int().min(1).max(30)).max(10),
      safeguardingImmediateVisit: z.boolean(),
      missingEducationAfterDays: z.number().int().min(1).max(60),
    })
    .partial()
    .optional(),
  bandLetters: z
    .record(
      z.string().min(1).max(60),
      z.string().regex(/^[a-z0-9_]{2,60}$/, "must be a letter id such as trust_rag_green"),
    )
    .optional(),
  penaltyNotices: z
    .object({
      firstNotice: z.object({
        reducedAmount: z.number().int().min(0),
        reducedWithinDays: positive,
        fullAmount: z.number().int().min(0),
        fullWithinDays: positive,
      }),
      secondNotice: z.object({ amount: z.number().int().min(0), withinDays: positive }),
      repeatWindowYears: z.number().min(0).max(10),
      maxNoticesInWindow: z.number().int().min(0).max(10),
    })
    .optional(),
});

/** The document, refused before its shape is checked when nested too deep to check safely. */
export const policySchema = z.preprocess((input, ctx) => {
  const path = tooDeep(input);
  if (path)
    ctx.addIssue({ code: "custom", message: `nested more than ${MAX_DEPTH} levels deep`, path });
  // Stored as JSON, which takes neither a NUL nor half a surrogate pair.
  const text = path ? null : findUnstorableText(input);
  if (text) ctx.addIssue({ code: "custom", message: text.problem, path: text.path });
  return input;
}, policyDocument);

/**
 * A policy document from a file or request, checked for shape and then for sense; every problem
 * is reported together, each with its place in the document.
 */
export function parsePolicy(input: unknown): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(document)"}: ${i.message}`,
    );
    throw new RollbookError(
      "invalid_input",
      `The policy is not valid:\n  ${problems.join("\n  ")}`,
      { problems },
    );
  }
  const policy = parsed.data as Policy;
  const problems = policyProblems(policy);
  if (problems.length > 0) {
    throw new RollbookError(
      "invalid_input",
      `The policy is not valid:\n  ${problems.join("\n  ")}`,
      { problems },
    );
  }
  return policy;
}
