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
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
}

function toUser(row: {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
  disabled: boolean;
}): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    disabled: row.disabled,
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

export async function recordFailedLogin(
  db: Kysely<DB>,
  userId: number,
  lockUntil: Date | null,
): Promise<void> {
  await db
    .updateTable("users")
    .set((eb) => ({ failed_logins: eb("failed_logins", "+", 1), locked_until: lockUntil }))
    .where("id", "=", userId)
    .execute();
}

export async function clearFailedLogins(db: Kysely<DB>, userId: number): Promise<void> {
  await db
    .updateTable("users")
    .set({ failed_logins: 0, locked_until: null })
    .where("id", "=", userId)
    .execute();
}

export async function createSession(
  db: Kysely<DB>,
  session: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("user_sessions")
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
    })
    .execute();
}

export interface SessionUser {
  userId: number;
  name: string;
  email: string;
  csrfToken: string;
  grants: Grant[];
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
  }>`
    select u.id, u.name, u.email, s.csrf_token,
           coalesce(json_agg(json_build_object('role', g.role, 'schoolId', g.school_id, 'trustId', g.trust_id,
                                               'laCode', g.la_code) order by g.id) filter (where g.id is not null),
                    '[]') as grants
    from user_sessions s
    join users u on u.id = s.user_id and not u.disabled
    left join role_grants g on g.user_id = u.id
    where s.token_hash = ${tokenHash} and s.expires_at > ${now}
    group by u.id, s.csrf_token`.execute(db);
  const row = rows[0];
  return (
    row && {
      userId: row.id,
      name: row.name,
      email: row.email,
      csrfToken: row.csrf_token,
      grants: row.grants,
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
