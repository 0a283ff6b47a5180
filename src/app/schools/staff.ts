import { ensureGroups } from "../../db/repositories/pupils.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/** The school's staff accounts (not parents), each role with the registration groups it holds. */
export async function listStaff(ctx: UseCaseContext) {
  const { db, access } = ctx;
  access.require("staff.manage");
  const rows = await db
    .selectFrom("role_grants as g")
    .innerJoin("users as u", "u.id", "g.user_id")
    .select(["u.id", "u.name", "u.email", "g.role", "u.disabled", "u.locked_until"])
    .where("g.school_id", "=", access.schoolId)
    .where("g.role", "!=", "parent")
    .orderBy("u.name")
    .execute();
  const groups = await db
    .selectFrom("group_staff as s")
    .innerJoin("registration_groups as r", (j) =>
      j.onRef("r.school_id", "=", "s.school_id").onRef("r.id", "=", "s.registration_group_id"),
    )
    .select(["s.user_id", "r.id", "r.name"])
    .where("s.school_id", "=", access.schoolId)
    .execute();
  return rows.map((r) => ({
    ...r,
    groups: groups.filter((g) => g.user_id === r.id).map((g) => ({ id: g.id, name: g.name })),
  }));
}

/** Adds a registration group (and its year group when new); an existing one is left as it is. */
export async function addRegistrationGroup(
  ctx: UseCaseContext,
  group: { name: string; yearGroup: string | null },
): Promise<{ id: number; name: string }> {
  ctx.access.require("school.setup");
  const groups = await inTransaction(ctx, "add registration group", (tx) =>
    ensureGroups(tx, ctx.access.schoolId, [
      { yearGroup: group.yearGroup, registrationGroup: group.name },
    ]),
  );
  return { id: groups.registrationGroups.get(group.name) as number, name: group.name };
}
