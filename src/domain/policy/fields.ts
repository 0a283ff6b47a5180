import { z } from "zod";
import { HISTORY_EVENTS } from "./history.ts";

/**
 * The small field types the policy document is built from, shared by the document's schema
 * (schema.ts) and by each condition kind (conditions/): one definition of what a percentage, an
 * id, a period or a list of codes may be.
 */

/** Percentages are written as in the policy (97, 92.5) and compared exactly against integer counts. */
export const percent = z.number().min(0).max(100);
export type Percent = z.infer<typeof percent>;

/** Stable ids for bands, stages, triggers, letters and meetings: "persistent_absentee". */
export const id = z
  .string()
  .regex(/^[a-z0-9_]{1,60}$/, "must be lower-case letters, digits and underscores");

export const period = z.enum(["year_to_date", "term", "half_term", "since_stage_start"]);
export type Period = z.infer<typeof period>;

/** Register symbols; each is checked against the code registry when the policy is validated. */
export const codes = z.array(z.string().min(1).max(3)).min(1);

/** A count a condition needs: sessions, days, spells. */
export const positive = z.number().int().min(1).max(1000);

/** Possible sessions before a measure is judged (400: about a school year). */
export const minimumSessions = z.number().int().min(0).max(400);

export const pupilFlag = z.enum([
  "medical_condition",
  "sen_support",
  "ehcp",
  "has_social_worker",
  "looked_after",
  "fsm",
  "pupil_premium",
  "child_protection_plan",
  "child_in_need_plan",
  "safeguarding_concern",
]);
export type PupilFlagName = z.infer<typeof pupilFlag>;

/** A window of school weeks or school days ending on the day evaluated, or a period. */
export const window = z.union(
  [
    z.object({ unit: z.enum(["school_weeks", "school_days"]), length: positive }),
    z.object({ period }),
    /**
     * Sessions after the day of the last mark that began the pupil's stage ("stage_evidence"), or
     * after the day of the latest step of a kind taken for the pupil: a letter sent (`letter`
     * names which), a notice issued, a referral, a meeting held, a contract agreed. The absence
     * that led to the step is on or before its day, so it never counts.
     */
    z.object({
      after: z.enum(["stage_evidence", ...HISTORY_EVENTS]),
      letter: id.optional(),
    }),
  ],
  {
    error:
      'must be { unit: school_weeks or school_days, length }, { period } or { after: "stage_evidence" or a step such as "notice_to_improve" }',
  },
);
export type Window = z.infer<typeof window>;

/**
 * A length of time as a written policy gives it: "15 school days", "6 school weeks", "20
 * sessions", "28 days". School days, weeks and sessions skip holidays and closures in the school's
 * calendar; a school week is a week with at least one session.
 */
export const duration = z.object({
  length: positive,
  unit: z.enum(["calendar_days", "calendar_weeks", "school_days", "school_weeks", "sessions"]),
});
export type Duration = z.infer<typeof duration>;
