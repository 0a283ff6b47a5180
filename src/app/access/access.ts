import { type Kysely, sql } from "kysely";
import { childrenOf, type Grant } from "../../db/repositories/users.ts";
import type { DB, Role } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { AccessRecord } from "../audit/access-record.ts";
import { PERMISSIONS, type Permission, ROLE_LABELS, ROLE_PERMISSIONS } from "./permissions.ts";

export interface Actor {
  userId: number;
  name: string;
  email: string;
  grants: Grant[];
}

/** What one user may see and do in one school, worked out once per request. */
export class SchoolAccess {
  constructor(
    readonly actor: Actor,
    readonly schoolId: number,
    readonly roles: Role[],
    private readonly permissions: Set<Permission>,
    readonly ownGroups: number[],
    readonly children: number[],
    /** The pupils this request resolved, for the access log. */
    readonly audit: AccessRecord = new AccessRecord(),
  ) {}

  /**
   * The account a change is recorded against: null for the command-line operator, who holds the
   * database but has no account (user id 0 would break the record's reference to users).
   */
  get accountId(): number | null {
    return this.actor.userId > 0 ? this.actor.userId : null;
  }

  /** Everything the caller may do here, in the table's order: what the web app shows. */
  permissionList(): Permission[] {
    return PERMISSIONS.filter((p) => this.permissions.has(p));
  }

  isParentOf(pupilId: number): boolean {
    return this.children.includes(pupilId);
  }

  /**
   * A parent acts for their own child without any permission (reading the letters sent to them,
   * reporting an absence, asking for leave); anyone else needs `permission`.
   */
  requireForPupil(permission: Permission, pupilId: number): void {
    if (!this.isParentOf(pupilId)) this.require(permission);
  }

  can(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  require(permission: Permission): void {
    if (!this.can(permission)) {
      throw new RollbookError(
        "forbidden",
        `Your role (${this.describeRoles()}) does not allow this in this school`,
      );
    }
  }

  /** A pupil is visible to whole-school roles, to their group's staff, and to their own parents. */
  canSeePupil(pupil: { id: number; registration_group_id: number | null }): boolean {
    return (
      this.can("pupils.view_all") ||
      (pupil.registration_group_id !== null &&
        this.ownGroups.includes(pupil.registration_group_id)) ||
      this.children.includes(pupil.id)
    );
  }

  canTakeRegister(groupId: number): boolean {
    return (
      this.can("registers.take_any") ||
      (this.can("registers.take_own") && this.ownGroups.includes(groupId))
    );
  }

  canViewRegister(groupId: number): boolean {
    return this.can("registers.view_all") || this.ownGroups.includes(groupId);
  }

  /** "Ms K. Teacher (teacher)": how register history names this person. */
  signature(): string {
    return `${this.actor.name} (${this.describeRoles()})`;
  }

  private describeRoles(): string {
    return this.roles.map((r) => ROLE_LABELS[r]).join(", ") || "none";
  }
}

/** Schools a user can see at all: their own, their trust's, their local authority's, or all. */
export async function visibleSchoolIds(db: Kysely<DB>, actor: Actor): Promise<number[]> {
  if (actor.grants.some((g) => g.role === "admin")) {
    return (await db.selectFrom("schools").select("id").orderBy("id").execute()).map((s) => s.id);
  }
  const direct = actor.grants.flatMap((g) => (g.schoolId !== null ? [g.schoolId] : []));
  const trusts = actor.grants.flatMap((g) => (g.trustId !== null ? [g.trustId] : []));
  const las = actor.grants.flatMap((g) => (g.laCode !== null ? [g.laCode] : []));
  const viaOversight =
    trusts.length + las.length === 0
      ? []
      : await db
          .selectFrom("schools")
          .select("id")
          .where((eb) =>
            eb.or([
              ...(trusts.length > 0 ? [eb("trust_id", "in", trusts)] : []),
              ...(las.length > 0 ? [eb("la_code", "in", las)] : []),
            ]),
          )
          .execute();
  return [...new Set([...direct, ...viaOversight.map((s) => s.id)])].sort((a, b) => a - b);
}

/**
 * The user's access to one school. A school they cannot see is refused outright, so its
 * existence is the only thing the answer reveals.
 */
export async function accessToSchool(
  db: Kysely<DB>,
  actor: Actor,
  schoolId: number,
  audit: AccessRecord = new AccessRecord(),
): Promise<SchoolAccess> {
  const { rows } = await sql<{
    id: number;
    trust_id: number | null;
    la_code: string | null;
    own_groups: number[];
  }>`
    select s.id, s.trust_id, s.la_code,
           coalesce((select array_agg(registration_group_id) from group_staff
                     where school_id = s.id and user_id = ${actor.userId}), '{}') as own_groups
    from schools s where s.id = ${schoolId}`.execute(db);
  const school = rows[0];
  const roles = new Set<Role>();
  for (const grant of actor.grants) {
    if (grant.role === "admin") roles.add("admin");
    else if (grant.schoolId === schoolId) roles.add(grant.role);
    else if (school && grant.trustId !== null && grant.trustId === school.trust_id)
      roles.add(grant.role);
    else if (school && grant.laCode !== null && grant.laCode === school.la_code)
      roles.add(grant.role);
  }
  if (!school || roles.size === 0) {
    throw new RollbookError("forbidden", `You do not have access to school ${schoolId}`);
  }
  const permissions = new Set([...roles].flatMap((role) => ROLE_PERMISSIONS[role]));
  const children = roles.has("parent") ? await childrenOf(db, schoolId, actor.userId) : [];
  return new SchoolAccess(
    actor,
    schoolId,
    [...roles],
    permissions,
    school.own_groups,
    children,
    audit,
  );
}
