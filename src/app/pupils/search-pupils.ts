import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { compareFormNames } from "../../domain/forms.ts";
import { isOnRoll } from "../../domain/pupil.ts";
import type { SchoolAccess } from "../access/access.ts";
import { displayName } from "../registers/register.ts";

export interface PupilFound {
  id: number;
  name: string;
  upn: string;
  form: string | null;
}

/** How many pupils the header's search shows: enough to pick from, few enough to read on a phone. */
export const SEARCH_LIMIT = 8;

/**
 * The header's pupil search: by name (forename, surname or both, preferred or legal), UPN, or form
 * (all of 9D), among the pupils on roll the caller may see. Surname matches first, then by form.
 */
export async function searchPupils(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { text: string; date: string },
): Promise<{ pupils: PupilFound[]; more: boolean }> {
  if (!access.can("school.view"))
    throw new RollbookError("forbidden", "Searching pupils is for school staff");
  const text = input.text.trim().replaceAll(/[%_\\]/g, "");
  if (text.length < 2) return { pupils: [], more: false };
  const term = `%${text}%`;
  const rows = await db
    .selectFrom("pupils as p")
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .selectAll("p")
    .select("g.name as form")
    .where("p.school_id", "=", access.schoolId)
    .where((eb) =>
      eb.or([
        eb("p.legal_surname", "ilike", term),
        eb("p.legal_forename", "ilike", term),
        eb("p.preferred_forename", "ilike", term),
        eb("p.preferred_surname", "ilike", term),
        eb(
          sql<string>`coalesce(p.preferred_forename, p.legal_forename) || ' ' || coalesce(p.preferred_surname, p.legal_surname)`,
          "ilike",
          term,
        ),
        eb("p.upn", "ilike", term),
        eb(sql<string>`lower(g.name)`, "=", text.toLowerCase()),
      ]),
    )
    .orderBy("p.legal_surname")
    .orderBy("p.legal_forename")
    .limit(500)
    .execute();
  const shown = rows
    .filter((p) => access.canSeePupil(p) && isOnRoll(p, input.date))
    .sort((a, b) => compareFormNames(a.form ?? "", b.form ?? ""))
    .sort((a, b) => rank(a, text) - rank(b, text));
  const pupils = shown.slice(0, SEARCH_LIMIT);
  // The access log names every pupil the search showed.
  access.audit.listed(
    access.schoolId,
    pupils.map((p) => p.id),
  );
  return {
    pupils: pupils.map((p) => ({ id: p.id, name: displayName(p), upn: p.upn, form: p.form })),
    more: shown.length > SEARCH_LIMIT,
  };
}

/** A surname that starts with what was typed is the likeliest pupil. */
function rank(p: { legal_surname: string; preferred_surname: string | null }, text: string) {
  const t = text.toLowerCase();
  return (p.preferred_surname ?? p.legal_surname).toLowerCase().startsWith(t) ? 0 : 1;
}
