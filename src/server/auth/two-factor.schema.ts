import { z } from "zod";

/** Whether two-factor sign-in is on, the recovery codes left, and whether the role requires it. */
export const twoFactorStatus = z.object({
  on: z.boolean(),
  recoveryCodesLeft: z.number(),
  required: z.boolean(),
});
/** Ten recovery codes, in this answer only: Rollbook keeps their hashes. */
export const twoFactorTurnedOn = z.object({
  on: z.literal(true),
  recoveryCodes: z.array(z.string()),
});
export const newRecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

export type TwoFactorStatusView = z.infer<typeof twoFactorStatus>;
export type TwoFactorTurnedOn = z.infer<typeof twoFactorTurnedOn>;
