import { z } from "zod";

export const STAFF_ROLES = [
  "teacher",
  "attendance_officer",
  "head_of_school",
  "dsl",
  "trust_officer",
  "la_officer",
  "admin",
] as const;

/** The staff roles that must use two-factor sign-in (parents never: their accounts are their own). */
export const twoFactorRules = z.object({
  requiredFor: z.array(z.enum(STAFF_ROLES)).max(STAFF_ROLES.length),
});
export type TwoFactorRules = z.infer<typeof twoFactorRules>;
