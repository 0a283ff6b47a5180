import type { Kysely } from "kysely";
import { createUser, findUserByEmail, grantsOf } from "../../db/repositories/users.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Actor } from "../access/access.ts";
import { ROLE_PERMISSIONS } from "../access/permissions.ts";
import { type Links, sendInvitation, unusablePasswordHash } from "./password-links.ts";

export interface ParentInvitations {
  invited: number;
  /** Parents who already had a parent account here: their children are linked, no new email. */
  linked: number;
  skipped: { email: string; reason: string }[];
}

/**
 * Invites every contact with parental responsibility and an email address, of every pupil on
 * roll, to a parent account linked to their children; the emailed link's first use sets the
 * password. Contacts sharing an address get one account. Run again after an import: those
 * already invited are not emailed twice.
 */
export async function inviteParentsFromContacts(
  db: Kysely<DB>,
  actor: Actor,
  input: { schoolId: number },
  links: Links,
  now: Date,
): Promise<ParentInvitations> {
  const allowed =
    actor.grants.some((g) => g.role === "admin") ||
    actor.grants.some(
      (g) => g.schoolId === input.schoolId && ROLE_PERMISSIONS[g.role].includes("staff.manage"),
    );
  if (!allowed)
    throw new RollbookError(
      "forbidden",
      "Only administrators and the school's head invite parents",
    );
  const contacts = await db
    .selectFrom("contacts as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .select(["c.name", "c.email", "c.pupil_id"])
    .where("c.school_id", "=", input.schoolId)
    .where("c.parental_responsibility", "=", true)
    .where("c.email", "is not", null)
    .where("p.leaving_date", "is", null)
    .orderBy("c.pupil_id")
    .orderBy("c.priority")
    .execute();
  const families = new Map<string, { name: string; pupils: Set<number> }>();
  for (const c of contacts) {
    const email = (c.email as string).trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) continue;
    const family = families.get(email) ?? { name: c.name, pupils: new Set<number>() };
    family.pupils.add(c.pupil_id);
    families.set(email, family);
  }
  const result: ParentInvitations = { invited: 0, linked: 0, skipped: [] };
  for (const [email, family] of families) {
    const existing = await findUserByEmail(db, email);
    if (!existing) {
      const id = await createUser(db, {
        email,
        name: family.name,
        passwordHash: await unusablePasswordHash(),
        grants: [{ role: "parent", schoolId: input.schoolId }],
        children: [...family.pupils].map((pupilId) => ({ schoolId: input.schoolId, pupilId })),
      });
      if (await sendInvitation(db, { id, email, name: family.name }, links, now)) result.invited++;
      continue;
    }
    const grants = await grantsOf(db, existing.id);
    if (!grants.every((g) => g.role === "parent" && g.schoolId === input.schoolId)) {
      result.skipped.push({ email, reason: "already has a staff or other school's account" });
      continue;
    }
    const linkedNow = await db
      .insertInto("parent_links")
      .values(
        [...family.pupils].map((pupilId) => ({
          school_id: input.schoolId,
          pupil_id: pupilId,
          user_id: existing.id,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning("pupil_id")
      .execute();
    if (linkedNow.length > 0) result.linked++;
  }
  return result;
}
