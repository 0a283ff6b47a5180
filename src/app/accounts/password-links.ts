import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import {
  countSignInAttempts,
  createPasswordLink,
  deleteSessionsOf,
  findPasswordLink,
  findUserByEmail,
  findUserById,
  grantsOf,
  retirePasswordLinks,
  setPasswordHash,
  spendPasswordLink,
} from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { type Actor, visibleSchoolIds } from "../access/access.ts";
import { enqueue } from "../messages/outbox.ts";
import { checkNewPassword, hashPassword, verifyPassword } from "./passwords.ts";
import { clearSignInLocks, hashToken, SIGN_IN_LIMITS, WINDOW_MINUTES } from "./sign-in.ts";

/** How long a link works: a reset someone asked for is used at once; one sent to them, later. */
export const LINK_HOURS = { requested: 1, forced: 72, invitation: 7 * 24 } as const;
/** More requests than this in an hour send nothing more: nobody's inbox is flooded. */
const LIVE_LINKS_AT_MOST = 3;

export interface Links {
  /** The web app's address as configured (PUBLIC_URL), never the request's Host header. */
  publicUrl: string;
}

/**
 * A new single-use link for a user, stored only as its hash, emailed through the outbox of a
 * school the user belongs to (the outbox is per school). Returns false when there is no school
 * to send from (an administrator of an empty deployment: `rollbook admin reset-password`).
 */
async function sendLink(
  db: Kysely<DB>,
  user: { id: number; email: string; name: string },
  kind: keyof typeof LINK_HOURS,
  links: Links,
  now: Date,
): Promise<boolean> {
  const schoolId = (
    await visibleSchoolIds(db, {
      userId: user.id,
      name: user.name,
      email: user.email,
      grants: await grantsOf(db, user.id),
    })
  )[0];
  if (schoolId === undefined) return false;
  const token = randomBytes(32).toString("base64url");
  const tokenHash = hashToken(token);
  const hours = LINK_HOURS[kind];
  await createPasswordLink(db, {
    tokenHash,
    userId: user.id,
    purpose: kind === "invitation" ? "invitation" : "reset",
    expiresAt: new Date(now.getTime() + hours * 3_600_000),
  });
  const url = `${links.publicUrl.replace(/\/$/, "")}/reset-password#token=${token}`;
  const lasting = hours >= 24 ? `${hours / 24} days` : `${hours} hour${hours === 1 ? "" : "s"}`;
  const body =
    kind === "invitation"
      ? `Dear ${user.name},\n\nYou have been invited to Rollbook. Choose your password here:\n\n${url}\n\nThe link works once, for ${lasting}. Your email address (${user.email}) is your sign-in name.`
      : `Dear ${user.name},\n\nTo choose a new Rollbook password, open this link:\n\n${url}\n\nThe link works once, for ${lasting}. If you did not ask for it, you can ignore this email: your password has not changed${kind === "forced" ? " (your administrator asked for a new one, so you will need it to sign in)" : ""}.`;
  await enqueue(
    db,
    {
      schoolId,
      idempotencyKey: `account-${kind}:${tokenHash.slice(0, 24)}`,
      channel: "email",
      to: user.email,
      subject: kind === "invitation" ? "Your Rollbook account" : "Choose a new Rollbook password",
      body,
      purpose: `account_${kind}`,
    },
    now,
  );
  return true;
}

/** The answer to every reset request, whether or not the email has an account. */
export const RESET_REQUESTED =
  "If that email address has a Rollbook account, a link to choose a new password is on its way. It works once, for an hour.";

/**
 * Anyone may ask for a reset link by email; a locked account too (the lock is on sign-in, not on
 * the mailbox). The answer is the same whether or not the account exists.
 */
export async function requestPasswordReset(
  db: Kysely<DB>,
  input: { email: string },
  links: Links,
  now: Date,
): Promise<{ message: string }> {
  const user = await findUserByEmail(db, input.email);
  if (user && !user.disabled) {
    const live = await db
      .selectFrom("password_links")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", user.id)
      .where("used_at", "is", null)
      .where("created_at", ">", new Date(now.getTime() - 3_600_000))
      .executeTakeFirstOrThrow();
    if (Number(live.n) < LIVE_LINKS_AT_MOST) await sendLink(db, user, "requested", links, now);
  }
  return { message: RESET_REQUESTED };
}

/** An administrator's (or head's) "must choose a new password": the old one stops working now. */
export async function sendForcedReset(
  db: Kysely<DB>,
  userId: number,
  links: Links,
  now: Date,
): Promise<{ emailed: boolean }> {
  const user = await findUserById(db, userId);
  if (!user) throw new RollbookError("not_found", `No user ${userId}`);
  await setPasswordHash(db, user.id, await unusablePasswordHash());
  await deleteSessionsOf(db, user.id);
  await retirePasswordLinks(db, user.id, now);
  return { emailed: await sendLink(db, user, "forced", links, now) };
}

export async function sendInvitation(
  db: Kysely<DB>,
  user: { id: number; email: string; name: string },
  links: Links,
  now: Date,
): Promise<boolean> {
  return sendLink(db, user, "invitation", links, now);
}

/** A hash no password matches: an invited user, or one told to choose a new password. */
export function unusablePasswordHash(): Promise<string> {
  return hashPassword(`unusable:${randomBytes(32).toString("hex")}`);
}

const LINK_REFUSED =
  "This link no longer works: it has been used, has expired, or a newer one was sent. Ask for a new one from the sign-in page.";

/** What the reset page shows before the form: whether the link still works. */
export async function checkPasswordLink(
  db: Kysely<DB>,
  token: string,
  now: Date,
): Promise<{ valid: true; email: string } | { valid: false; message: string }> {
  const link = await findPasswordLink(db, hashToken(token));
  const user = link && (await findUserById(db, link.userId));
  if (!link || !user || user.disabled || link.usedAt || link.expiresAt <= now)
    return { valid: false, message: LINK_REFUSED };
  return { valid: true, email: user.email };
}

/**
 * Sets a new password from a link. The password is checked before the link is spent (a refused
 * password leaves the link working); the link is spent in one statement, so it works once even
 * when sent twice at the same moment. Every session of the user ends.
 */
export async function resetPassword(
  db: Kysely<DB>,
  input: { token: string; newPassword: string },
  now: Date,
): Promise<{ email: string }> {
  const tokenHash = hashToken(input.token);
  const link = await findPasswordLink(db, tokenHash);
  const user = link && (await findUserById(db, link.userId));
  if (!link || !user || user.disabled || link.usedAt || link.expiresAt <= now)
    throw new RollbookError("invalid_input", LINK_REFUSED);
  checkNewPassword(input.newPassword, user);
  const passwordHash = await hashPassword(input.newPassword);
  if (!(await spendPasswordLink(db, tokenHash, now)))
    throw new RollbookError("invalid_input", LINK_REFUSED);
  await storeNewPassword(db, user, passwordHash, now);
  return { email: user.email };
}

/** A new password ends every session, every earlier link and the account's sign-in locks. */
async function storeNewPassword(
  db: Kysely<DB>,
  user: { id: number; email: string },
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await setPasswordHash(tx, user.id, passwordHash);
    await retirePasswordLinks(tx, user.id, now);
    await deleteSessionsOf(tx, user.id);
  });
  await clearSignInLocks(db, user.email);
}

/** `rollbook admin reset-password`: the operator, at the server, sets a password directly. */
export async function setPasswordByOperator(
  db: Kysely<DB>,
  input: { email: string; newPassword: string },
  now: Date,
): Promise<void> {
  const user = await findUserByEmail(db, input.email);
  if (!user) throw new RollbookError("not_found", `No account for ${input.email}`);
  checkNewPassword(input.newPassword, user);
  await storeNewPassword(db, user, await hashPassword(input.newPassword), now);
}

/**
 * Everyone changes their own password with their current one; guesses at the current password
 * count against sign-in's limits. Every other session ends; this one stays signed in.
 */
export async function changePassword(
  db: Kysely<DB>,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; address: string; sessionToken: string },
  now: Date,
): Promise<void> {
  const user = await findUserById(db, actor.userId);
  if (!user) throw new RollbookError("unauthenticated", "Sign in first");
  const who = hashToken(user.email);
  const [pair] = await countSignInAttempts(
    db,
    [`pair:${who}:${input.address}`],
    now,
    WINDOW_MINUTES,
  );
  if (pair && pair.attempts > SIGN_IN_LIMITS.pair)
    throw new RollbookError(
      "rate_limited",
      `Too many wrong passwords: wait ${WINDOW_MINUTES} minutes and try again.`,
    );
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw new RollbookError("invalid_input", "Your current password is not right");
  if (input.newPassword === input.currentPassword)
    throw new RollbookError("invalid_input", "The new password must differ from the current one");
  checkNewPassword(input.newPassword, user);
  await setPasswordHash(db, user.id, await hashPassword(input.newPassword));
  await retirePasswordLinks(db, user.id, now);
  await deleteSessionsOf(db, user.id, hashToken(input.sessionToken));
  await clearSignInLocks(db, user.email);
}
