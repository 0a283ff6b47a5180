import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import {
  clearFailedLogins,
  createSession,
  deleteSession,
  findSession,
  findUserByEmail,
  grantsOf,
  recordFailedLogin,
} from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { londonClock } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
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

/**
 * Checks a password and opens a new session (a fresh token every time, so a session id planted
 * before sign-in is never promoted). Five wrong passwords in a row lock the account for 15
 * minutes; the message says until when.
 */
export async function signIn(
  db: Kysely<DB>,
  email: string,
  password: string,
  now: Date,
): Promise<SignedIn> {
  const user = await findUserByEmail(db, email);
  if (!user || user.disabled) {
    await verifyPassword(await unknownUserHash, password);
    throw new RollbookError("unauthenticated", WRONG);
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    throw new RollbookError(
      "rate_limited",
      `Too many wrong passwords: this account is locked until ${londonClock(user.lockedUntil)}. Try again then, or ask your administrator.`,
    );
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    const failures = user.failedLogins + 1;
    const lockUntil =
      failures >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null;
    await recordFailedLogin(db, user.id, lockUntil);
    if (lockUntil) {
      throw new RollbookError(
        "rate_limited",
        `Too many wrong passwords: this account is locked until ${londonClock(lockUntil)}.`,
      );
    }
    throw new RollbookError("unauthenticated", WRONG);
  }
  await clearFailedLogins(db, user.id);
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await createSession(db, { tokenHash: hashToken(token), userId: user.id, csrfToken, expiresAt });
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

/** The signed-in user behind a session token, or null when it is unknown or expired. */
export async function actorOfSession(
  db: Kysely<DB>,
  token: string,
  now: Date,
): Promise<{ actor: Actor; csrfToken: string } | null> {
  const session = await findSession(db, hashToken(token), now);
  if (!session) return null;
  const { csrfToken, ...actor } = session;
  return { csrfToken, actor };
}

export async function signOut(db: Kysely<DB>, token: string): Promise<void> {
  await deleteSession(db, hashToken(token));
}
