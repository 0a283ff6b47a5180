import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import {
  countSignInAttempts,
  createSession,
  deleteExpiredSessionsOf,
  deleteSession,
  deleteSessionsOf,
  findSession,
  findUserByEmail,
  forgetSignInAttempts,
  grantsOf,
} from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { acceptSecondFactor } from "./two-factor.ts";

/**
 * Limits on sign-in attempts, each counted in a window of WINDOW_MINUTES from its first attempt.
 * The (email, address) pair is what locks: an attacker guessing from elsewhere cannot lock the
 * real user out of their own computer. The address alone is throttled higher (a school's staff
 * share one address behind its router), and the account alone higher still, which bounds a
 * guesser spread over many addresses to a few hundred tries a day against a 12-character,
 * breach-checked password, while a password reset by email always reaches the real user.
 */
export const SIGN_IN_LIMITS = { pair: 5, address: 50, account: 100 } as const;
export const WINDOW_MINUTES = 15;
export const SESSION_HOURS = 12;

// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
const unknownUserHash = hashPassword(randomBytes(16).toString("hex"));

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  actor: Actor;
  expiresAt: Date;
}

const WRONG = "Email or password is wrong";
const TOO_MANY = `Too many sign-in attempts: wait ${WINDOW_MINUTES} minutes and try again, or use "Forgotten your password?" to set a new one.`;

function keysFor(email: string, address: string) {
  // Keyed by the email as typed (normalised), not by account: an unknown email counts and locks
  // exactly like a known one, so a lock reveals nothing.
  const who = hashToken(email.trim().toLowerCase());
  return {
    pair: `pair:${who}:${address}`,
    address: `address:${address}`,
    account: `account:${who}`,
  };
}

/**
 * Checks a password and opens a new session (a fresh token every time, so a session id planted
 * before sign-in is never promoted). The attempt is counted before the password is checked, in
 * one statement, so parallel guesses cannot slip past a limit; every refusal, locked or not,
 * known email or not, costs one argon2 verification and reads the same.
 */
export async function signIn(
  db: Kysely<DB>,
  input: { email: string; password: string; address: string; code?: string | undefined },
  now: Date,
): Promise<SignedIn> {
  const keys = keysFor(input.email, input.address);
  const counts = await countSignInAttempts(
    db,
    [keys.pair, keys.address, keys.account],
    now,
    WINDOW_MINUTES,
  );
  const over = counts.some((c) => {
    const kind = c.key.split(":")[0] as keyof typeof SIGN_IN_LIMITS;
    return c.attempts > SIGN_IN_LIMITS[kind];
  });
  const user = await findUserByEmail(db, input.email);
  const usable = user && !user.disabled && !over;
  const matches = await verifyPassword(
    usable ? user.passwordHash : await unknownUserHash,
    input.password,
  );
  if (over) throw new RollbookError("rate_limited", TOO_MANY);
  if (!usable || !matches) throw new RollbookError("unauthenticated", WRONG);
  // The password was right: a missing or wrong code is said as such (it tells nothing new).
  await acceptSecondFactor(db, user, input.code, now);
  await forgetSignInAttempts(db, [keys.pair], [keys.address, keys.account]);
  return openSession(db, user, "password", now);
}

/**
 * A new session for someone whose sign-in has been checked (password and code, or their school's
 * identity provider): a fresh token every time, so a session id planted before is never promoted.
 */
export async function openSession(
  db: Kysely<DB>,
  user: { id: number; name: string; email: string },
  signedInWith: "password" | "single_sign_on",
  now: Date,
): Promise<SignedIn> {
  // This person's ended sessions go now; everyone's go in the daily job.
  await deleteExpiredSessionsOf(db, user.id, now);
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await createSession(db, {
    tokenHash: hashToken(token),
    userId: user.id,
    csrfToken,
    expiresAt,
    signedInWith,
  });
  return {
    token,
    csrfToken,
    expiresAt,
    actor: {
      userId: user.id,
      name: user.name,
      email: user.email,
      grants: await grantsOf(db, user.id),
    },
  };
}

/** A new password or a reset clears the account's lock, wherever the guesses came from. */
export async function clearSignInLocks(db: Kysely<DB>, email: string): Promise<void> {
  const who = hashToken(email.trim().toLowerCase());
  await db
    .deleteFrom("sign_in_attempts")
    .where((eb) => eb.or([eb("key", "=", `account:${who}`), eb("key", "like", `pair:${who}:%`)]))
    .execute();
}

/** The signed-in user behind a session token, or null when it is unknown or expired. */
export async function actorOfSession(
  db: Kysely<DB>,
  token: string,
  now: Date,
): Promise<{ actor: Actor; csrfToken: string; twoFactorSetupDue: boolean } | null> {
  const session = await findSession(db, hashToken(token), now);
  if (!session) return null;
  const { csrfToken, twoFactorSetupDue, ...actor } = session;
  return { csrfToken, actor, twoFactorSetupDue };
}

export async function signOut(db: Kysely<DB>, token: string): Promise<void> {
  await deleteSession(db, hashToken(token));
}

/** Ends every session of the signed-in user, on every device, this one included. */
export async function signOutEverywhere(db: Kysely<DB>, actor: Actor): Promise<number> {
  return deleteSessionsOf(db, actor.userId);
}
