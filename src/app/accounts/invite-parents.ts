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

/** Whose parents: chosen pupils, forms or year groups (together); none chosen is the whole roll. */
export interface PupilSelection {
  schoolId: number;
  pupilIds?: number[] | undefined;
  registrationGroupIds?: number[] | undefined;
  yearGroupIds?: number[] | undefined;
}

/** Who the button will invite, link and leave out, and why: shown before anything is sent. */
export interface InvitationPreview {
  /** New parent accounts, one email each. */
  invite: { email: string; name: string; pupils: string[] }[];
  /** Parent accounts here already: the children are added, no email. */
  link: { email: string; name: string; pupils: string[] }[];
  /** Contacts not invited, each with the reason. */
  notInvited: { name: string; pupil: string; email: string | null; reason: string }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function requireInviter(actor: Actor, schoolId: number): void {
  const allowed =
    actor.grants.some((g) => g.role === "admin") ||
    actor.grants.some(
      (g) => g.schoolId === schoolId && ROLE_PERMISSIONS[g.role].includes("staff.manage"),
    );
  if (!allowed)
    throw new RollbookError(
      "forbidden",
      "Only administrators and the school's head invite parents",
    );
}

interface Family {
  name: string;
  pupils: Map<number, string>;
}

/** The selected pupils' contacts on roll, sorted into families by email, and those left out. */
async function familiesOf(db: Kysely<DB>, selection: PupilSelection) {
  const some = (ids: number[] | undefined) => ids !== undefined && ids.length > 0;
  let query = db
    .selectFrom("contacts as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .leftJoin("registration_groups as rg", (j) =>
      j.onRef("rg.school_id", "=", "p.school_id").onRef("rg.id", "=", "p.registration_group_id"),
    )
    .select([
      "c.name",
      "c.email",
      "c.pupil_id",
      "c.parental_responsibility",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
    ])
    .where("c.school_id", "=", selection.schoolId)
    .where("p.leaving_date", "is", null);
  if (
    some(selection.pupilIds) ||
    some(selection.registrationGroupIds) ||
    some(selection.yearGroupIds)
  )
    query = query.where((eb) =>
      eb.or([
        ...(some(selection.pupilIds) ? [eb("p.id", "in", selection.pupilIds as number[])] : []),
        ...(some(selection.registrationGroupIds)
          ? [eb("p.registration_group_id", "in", selection.registrationGroupIds as number[])]
          : []),
        ...(some(selection.yearGroupIds)
          ? [
              eb(
                eb.fn.coalesce("p.year_group_id", "rg.year_group_id"),
                "in",
                selection.yearGroupIds as number[],
              ),
            ]
          : []),
      ]),
    );
  const contacts = await query.orderBy("c.pupil_id").orderBy("c.priority").execute();
  const families = new Map<string, Family>();
  const notInvited: InvitationPreview["notInvited"] = [];
  for (const c of contacts) {
    const pupil = `${c.preferred_forename ?? c.legal_forename} ${c.legal_surname}`;
    const email = c.email?.trim().toLowerCase() ?? "";
    const leftOut = !c.parental_responsibility
      ? "no parental responsibility"
      : !email
        ? "no email address"
        : !EMAIL.test(email)
          ? "the email address is not valid"
          : null;
    if (leftOut) {
      notInvited.push({ name: c.name, pupil, email: c.email, reason: leftOut });
      continue;
    }
    const family = families.get(email) ?? { name: c.name, pupils: new Map<number, string>() };
    family.pupils.set(c.pupil_id, pupil);
    families.set(email, family);
  }
  return { families, notInvited };
}

type Outcome =
  | { kind: "invite" }
  | { kind: "link"; userId: number; newChildren: number[] }
  | { kind: "skip"; reason: string };

async function outcomeFor(
  db: Kysely<DB>,
  schoolId: number,
  email: string,
  family: Family,
): Promise<Outcome> {
  const existing = await findUserByEmail(db, email);
  if (!existing) return { kind: "invite" };
  const grants = await grantsOf(db, existing.id);
  if (!grants.every((g) => g.role === "parent" && g.schoolId === schoolId))
    return { kind: "skip", reason: "already has a staff or other school's account" };
  const linked = await db
    .selectFrom("parent_links")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("user_id", "=", existing.id)
    .execute();
  const have = new Set(linked.map((l) => l.pupil_id));
  const newChildren = [...family.pupils.keys()].filter((p) => !have.has(p));
  if (newChildren.length === 0) return { kind: "skip", reason: "already has an account" };
  return { kind: "link", userId: existing.id, newChildren };
}

/** What inviting the selection's parents would do, without doing it. */
export async function previewParentInvitations(
  db: Kysely<DB>,
  actor: Actor,
  selection: PupilSelection,
): Promise<InvitationPreview> {
  requireInviter(actor, selection.schoolId);
  const { families, notInvited } = await familiesOf(db, selection);
  const preview: InvitationPreview = { invite: [], link: [], notInvited };
  for (const [email, family] of families) {
    const outcome = await outcomeFor(db, selection.schoolId, email, family);
    const row = { email, name: family.name, pupils: [...family.pupils.values()] };
    if (outcome.kind === "invite") preview.invite.push(row);
    else if (outcome.kind === "link") preview.link.push(row);
    else
      notInvited.push({
        name: family.name,
        pupil: row.pupils.join(", "),
        email,
        reason: outcome.reason,
      });
  }
  return preview;
}

/**
 * Invites every contact with parental responsibility and an email address, of the selected
 * pupils on roll (every pupil when none is chosen), to a parent account linked to their children;
 * the emailed link's first use sets the password. Contacts sharing an address get one account.
 * Run again after an import: those already invited are not emailed twice.
 */
export async function inviteParentsFromContacts(
  db: Kysely<DB>,
  actor: Actor,
  input: PupilSelection,
  links: Links,
  now: Date,
): Promise<ParentInvitations> {
  requireInviter(actor, input.schoolId);
  const { families } = await familiesOf(db, input);
  const result: ParentInvitations = { invited: 0, linked: 0, skipped: [] };
  for (const [email, family] of families) {
    const outcome = await outcomeFor(db, input.schoolId, email, family);
    if (outcome.kind === "skip") {
      if (outcome.reason !== "already has an account")
        result.skipped.push({ email, reason: outcome.reason });
      continue;
    }
    if (outcome.kind === "invite") {
      const id = await createUser(db, {
        email,
        name: family.name,
        passwordHash: await unusablePasswordHash(),
        grants: [{ role: "parent", schoolId: input.schoolId }],
        children: [...family.pupils.keys()].map((pupilId) => ({
          schoolId: input.schoolId,
          pupilId,
        })),
      });
      if (await sendInvitation(db, { id, email, name: family.name }, links, now)) result.invited++;
      continue;
    }
    await db
      .insertInto("parent_links")
      .values(
        outcome.newChildren.map((pupilId) => ({
          school_id: input.schoolId,
          pupil_id: pupilId,
          user_id: outcome.userId,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    result.linked++;
  }
  return result;
}
