import { type Kysely, sql } from "kysely";
import type { DB, Role } from "../schema.ts";

export interface Grant {
  role: Role;
  schoolId: number | null;
  trustId: number | null;
  laCode: string | null;
}

export interface UserRecord {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  disabled: boolean;
  /** The TOTP secret when two-factor sign-in is on. */
  totpSecret: string | null;
}

function toUser(row: {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  disabled: boolean;
  totp_secret: string | null;
}): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    totpSecret: row.totp_secret,
  };
}

export async function findUserByEmail(
  db: Kysely<DB>,
  email: string,
): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findUserById(db: Kysely<DB>, id: number): Promise<UserRecord | undefined> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toUser(row);
}

export async function grantsOf(db: Kysely<DB>, userId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom("role_grants")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    role: r.role,
    schoolId: r.school_id,
    trustId: r.trust_id,
    laCode: r.la_code,
  }));
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  grants: (Partial<Grant> & { role: Role })[];
  groups?: { schoolId: number; registrationGroupId: number }[];
  children?: { schoolId: number; pupilId: number }[];
}

export async function createUser(db: Kysely<DB>, user: NewUser): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto("users")
      .values({
        email: user.email.trim().toLowerCase(),
        name: user.name,
        password_hash: user.passwordHash,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const grant of user.grants) {
      await tx
        .insertInto("role_grants")
        .values({
          user_id: id,
          role: grant.role,
          school_id: grant.schoolId ?? null,
          trust_id: grant.trustId ?? null,
          la_code: grant.laCode ?? null,
        })
        .execute();
    }
    for (const group of user.groups ?? []) {
      await tx
        .insertInto("group_staff")
        .values({
          school_id: group.schoolId,
          registration_group_id: group.registrationGroupId,
          user_id: id,
        })
        .execute();
    }
    for (const child of user.children ?? []) {
      await tx
        .insertInto("parent_links")
        .values({ school_id: child.schoolId, pupil_id: child.pupilId, user_id: id })
        .execute();
    }
    return id;
  });
}

export async function createSession(
  db: Kysely<DB>,
  session: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    expiresAt: Date;
    signedInWith?: "password" | "single_sign_on";
  },
): Promise<void> {
  await db
    .insertInto("user_sessions")
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
      signed_in_with: session.signedInWith ?? "password",
    })
    .execute();
}

export interface SessionUser {
  userId: number;
  name: string;
  email: string;
  csrfToken: string;
  grants: Grant[];
  /** Their role requires two-factor sign-in and they have not set it up (nor came by single sign-on). */
  twoFactorSetupDue: boolean;
}

/** The live session's user and grants in one query: this runs on every request. */
export async function findSession(
  db: Kysely<DB>,
  tokenHash: string,
  now: Date,
): Promise<SessionUser | undefined> {
  const { rows } = await sql<{
    id: number;
    name: string;
    email: string;
    csrf_token: string;
    grants: Grant[];
    two_factor_setup_due: boolean;
  }>`
    select u.id, u.name, u.email, s.csrf_token,
           -- A required role without two-factor on, signed in with a password: set it up first.
           (u.totp_secret is null and s.signed_in_with = 'password' and bool_or(r.role is not null))
             as two_factor_setup_due,
           coalesce(json_agg(json_build_object('role', g.role, 'schoolId', g.school_id, 'trustId', g.trust_id,
                                               'laCode', g.la_code) order by g.id) filter (where g.id is not null),
                    '[]') as grants
    from user_sessions s
    join users u on u.id = s.user_id and not u.disabled
    left join role_grants g on g.user_id = u.id
    left join two_factor_rules r on r.role = g.role
    where s.token_hash = ${tokenHash} and s.expires_at > ${now}
    group by u.id, s.csrf_token, s.signed_in_with`.execute(db);
  const row = rows[0];
  return (
    row && {
      userId: row.id,
      name: row.name,
      email: row.email,
      csrfToken: row.csrf_token,
      grants: row.grants,
      twoFactorSetupDue: row.two_factor_setup_due === true,
    }
  );
}

export async function deleteSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom("user_sessions").where("token_hash", "=", tokenHash).execute();
}

/** Groups a teacher (or any staff member) is attached to, in one school. */
export async function groupsOfStaff(
  db: Kysely<DB>,
  schoolId: number,
  userId: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom("group_staff")
    .select("registration_group_id")
    .where("school_id", "=", schoolId)
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.registration_group_id);
}

export async function childrenOf(
  db: Kysely<DB>,
  schoolId: number,
  userId: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom("parent_links")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.pupil_id);
}

/** Ends every session of a user (sign-out everywhere, a disabled account, a new password), but `keep`. */
export async function deleteSessionsOf(
  db: Kysely<DB>,
  userId: number,
  keep?: string,
): Promise<number> {
  let query = db.deleteFrom("user_sessions").where("user_id", "=", userId);
  if (keep) query = query.where("token_hash", "!=", keep);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sessions and sign-in counters past their end: nothing reads them, so they go. */
export async function purgeExpired(
  db: Kysely<DB>,
  now: Date,
): Promise<{ sessions: number; signInAttempts: number; passwordLinks: number }> {
  const sessions = await db
    .deleteFrom("user_sessions")
    .where("expires_at", "<=", now)
    .executeTakeFirst();
  const attempts = await db
    .deleteFrom("sign_in_attempts")
    .where("window_ends", "<=", now)
    .executeTakeFirst();
  const links = await db
    .deleteFrom("password_links")
    .where("expires_at", "<=", new Date(now.getTime() - 7 * 86_400_000))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    signInAttempts: Number(attempts.numDeletedRows),
    passwordLinks: Number(links.numDeletedRows),
  };
}

/** Whether this database is a demo; undefined until its first start, `init` or `demo` decides. */
export async function findDeployment(db: Kysely<DB>): Promise<{ demo: boolean } | undefined> {
  return db.selectFrom("deployment").select("demo").executeTakeFirst();
}

/** Records the kind of deployment the first time only; returns the kind in force. */
export async function decideDeployment(db: Kysely<DB>, demo: boolean): Promise<{ demo: boolean }> {
  await db
    .insertInto("deployment")
    .values({ demo })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  return (await findDeployment(db)) as { demo: boolean };
}

/**
 * Counts one sign-in attempt against each key, in one statement, and returns each key's count in
 * its window: concurrent attempts queue on the rows, so no two read the same count. A key whose
 * window has ended starts again at 1.
 */
export async function countSignInAttempts(
  db: Kysely<DB>,
  keys: string[],
  now: Date,
  windowMinutes: number,
): Promise<{ key: string; attempts: number; windowEnds: Date }[]> {
  const windowEnds = new Date(now.getTime() + windowMinutes * 60_000);
  const rows = await db
    .insertInto("sign_in_attempts")
    .values(keys.map((key) => ({ key, attempts: 1, window_ends: windowEnds })))
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        attempts: sql<number>`case when ${eb.ref("sign_in_attempts.window_ends")} <= ${now} then 1 else ${eb.ref("sign_in_attempts.attempts")} + 1 end`,
        window_ends: sql<Date>`case when ${eb.ref("sign_in_attempts.window_ends")} <= ${now} then ${windowEnds} else ${eb.ref("sign_in_attempts.window_ends")} end`,
      })),
    )
    .returning(["key", "attempts", "window_ends"])
    .execute();
  return rows.map((r) => ({ key: r.key, attempts: r.attempts, windowEnds: r.window_ends }));
}

/** A successful sign-in or a new password: the pair's count goes, the others give back this attempt. */
export async function forgetSignInAttempts(
  db: Kysely<DB>,
  clear: string[],
  giveBack: string[],
): Promise<void> {
  if (clear.length > 0) await db.deleteFrom("sign_in_attempts").where("key", "in", clear).execute();
  if (giveBack.length > 0)
    await db
      .updateTable("sign_in_attempts")
      .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref("attempts")} - 1, 0)` }))
      .where("key", "in", giveBack)
      .execute();
}

export async function setPasswordHash(
  db: Kysely<DB>,
  userId: number,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable("users")
    .set({ password_hash: passwordHash })
    .where("id", "=", userId)
    .execute();
}

export async function setDisabled(
  db: Kysely<DB>,
  userId: number,
  disabled: boolean,
): Promise<void> {
  await db.updateTable("users").set({ disabled }).where("id", "=", userId).execute();
}

export interface UserAccess {
  grants: (Partial<Grant> & { role: Role })[];
  groups: { schoolId: number; registrationGroupId: number }[];
  children: { schoolId: number; pupilId: number }[];
}

/** Replaces a user's roles, registration groups and children in one transaction. */
export async function replaceAccess(
  db: Kysely<DB>,
  userId: number,
  access: UserAccess,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom("role_grants").where("user_id", "=", userId).execute();
    await tx.deleteFrom("group_staff").where("user_id", "=", userId).execute();
    await tx.deleteFrom("parent_links").where("user_id", "=", userId).execute();
    if (access.grants.length > 0)
      await tx
        .insertInto("role_grants")
        .values(
          access.grants.map((g) => ({
            user_id: userId,
            role: g.role,
            school_id: g.schoolId ?? null,
            trust_id: g.trustId ?? null,
            la_code: g.laCode ?? null,
          })),
        )
        .execute();
    if (access.groups.length > 0)
      await tx
        .insertInto("group_staff")
        .values(
          access.groups.map((g) => ({
            school_id: g.schoolId,
            registration_group_id: g.registrationGroupId,
            user_id: userId,
          })),
        )
        .execute();
    if (access.children.length > 0)
      await tx
        .insertInto("parent_links")
        .values(
          access.children.map((c) => ({
            school_id: c.schoolId,
            pupil_id: c.pupilId,
            user_id: userId,
          })),
        )
        .execute();
  });
}

export interface UserListing {
  id: number;
  email: string;
  name: string;
  disabled: boolean;
  grants: Grant[];
  groups: { schoolId: number; registrationGroupId: number; name: string }[];
  children: { schoolId: number; pupilId: number; name: string }[];
}

/**
 * Users matching `search` (name or email), with their roles, groups and children. `schoolIds`
 * narrows the list to users holding a role in one of those schools (a head's own staff).
 */
export async function listUsers(
  db: Kysely<DB>,
  options: { search?: string; schoolIds?: number[]; userIds?: number[]; limit: number },
): Promise<UserListing[]> {
  let query = db.selectFrom("users as u").select(["u.id", "u.email", "u.name", "u.disabled"]);
  if (options.search) {
    const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb(eb.fn("lower", ["u.name"]), "like", pattern), eb("u.email", "like", pattern)]),
    );
  }
  if (options.schoolIds)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("role_grants as g")
          .select("g.id")
          .whereRef("g.user_id", "=", "u.id")
          .where("g.school_id", "in", options.schoolIds?.length ? options.schoolIds : [-1]),
      ),
    );
  if (options.userIds)
    query = query.where("u.id", "in", options.userIds.length ? options.userIds : [-1]);
  const users = await query.orderBy("u.name").orderBy("u.id").limit(options.limit).execute();
  const ids = users.map((u) => u.id);
  if (ids.length === 0) return [];
  const [grants, groups, children] = await Promise.all([
    db.selectFrom("role_grants").selectAll().where("user_id", "in", ids).orderBy("id").execute(),
    db
      .selectFrom("group_staff as s")
      .innerJoin("registration_groups as r", (j) =>
        j.onRef("r.school_id", "=", "s.school_id").onRef("r.id", "=", "s.registration_group_id"),
      )
      .select(["s.user_id", "s.school_id", "s.registration_group_id", "r.name"])
      .where("s.user_id", "in", ids)
      .execute(),
    db
      .selectFrom("parent_links as l")
      .innerJoin("pupils as p", (j) =>
        j.onRef("p.school_id", "=", "l.school_id").onRef("p.id", "=", "l.pupil_id"),
      )
      .select(["l.user_id", "l.school_id", "l.pupil_id", "p.legal_forename", "p.legal_surname"])
      .where("l.user_id", "in", ids)
      .execute(),
  ]);
  return users.map((u) => ({
    ...u,
    grants: grants
      .filter((g) => g.user_id === u.id)
      .map((g) => ({
        role: g.role,
        schoolId: g.school_id,
        trustId: g.trust_id,
        laCode: g.la_code,
      })),
    groups: groups
      .filter((g) => g.user_id === u.id)
      .map((g) => ({
        schoolId: g.school_id,
        registrationGroupId: g.registration_group_id,
        name: g.name,
      })),
    children: children
      .filter((c) => c.user_id === u.id)
      .map((c) => ({
        schoolId: c.school_id,
        pupilId: c.pupil_id,
        name: `${c.legal_forename} ${c.legal_surname}`,
      })),
  }));
}

export async function createPasswordLink(
  db: Kysely<DB>,
  link: { tokenHash: string; userId: number; purpose: "reset" | "invitation"; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("password_links")
    .values({
      token_hash: link.tokenHash,
      user_id: link.userId,
      purpose: link.purpose,
      expires_at: link.expiresAt,
    })
    .execute();
}

/**
 * Marks a link used, in one statement, and returns whose it was: a link already used, expired or
 * unknown returns undefined, and two uses at once cannot both succeed.
 */
export async function spendPasswordLink(
  db: Kysely<DB>,
  tokenHash: string,
  now: Date,
): Promise<{ userId: number; purpose: "reset" | "invitation" } | undefined> {
  const row = await db
    .updateTable("password_links")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning(["user_id", "purpose"])
    .executeTakeFirst();
  return row && { userId: row.user_id, purpose: row.purpose };
}

/** What a link is, without using it: the reset page says "expired" before the form is filled. */
export async function findPasswordLink(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<{ userId: number; expiresAt: Date; usedAt: Date | null } | undefined> {
  const row = await db
    .selectFrom("password_links")
    .select(["user_id", "expires_at", "used_at"])
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row && { userId: row.user_id, expiresAt: row.expires_at, usedAt: row.used_at };
}

/** Earlier links of a user stop working once a newer one is used or a password is set. */
export async function retirePasswordLinks(
  db: Kysely<DB>,
  userId: number,
  now: Date,
): Promise<void> {
  await db
    .updateTable("password_links")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
}

export async function countActiveAdmins(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom("role_grants as g")
    .innerJoin("users as u", "u.id", "g.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("g.role", "=", "admin")
    .where("u.disabled", "=", false)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteExpiredSessionsOf(
  db: Kysely<DB>,
  userId: number,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom("user_sessions")
    .where("user_id", "=", userId)
    .where("expires_at", "<=", now)
    .execute();
}
