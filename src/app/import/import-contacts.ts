import type { Kysely } from "kysely";
import { pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB } from "../../db/schema.ts";
import { inTransactionOf } from "../../db/transactions.ts";
import { type CsvRow, parseFlag, type RowProblem, readCsv, rejectIfProblems } from "./csv.ts";

export const CONTACTS_CSV = {
  name: "contacts",
  required: ["upn", "priority", "name", "relationship"],
  optional: ["phone", "email", "address", "parental_responsibility", "lives_with_pupil"],
};

const MAX_LENGTH: Record<string, number> = {
  name: 200,
  relationship: 100,
  address: 500,
  email: 320,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{7,20}$/;

/**
 * Imports pupils' contacts (docs/formats.md). A pupil may have several, called in priority order;
 * a row for a priority the pupil already has replaces that contact's details.
 */
export async function importContacts(
  db: Kysely<DB>,
  schoolId: number,
  csv: string,
): Promise<{ saved: number }> {
  const { saved } = await saveContactRows(db, schoolId, readCsv(csv, CONTACTS_CSV));
  return { saved };
}

/**
 * Contacts given as rows already read (an MIS sync), in the file's column names. With
 * `skipBad`, rows with problems are left out and returned instead of refusing them all.
 */
export async function saveContactRows(
  db: Kysely<DB>,
  schoolId: number,
  rows: CsvRow[],
  options: { skipBad?: boolean } = {},
): Promise<{ saved: number; problems: RowProblem[] }> {
  const pupils = await pupilsByUpn(db, schoolId);
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  const contacts = rows.map(({ line, values: v }) => {
    const bad = (message: string) => problems.push({ line, message });
    const upn = (v.upn ?? "").toUpperCase();
    const pupil = pupils.get(upn);
    if (!pupil) bad(`no pupil with UPN "${v.upn}" in this school`);
    const priority = Number(v.priority);
    if (!Number.isInteger(priority) || priority < 1 || priority > 20)
      bad(`priority "${v.priority}" must be 1 to 20`);
    const k = `${upn}|${priority}`;
    if (seen.has(k)) bad(`${upn} priority ${priority} is also on line ${seen.get(k)}`);
    seen.set(k, line);
    if (!v.name) bad("name is empty");
    // The same caps as the API's contact form.
    for (const [field, max] of Object.entries(MAX_LENGTH)) {
      const length = v[field]?.length ?? 0;
      if (length > max) bad(`${field} is ${length} characters long; at most ${max}`);
    }
    if (!v.relationship) bad("relationship is empty");
    if (v.email && v.email.length <= 320 && !EMAIL.test(v.email))
      bad(`email "${v.email}" is not an email address`);
    if (v.phone && !PHONE.test(v.phone)) bad(`phone "${v.phone}" is not a phone number`);
    const parentalResponsibility = parseFlag(v.parental_responsibility || "Y");
    const livesWith = parseFlag(v.lives_with_pupil || "Y");
    if (parentalResponsibility === undefined)
      bad(`parental_responsibility "${v.parental_responsibility}" must be Y or N`);
    if (livesWith === undefined) bad(`lives_with_pupil "${v.lives_with_pupil}" must be Y or N`);
    return {
      school_id: schoolId,
      pupil_id: pupil?.id ?? 0,
      priority,
      name: v.name ?? "",
      relationship: v.relationship ?? "",
      phone: v.phone || null,
      email: v.email || null,
      address: v.address || null,
      parental_responsibility: parentalResponsibility ?? true,
      lives_with_pupil: livesWith ?? true,
    };
  });
  if (!options.skipBad) rejectIfProblems("contacts", problems);
  const bad = new Set(problems.map((p) => p.line));
  const good = contacts.filter((_, i) => !bad.has(rows[i]?.line ?? -1));
  await inTransactionOf(db, async (tx) => {
    // A thousand at a time: one statement each (priorities are unique per pupil, checked above).
    for (let i = 0; i < good.length; i += 1000) {
      await tx
        .insertInto("contacts")
        .values(good.slice(i, i + 1000))
        .onConflict((oc) =>
          oc.columns(["school_id", "pupil_id", "priority"]).doUpdateSet((eb) => ({
            name: eb.ref("excluded.name"),
            relationship: eb.ref("excluded.relationship"),
            phone: eb.ref("excluded.phone"),
            email: eb.ref("excluded.email"),
            address: eb.ref("excluded.address"),
            parental_responsibility: eb.ref("excluded.parental_responsibility"),
            lives_with_pupil: eb.ref("excluded.lives_with_pupil"),
          })),
        )
        .execute();
    }
  });
  return { saved: good.length, problems };
}
