import type { Kysely } from "kysely";
import { createSchool, type NewSchool } from "../../db/repositories/schools.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { byFormName } from "../../domain/forms.ts";
import { type RegisterTimes, validateRegisterTimes } from "../../domain/register-times.ts";
import { type Actor, visibleSchoolIds } from "../access/access.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/** The schools a signed-in user can see, with their trust and local authority. */
export async function listSchools(db: Kysely<DB>, actor: Actor) {
  const ids = await visibleSchoolIds(db, actor);
  if (ids.length === 0) return [];
  return db
    .selectFrom("schools")
    .leftJoin("trusts", "trusts.id", "schools.trust_id")
    .leftJoin("local_authorities as la", "la.code", "schools.la_code")
    .select([
      "schools.id",
      "schools.name",
      "schools.phase",
      "schools.urn",
      "trusts.name as trust",
      "la.name as localAuthority",
    ])
    .where("schools.id", "in", ids)
    .orderBy("schools.name")
    .execute();
}

/** An administrator adds a school; a URN already held by another school is refused. */
export async function addSchool(db: Kysely<DB>, actor: Actor, school: NewSchool) {
  if (!actor.grants.some((g) => g.role === "admin"))
    throw new RollbookError("forbidden", "Only an administrator can add a school");
  if (school.urn) {
    const taken = await db
      .selectFrom("schools")
      .select("id")
      .where("urn", "=", school.urn)
      .executeTakeFirst();
    if (taken)
      throw new RollbookError(
        "conflict",
        `A school with URN ${school.urn} already exists (school ${taken.id})`,
      );
  }
  const created = await createSchool(db, school);
  return { id: created.id, name: created.name };
}

/** A school as its staff open it: register times, the groups they may see, what they may do. */
export async function showSchool(ctx: UseCaseContext) {
  const { db, access } = ctx;
  const school = await db
    .selectFrom("schools")
    .selectAll()
    .where("id", "=", access.schoolId)
    .executeTakeFirstOrThrow();
  const [yearGroups, registrationGroups] = await Promise.all([
    db
      .selectFrom("year_groups")
      .select(["id", "name", "nc_year"])
      .where("school_id", "=", school.id)
      .orderBy("nc_year")
      .execute(),
    db
      .selectFrom("registration_groups")
      .select(["id", "name", "year_group_id"])
      .where("school_id", "=", school.id)
      .execute()
      .then((groups) => byFormName(groups, (g) => g.name)),
  ]);
  return {
    id: school.id,
    name: school.name,
    phase: school.phase,
    urn: school.urn,
    address: school.address,
    registerTimes: {
      amOpens: school.am_register_opens,
      amCloses: school.am_register_closes,
      pmOpens: school.pm_register_opens,
      pmCloses: school.pm_register_closes,
    },
    yearGroups,
    registrationGroups: registrationGroups.filter((g) => access.canViewRegister(g.id)),
    yourRoles: access.roles,
    /** What the caller may do in this school: the web app shows only these. */
    permissions: access.permissionList(),
  };
}

/** Register times (checked: at most 30 minutes open) and the DfE establishment number. */
export async function changeSchoolSettings(
  ctx: UseCaseContext,
  change: { registerTimes?: RegisterTimes | undefined; estab?: string | undefined },
): Promise<{ registerTimes?: RegisterTimes; estab?: string }> {
  ctx.access.require("school.setup");
  const { estab } = change;
  const times = change.registerTimes ? validateRegisterTimes(change.registerTimes) : undefined;
  await inTransaction(ctx, "change school settings", (tx) =>
    tx
      .updateTable("schools")
      .set({
        ...(times
          ? {
              am_register_opens: times.amOpens,
              am_register_closes: times.amCloses,
              pm_register_opens: times.pmOpens,
              pm_register_closes: times.pmCloses,
            }
          : {}),
        ...(estab ? { estab } : {}),
      })
      .where("id", "=", ctx.access.schoolId)
      .execute(),
  );
  return { ...(times ? { registerTimes: times } : {}), ...(estab ? { estab } : {}) };
}
