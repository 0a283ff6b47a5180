import type { Kysely } from "kysely";
import {
  countActiveAdmins,
  createUser,
  decideDeployment,
  findDeployment,
  findUserByEmail,
} from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { checkNewPassword, hashPassword } from "./passwords.ts";

export { decideDeployment, findDeployment };

/** A demo database holds accounts whose password is published; nothing else may. */
export async function isDemo(db: Kysely<DB>): Promise<boolean> {
  return (await findDeployment(db))?.demo ?? false;
}

/** Whether anyone can administer this deployment yet. */
export async function hasAdministrator(db: Kysely<DB>): Promise<boolean> {
  return (await countActiveAdmins(db)) > 0;
}

/**
 * The first (or another) administrator, with a password the operator chose: from the environment
 * once at the first start, or from `rollbook admin create`. Refused in a demo database, whose
 * administrators share the published password.
 */
export async function createAdministrator(
  db: Kysely<DB>,
  input: { email: string; name: string; password: string },
): Promise<number> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new RollbookError("invalid_input", `"${input.email}" is not an email address`);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new RollbookError("invalid_input", "The administrator's name needs 1 to 200 characters");
  checkNewPassword(input.password, { email, name });
  if (await findUserByEmail(db, email))
    throw new RollbookError("conflict", `An account for ${email} already exists`);
  await decideDeployment(db, false);
  if (await isDemo(db))
    throw new RollbookError(
      "conflict",
      "This database is a demo (its accounts share a published password): create real administrators in a database of its own",
    );
  return createUser(db, {
    email,
    name,
    passwordHash: await hashPassword(input.password),
    grants: [{ role: "admin" }],
  });
}

export type FirstAdministrator =
  | { kind: "demo" }
  | { kind: "exists" }
  | { kind: "created"; email: string }
  | { kind: "missing" };

/**
 * At start-up of a real deployment: nothing to do when an administrator exists; else the one the
 * environment names is created (once: once any administrator exists the variables are ignored);
 * else the caller says how to create one.
 */
export async function ensureFirstAdministrator(
  db: Kysely<DB>,
  fromEnvironment: { email?: string | undefined; password?: string | undefined; name?: string },
): Promise<FirstAdministrator> {
  if (await isDemo(db)) return { kind: "demo" };
  if (await hasAdministrator(db)) return { kind: "exists" };
  if (!fromEnvironment.email || !fromEnvironment.password) return { kind: "missing" };
  await createAdministrator(db, {
    email: fromEnvironment.email,
    name: fromEnvironment.name ?? "Administrator",
    password: fromEnvironment.password,
  });
  return { kind: "created", email: fromEnvironment.email.trim().toLowerCase() };
}
