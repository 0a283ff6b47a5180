import { z } from "zod";

/** Each referral and legal step of a case, with what must happen first (issue 15, point 5). */
export const referralReadiness = z.object({
  steps: z.array(
    z.object({
      kind: z.enum([
        "notice_to_improve",
        "penalty_notice",
        "legal_intervention",
        "social_care",
        "children_missing_education",
        "school_nursing",
        "early_help",
        "safe_and_well_check",
      ]),
      title: z.string(),
      ready: z.boolean(),
      reasons: z.array(z.string()),
    }),
  ),
  /** Who counts as a parent (s576), and why: a penalty notice names them. */
  parents: z.array(z.object({ contactId: z.number(), name: z.string(), basis: z.string() })),
});
export type ReferralReadinessView = z.infer<typeof referralReadiness>;

/** An early help assessment is voluntary: the family's agreement is recorded with it. */
export const earlyHelpBody = z.object({
  familyAgrees: z.boolean(),
  note: z.string().trim().max(2000).nullable().default(null),
});
/** What the safeguarding concern is: a safe-and-well check is asked for with it. */
export const safeAndWellBody = z.object({ concern: z.string().trim().min(1).max(2000) });
