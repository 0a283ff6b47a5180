import type { Kysely } from "kysely";
import type { DB, Role } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";

export type StaffRole = Exclude<Role, "parent">;

/** The staff roles whose people must use two-factor sign-in (the deployment's setting). */
export async function twoFactorRequiredRoles(db: Kysely<DB>): Promise<StaffRole[]> {
  const rows = await db.selectFrom("two_factor_rules").select("role").orderBy("role").execute();
  return rows.map((r) => r.role);
}

/**
 * Sets the roles that must use two-factor sign-in. Their people without it are sent to set it up
 * at their next request, before anything else; a sign-in through the school's identity provider
 * counts as that provider's own strong sign-in (docs/security.md).
 */
export async function setTwoFactorRequiredRoles(
  db: Kysely<DB>,
  actor: Actor,
  roles: StaffRole[],
): Promise<StaffRole[]> {
  if (!actor.grants.some((g) => g.role === "admin"))
    throw new RollbookError(
      "forbidden",
      "Only administrators decide who must use two-factor sign-in",
    );
  await db.transaction().execute(async (tx) => {
    const wanted = [...new Set(roles)];
    let removal = tx.deleteFrom("two_factor_rules");
    if (wanted.length > 0) removal = removal.where("role", "not in", wanted);
    await removal.execute();
    if (wanted.length > 0)
      await tx
        .insertInto("two_factor_rules")
        .values(wanted.map((role) => ({ role })))
        .onConflict((oc) => oc.doNothing())
        .execute();
  });
  return twoFactorRequiredRoles(db);
}
