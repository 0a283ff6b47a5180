import type { Kysely } from "kysely";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { Contact, DB, NewPupil, Pupil } from "../schema.ts";
import { chunks } from "./marks.ts";

export interface Groups {
  yearGroups: Map<string, number>;
  registrationGroups: Map<string, number>;
}

/** Year and registration groups by name, creating the missing ones. */
export async function ensureGroups(
  tx: Kysely<DB>,
  schoolId: number,
  wanted: { yearGroup: string | null; registrationGroup: string | null; ncYear?: number | null }[],
): Promise<Groups> {
  const yearGroups = new Map(
    (
      await tx
        .selectFrom("year_groups")
        .select(["id", "name"])
        .where("school_id", "=", schoolId)
        .execute()
    ).map((g) => [g.name, g.id]),
  );
  for (const { yearGroup, ncYear } of wanted) {
    if (!yearGroup || yearGroups.has(yearGroup)) continue;
    const created = await tx
      .insertInto("year_groups")
      .values({
        school_id: schoolId,
        name: yearGroup,
        nc_year: ncYear ?? ncYearFromName(yearGroup),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    yearGroups.set(yearGroup, created.id);
  }
  const registrationGroups = new Map(
    (
      await tx
        .selectFrom("registration_groups")
        .select(["id", "name"])
        .where("school_id", "=", schoolId)
        .execute()
    ).map((g) => [g.name, g.id]),
  );
  for (const { yearGroup, registrationGroup } of wanted) {
    if (!registrationGroup || registrationGroups.has(registrationGroup)) continue;
    const created = await tx
      .insertInto("registration_groups")
      .values({
        school_id: schoolId,
        name: registrationGroup,
        year_group_id: yearGroup ? (yearGroups.get(yearGroup) ?? null) : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    registrationGroups.set(registrationGroup, created.id);
  }
  return { yearGroups, registrationGroups };
}

/** "Year 7" -> 7, "Reception" -> 0; other names carry no National Curriculum year. */
function ncYearFromName(name: string): number | null {
  if (/^reception$/i.test(name)) return 0;
  const match = /^(?:year|yr|y)\s*(\d{1,2})$/i.exec(name.trim());
  return match ? Number(match[1]) : null;
}

export async function insertPupils(tx: Kysely<DB>, pupils: NewPupil[]): Promise<Pupil[]> {
  const inserted: Pupil[] = [];
  for (const chunk of chunks(pupils, 1_000)) {
    inserted.push(...(await tx.insertInto("pupils").values(chunk).returningAll().execute()));
  }
  return inserted;
}

export async function pupilsByUpn(db: Kysely<DB>, schoolId: number): Promise<Map<string, Pupil>> {
  const rows = await db
    .selectFrom("pupils")
    .selectAll()
    .where("school_id", "=", schoolId)
    .execute();
  return new Map(rows.map((p) => [p.upn, p]));
}

export async function findPupil(db: Kysely<DB>, schoolId: number, upnOrId: string): Promise<Pupil> {
  const pupil = await db
    .selectFrom("pupils")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where((eb) =>
      /^\d+$/.test(upnOrId)
        ? eb("id", "=", Number(upnOrId))
        : eb("upn", "=", upnOrId.toUpperCase()),
    )
    .executeTakeFirst();
  if (!pupil)
    throw new RollbookError("not_found", `No pupil with UPN or id "${upnOrId}" in this school`);
  return pupil;
}

export async function contactsOf(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
): Promise<Contact[]> {
  return db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .orderBy("priority")
    .execute();
}

/**
 * Pupils on roll at some time between two days (admitted by `to`, not left before `from`), with
 * their registration group and year group, by surname.
 */
export function pupilsOnRollWithGroup(
  db: Kysely<DB>,
  schoolId: number,
  between: { from: IsoDate; to: IsoDate },
) {
  return db
    .selectFrom("pupils as p")
    .leftJoin("registration_groups as r", (j) =>
      j.onRef("r.school_id", "=", "p.school_id").onRef("r.id", "=", "p.registration_group_id"),
    )
    .leftJoin("year_groups as y", (j) =>
      j.onRef("y.school_id", "=", "p.school_id").onRef("y.id", "=", "p.year_group_id"),
    )
    .select([
      "p.id",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "p.date_of_birth",
      "p.admission_date",
      "p.leaving_date",
      "r.id as group_id",
      "r.name as group_name",
      "y.name as year_group",
      "y.nc_year",
    ])
    .where("p.school_id", "=", schoolId)
    .where("p.admission_date", "<=", between.to)
    .where((eb) =>
      eb.or([eb("p.leaving_date", "is", null), eb("p.leaving_date", ">=", between.from)]),
    )
    .orderBy("p.legal_surname")
    .orderBy("p.legal_forename")
    .execute();
}

/** A school's registration groups by name: 7A -> its id. */
export async function groupIdsByName(
  db: Kysely<DB>,
  schoolId: number,
): Promise<Map<string, number>> {
  const groups = await db
    .selectFrom("registration_groups")
    .select(["id", "name"])
    .where("school_id", "=", schoolId)
    .execute();
  return new Map(groups.map((g) => [g.name, g.id]));
}

/**
 * A school's pupils, in one registration group or matching a few letters of a name or UPN, by
 * surname then forename. Who may see which of them is the caller's to judge.
 */
export function pupilsMatching(
  db: Kysely<DB>,
  schoolId: number,
  filter: { groupId?: number | undefined; search?: string | undefined },
): Promise<Pupil[]> {
  let query = db.selectFrom("pupils").selectAll().where("school_id", "=", schoolId);
  if (filter.groupId) query = query.where("registration_group_id", "=", filter.groupId);
  if (filter.search) {
    const term = `%${filter.search.replaceAll(/[%_\\]/g, "")}%`;
    query = query.where((eb) =>
      eb.or([
        eb("legal_surname", "ilike", term),
        eb("legal_forename", "ilike", term),
        eb("preferred_forename", "ilike", term),
        eb("upn", "ilike", term),
      ]),
    );
  }
  return query.orderBy("legal_surname").orderBy("legal_forename").execute();
}
