import type { Kysely } from "kysely";
import { Secret, TOTP } from "otpauth";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";
import { verifyPassword } from "./passwords.ts";
import {
  issueRecoveryCodes,
  RECOVERY_CODE,
  recoveryCodesLeft,
  spendRecoveryCode,
} from "./recovery-codes.ts";
import { twoFactorRequiredRoles } from "./two-factor-rules.ts";

/** Codes from the step before and after are accepted too: a phone's clock a little out. */
const WINDOW = 1;
const PERIOD = 30;

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: "Rollbook",
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * The time step a code belongs to, or null when it is not a current code of this secret. The
 * caller refuses a step already used, so a code seen over a shoulder cannot sign in again.
 */
export function stepOfCode(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret, "check").validate({
    token,
    timestamp: now.getTime(),
    window: WINDOW,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: PERIOD, timestamp: now.getTime() }) + delta;
}

/** Accepts a code once: its step must be later than the last one this account used. */
export async function acceptSecondFactor(
  db: Kysely<DB>,
  user: { id: number; totpSecret: string | null },
  code: string | undefined,
  now: Date,
): Promise<void> {
  if (!user.totpSecret) return;
  if (!code)
    throw new RollbookError(
      "unauthenticated",
      "Enter the 6-digit code from your authenticator app",
      { secondFactor: "required" },
    );
  // A recovery code in place of the app's: each works once.
  if (RECOVERY_CODE.test(code.trim())) {
    if (await spendRecoveryCode(db, user.id, code, now)) return;
    throw new RollbookError(
      "unauthenticated",
      "That recovery code is not right or was already used: each code works once",
      { secondFactor: "required" },
    );
  }
  const step = stepOfCode(user.totpSecret, code, now);
  // The update only succeeds for a step later than the last: two sign-ins with one code race here.
  const used =
    step === null
      ? undefined
      : await db
          .updateTable("users")
          .set({ totp_last_step: String(step) })
          .where("id", "=", user.id)
          .where((eb) =>
            eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", String(step))]),
          )
          .returning("id")
          .executeTakeFirst();
  if (!used)
    throw new RollbookError(
      "unauthenticated",
      "That code is not right or was already used: enter the code your app shows now",
      { secondFactor: "required" },
    );
}

/** Starts setting up two-factor sign-in: a new secret, shown once, not in force until confirmed. */
export async function beginTwoFactor(
  db: Kysely<DB>,
  actor: Actor,
): Promise<{ secret: string; uri: string }> {
  const secret = new Secret({ size: 20 }).base32;
  await db
    .updateTable("users")
    .set({ totp_pending_secret: secret })
    .where("id", "=", actor.userId)
    .execute();
  return { secret, uri: totpOf(secret, actor.email).toString() };
}

/**
 * A code from the app proves it holds the secret: from now on sign-in asks for a code. Returns
 * ten recovery codes, shown this once.
 */
export async function confirmTwoFactor(
  db: Kysely<DB>,
  actor: Actor,
  code: string,
  now: Date,
): Promise<{ recoveryCodes: string[] }> {
  const user = await db
    .selectFrom("users")
    .select(["totp_pending_secret"])
    .where("id", "=", actor.userId)
    .executeTakeFirstOrThrow();
  if (!user.totp_pending_secret)
    throw new RollbookError("conflict", "Start setting up two-factor sign-in first");
  const step = stepOfCode(user.totp_pending_secret, code, now);
  if (step === null)
    throw new RollbookError(
      "invalid_input",
      "That code does not match: check the app's clock is right and enter the code it shows now",
    );
  await db
    .updateTable("users")
    .set({
      totp_secret: user.totp_pending_secret,
      totp_pending_secret: null,
      totp_last_step: String(step),
    })
    .where("id", "=", actor.userId)
    .execute();
  return { recoveryCodes: await issueRecoveryCodes(db, actor.userId) };
}

/** New recovery codes (the old ones stop working): the password and a current code, as for off. */
export async function regenerateRecoveryCodes(
  db: Kysely<DB>,
  actor: Actor,
  proof: { password: string; code: string },
  now: Date,
): Promise<{ recoveryCodes: string[] }> {
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "totp_secret"])
    .where("id", "=", actor.userId)
    .executeTakeFirstOrThrow();
  if (!user.totp_secret)
    throw new RollbookError("conflict", "Turn two-factor sign-in on first: it gives the codes");
  if (!(await verifyPassword(user.password_hash, proof.password)))
    throw new RollbookError("invalid_input", "That is not your current password");
  await acceptSecondFactor(db, { id: user.id, totpSecret: user.totp_secret }, proof.code, now);
  return { recoveryCodes: await issueRecoveryCodes(db, actor.userId) };
}

/** Turning it off needs the password and a current code: a session left open is not enough. */
export async function turnOffTwoFactor(
  db: Kysely<DB>,
  actor: Actor,
  proof: { password: string; code: string },
  now: Date,
): Promise<void> {
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "totp_secret"])
    .where("id", "=", actor.userId)
    .executeTakeFirstOrThrow();
  if (!user.totp_secret) return;
  if ((await twoFactorStatus(db, actor)).required)
    throw new RollbookError(
      "forbidden",
      "Your role must use two-factor sign-in: it stays on (new recovery codes are below)",
    );
  if (!(await verifyPassword(user.password_hash, proof.password)))
    throw new RollbookError("invalid_input", "That is not your current password");
  await acceptSecondFactor(db, { id: user.id, totpSecret: user.totp_secret }, proof.code, now);
  await db
    .updateTable("users")
    .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null })
    .where("id", "=", actor.userId)
    .execute();
  await db.deleteFrom("recovery_codes").where("user_id", "=", actor.userId).execute();
}

export interface TwoFactorStatus {
  on: boolean;
  /** Unused recovery codes (none while two-factor sign-in is off). */
  recoveryCodesLeft: number;
  /** Whether one of their roles must use two-factor sign-in (then it cannot be turned off). */
  required: boolean;
}

/** Whether the signed-in person has two-factor sign-in on, and what is left of their codes. */
export async function twoFactorStatus(db: Kysely<DB>, actor: Actor): Promise<TwoFactorStatus> {
  const user = await db
    .selectFrom("users")
    .select("totp_secret")
    .where("id", "=", actor.userId)
    .executeTakeFirstOrThrow();
  const required = await twoFactorRequiredRoles(db);
  return {
    on: user.totp_secret !== null,
    recoveryCodesLeft: await recoveryCodesLeft(db, actor.userId),
    required: actor.grants.some((g) => (required as string[]).includes(g.role)),
  };
}
