import type { Kysely } from "kysely";
import {
  countActiveAdmins,
  createUser,
  deleteSessionsOf,
  findUserByEmail,
  findUserById,
  grantsOf,
  listUsers,
  replaceAccess,
  setDisabled,
  type UserAccess,
  type UserListing,
} from "../../db/repositories/users.ts";
import type { DB, Role } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";
import { ROLE_LABELS, ROLE_PERMISSIONS } from "../access/permissions.ts";
import { isDemo } from "./deployment.ts";
import {
  type Links,
  sendForcedReset,
  sendInvitation,
  unusablePasswordHash,
} from "./password-links.ts";
import { checkNewPassword, hashPassword } from "./passwords.ts";

export const SCHOOL_ROLES = [
  "teacher",
  "attendance_officer",
  "head_of_school",
  "dsl",
  "parent",
] as const satisfies readonly Role[];
/** What a head may give in their own school: not their own role, nor anything beyond the school. */
const GRANTABLE_BY_HEAD = new Set<Role>(["teacher", "attendance_officer", "dsl", "parent"]);

/**
 * Who may manage whom. Administrators: everyone. A head of school (whoever holds staff.manage in
 * a school): people whose every role is one a head may give, in a school they lead. Everyone
 * else: nobody.
 */
interface Manager {
  admin: boolean;
  schools: number[];
}

function managerOf(actor: Actor): Manager {
  return {
    admin: actor.grants.some((g) => g.role === "admin"),
    schools: actor.grants.flatMap((g) =>
      g.schoolId !== null && ROLE_PERMISSIONS[g.role].includes("staff.manage") ? [g.schoolId] : [],
    ),
  };
}

function requireManager(actor: Actor): Manager {
  const manager = managerOf(actor);
  if (!manager.admin && manager.schools.length === 0)
    throw new RollbookError("forbidden", "Only administrators and heads of school manage accounts");
  return manager;
}

function mayGive(manager: Manager, grant: UserAccess["grants"][number]): boolean {
  if (manager.admin) return true;
  return (
    GRANTABLE_BY_HEAD.has(grant.role) &&
    grant.schoolId != null &&
    manager.schools.includes(grant.schoolId)
  );
}

async function requireTarget(db: Kysely<DB>, actor: Actor, manager: Manager, userId: number) {
  const user = await findUserById(db, userId);
  const grants = user ? await grantsOf(db, userId) : [];
  const allowed =
    user && (manager.admin || (grants.length > 0 && grants.every((g) => mayGive(manager, g))));
  // A head asking about someone outside their school learns only that they cannot.
  if (!user || !allowed)
    throw new RollbookError("not_found", `No account ${userId} that you manage`);
  if (user.id === actor.userId && !manager.admin)
    throw new RollbookError("forbidden", "Ask an administrator to change your own account");
  return { user, grants };
}

/** Checks every role, group and child names something that exists and fits the roles given. */
async function checkAccess(db: Kysely<DB>, manager: Manager, access: UserAccess): Promise<void> {
  if (access.grants.length === 0)
    throw new RollbookError("invalid_input", "Give the account at least one role");
  for (const grant of access.grants) {
    const label = ROLE_LABELS[grant.role];
    const school = (SCHOOL_ROLES as readonly Role[]).includes(grant.role);
    if (school !== (grant.schoolId != null))
      throw new RollbookError(
        "invalid_input",
        school ? `A ${label} role needs a schoolId` : `A ${label} role takes no schoolId`,
      );
    if ((grant.role === "trust_officer") !== (grant.trustId != null))
      throw new RollbookError(
        "invalid_input",
        "Only a trust attendance lead has a trustId, and it needs one",
      );
    if ((grant.role === "la_officer") !== (grant.laCode != null))
      throw new RollbookError(
        "invalid_input",
        "Only a local authority officer has an laCode, and it needs one",
      );
    if (!mayGive(manager, grant))
      throw new RollbookError(
        "forbidden",
        `You cannot give the ${label} role${grant.schoolId ? ` in school ${grant.schoolId}` : ""}: a head gives teacher, attendance officer, DSL and parent roles in their own school; administrators give the rest`,
      );
    const exists =
      grant.schoolId != null
        ? await db
            .selectFrom("schools")
            .select("id")
            .where("id", "=", grant.schoolId)
            .executeTakeFirst()
        : grant.trustId != null
          ? await db
              .selectFrom("trusts")
              .select("id")
              .where("id", "=", grant.trustId)
              .executeTakeFirst()
          : grant.laCode != null
            ? await db
                .selectFrom("local_authorities")
                .select("code")
                .where("code", "=", grant.laCode)
                .executeTakeFirst()
            : true;
    if (!exists)
      throw new RollbookError(
        "invalid_input",
        `No ${grant.schoolId != null ? `school ${grant.schoolId}` : grant.trustId != null ? `trust ${grant.trustId}` : `local authority ${grant.laCode}`}`,
      );
  }
  const staffSchools = access.grants.flatMap((g) =>
    g.schoolId != null && g.role !== "parent" ? [g.schoolId] : [],
  );
  for (const group of access.groups) {
    if (!staffSchools.includes(group.schoolId))
      throw new RollbookError(
        "invalid_input",
        `Registration group ${group.registrationGroupId} is in school ${group.schoolId}, where this account has no staff role`,
      );
    const found = await db
      .selectFrom("registration_groups")
      .select("id")
      .where("school_id", "=", group.schoolId)
      .where("id", "=", group.registrationGroupId)
      .executeTakeFirst();
    if (!found)
      throw new RollbookError(
        "invalid_input",
        `No registration group ${group.registrationGroupId} in school ${group.schoolId}`,
      );
  }
  const parentSchools = access.grants.flatMap((g) =>
    g.role === "parent" && g.schoolId != null ? [g.schoolId] : [],
  );
  for (const child of access.children) {
    if (!parentSchools.includes(child.schoolId))
      throw new RollbookError(
        "invalid_input",
        `Pupil ${child.pupilId} is in school ${child.schoolId}, where this account is not a parent`,
      );
    const found = await db
      .selectFrom("pupils")
      .select("id")
      .where("school_id", "=", child.schoolId)
      .where("id", "=", child.pupilId)
      .executeTakeFirst();
    if (!found)
      throw new RollbookError(
        "invalid_input",
        `No pupil ${child.pupilId} in school ${child.schoolId}`,
      );
  }
}

/** The last administrator who can sign in cannot be disabled or lose the role: nobody could get in. */
async function keepAnAdministrator(db: Kysely<DB>, grants: { role: Role }[]): Promise<void> {
  if (grants.some((g) => g.role === "admin") && (await countActiveAdmins(db)) <= 1)
    throw new RollbookError(
      "conflict",
      "This is the only administrator who can sign in: create or enable another first",
    );
}

export async function listAccounts(
  db: Kysely<DB>,
  actor: Actor,
  input: { search?: string | undefined; limit?: number },
): Promise<UserListing[]> {
  const manager = requireManager(actor);
  const users = await listUsers(db, {
    ...(input.search ? { search: input.search } : {}),
    ...(manager.admin ? {} : { schoolIds: manager.schools }),
    limit: input.limit ?? 200,
  });
  return manager.admin
    ? users
    : users.filter((u) => u.grants.length > 0 && u.grants.every((g) => mayGive(manager, g)));
}

export interface NewAccount extends UserAccess {
  email: string;
  name: string;
  /** Without one, the person is emailed an invitation link whose first use sets it. */
  password?: string | undefined;
}

export async function createAccount(
  db: Kysely<DB>,
  actor: Actor,
  input: NewAccount,
  links: Links,
  now: Date,
): Promise<{ user: UserListing; invited: boolean }> {
  const manager = requireManager(actor);
  const email = input.email.trim().toLowerCase();
  await checkAccess(db, manager, input);
  if (input.password !== undefined) checkNewPassword(input.password, { email, name: input.name });
  if (input.grants.some((g) => g.role === "admin") && (await isDemo(db)))
    throw new RollbookError(
      "conflict",
      "This database is a demo: its administrators share a published password",
    );
  if (await findUserByEmail(db, email))
    throw new RollbookError("conflict", `An account for ${email} already exists`);
  const id = await createUser(db, {
    email,
    name: input.name.trim(),
    passwordHash:
      input.password !== undefined
        ? await hashPassword(input.password)
        : await unusablePasswordHash(),
    grants: input.grants,
    groups: input.groups,
    children: input.children,
  });
  const invited =
    input.password === undefined &&
    (await sendInvitation(db, { id, email, name: input.name }, links, now));
  const [user] = await listUsers(db, { userIds: [id], limit: 1 });
  return { user: user as UserListing, invited };
}

/** Disabling ends every session at once; enabling lets the same password in again. */
export async function setAccountDisabled(
  db: Kysely<DB>,
  actor: Actor,
  input: { userId: number; disabled: boolean },
): Promise<UserListing> {
  const manager = requireManager(actor);
  const target = await requireTarget(db, actor, manager, input.userId);
  if (input.disabled) {
    if (input.userId === actor.userId)
      throw new RollbookError("forbidden", "You cannot disable your own account");
    if (!target.user.disabled) await keepAnAdministrator(db, target.grants);
  }
  await db.transaction().execute(async (tx) => {
    await setDisabled(tx, input.userId, input.disabled);
    if (input.disabled) await deleteSessionsOf(tx, input.userId);
  });
  const [user] = await listUsers(db, { userIds: [input.userId], limit: 1 });
  return user as UserListing;
}

/** Grants and revokes in one go: the roles, groups and children given become the account's. */
export async function setAccountAccess(
  db: Kysely<DB>,
  actor: Actor,
  input: UserAccess & { userId: number },
): Promise<UserListing> {
  const manager = requireManager(actor);
  const target = await requireTarget(db, actor, manager, input.userId);
  await checkAccess(db, manager, input);
  if (!input.grants.some((g) => g.role === "admin") && !target.user.disabled)
    await keepAnAdministrator(db, target.grants);
  if (
    input.grants.some((g) => g.role === "admin") &&
    !target.grants.some((g) => g.role === "admin") &&
    (await isDemo(db))
  )
    throw new RollbookError("conflict", "This database is a demo: no new administrators here");
  await replaceAccess(db, input.userId, input);
  const [user] = await listUsers(db, { userIds: [input.userId], limit: 1 });
  return user as UserListing;
}

/** The old password stops working and every session ends; a link to choose a new one is emailed. */
export async function forcePasswordReset(
  db: Kysely<DB>,
  actor: Actor,
  input: { userId: number },
  links: Links,
  now: Date,
): Promise<{ emailed: boolean }> {
  const manager = requireManager(actor);
  await requireTarget(db, actor, manager, input.userId);
  if (input.userId === actor.userId)
    throw new RollbookError("forbidden", 'Change your own password with "Change password"');
  return sendForcedReset(db, input.userId, links, now);
}
