import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../app/accounts/passwords.ts";
import { RECOVERY_CODE } from "../../app/accounts/recovery-codes.ts";

const email = z.string().trim().min(3).max(320);
export const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
export const code = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, "must be the 6-digit code");
/** At sign-in (and to prove it is you), a recovery code does in place of the app's code. */
export const codeOrRecovery = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{3} ?\d{3}$/.test(v) || RECOVERY_CODE.test(v),
    "must be the 6-digit code or a recovery code",
  );
export const credentials = z.object({ email, password, code: codeOrRecovery.optional() });
const token = z.string().min(20).max(200);

export const ROLES = [
  "teacher",
  "attendance_officer",
  "head_of_school",
  "dsl",
  "trust_officer",
  "la_officer",
  "parent",
  "admin",
] as const;

/** A role and where it holds: a school, a trust, a local authority, or nowhere (admin). */
export const roleGrant = z.object({
  role: z.enum(ROLES),
  label: z.string(),
  schoolId: z.number().nullable(),
  trustId: z.number().nullable(),
  laCode: z.string().nullable(),
});
/** The signed-in user: who, their roles, the schools they may open. */
export const signedInUser = z.object({
  /** Their role must use two-factor sign-in and it is not set up yet (the web shows only that). */
  twoFactorSetupDue: z.boolean(),
  id: z.number(),
  name: z.string(),
  email: z.string(),
  roles: z.array(roleGrant),
  schoolIds: z.array(z.number()),
});
export const session = z.object({
  user: signedInUser,
  /** Sent with every change as x-csrf-token (null only for a request with no session cookie). */
  csrfToken: z.string().nullable(),
});
export const signedOut = z.object({ signedOut: z.literal(true) });
export const signedOutEverywhere = signedOut.extend({ sessionsEnded: z.number() });

export const deployment = z.object({
  /** A demo database: sample data and accounts sharing a published password. */
  demo: z.boolean(),
  demoPassword: z.string().optional(),
  demoAccounts: z.array(
    z.object({
      email: z.string(),
      name: z.string(),
      role: z.enum(ROLES),
      label: z.string(),
      school: z.string().nullable(),
    }),
  ),
});

export const confirmBody = z.object({ code });
export const twoFactorBegun = z.object({
  secret: z.string(),
  /** The otpauth:// address, for a QR code. */
  uri: z.string(),
});
export const turnOffBody = z.object({ password, code: codeOrRecovery });
export const twoFactorOff = z.object({ on: z.literal(false) });
export const recoveryCodesBody = z.object({ password, code });

export const changePasswordBody = z.object({ currentPassword: password, newPassword: password });
export const passwordChanged = z.object({ changed: z.literal(true) });
export const resetRequestBody = z.object({ email });
export const resetRequested = z.object({ message: z.string() });
export const tokenBody = z.object({ token });
export const linkChecked = z.union([
  z.object({ valid: z.literal(true), email: z.string() }),
  z.object({ valid: z.literal(false), message: z.string() }),
]);
export const resetBody = z.object({ token, newPassword: password });
export const passwordReset = z.object({ email: z.string(), changed: z.literal(true) });

export type SessionView = z.infer<typeof session>;
export type SignedInUser = z.infer<typeof signedInUser>;
export type RoleGrantView = z.infer<typeof roleGrant>;
export type DeploymentView = z.infer<typeof deployment>;
export type TwoFactorBegun = z.infer<typeof twoFactorBegun>;
export type LinkChecked = z.infer<typeof linkChecked>;
