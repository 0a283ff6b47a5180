import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB } from "../../db/schema.ts";
import { londonToday } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { checkPhoto } from "../../domain/photos.ts";
import type { CsvRow } from "../import/csv.ts";
import { saveContactRows } from "../import/import-contacts.ts";
import { importPupilRows, parsePupilRows } from "../import/import-pupils.ts";
import type { MisDeletion, MisPupil } from "./provider.ts";
import type { SyncCounts } from "./sync.ts";

/** The MIS's pupils and contacts through the imports' own paths; deletions as leaving dates. */
/** Columns an MIS always gives; flags only where the MIS shares them for every pupil. */
const BASE_COLUMNS = [
  "upn",
  "legal_forename",
  "legal_surname",
  "preferred_forename",
  "preferred_surname",
  "date_of_birth",
  "sex",
  "admission_date",
  "leaving_date",
  "year_group",
  "registration_group",
];
const flag = (value: boolean | null) => (value === null ? "" : value ? "Y" : "N");
const describe = (p: MisPupil) => `${p.legalForename} ${p.legalSurname} (MIS id ${p.misId})`;

function rowOf(p: MisPupil, line: number): CsvRow {
  return {
    line,
    values: {
      upn: p.upn ?? "",
      legal_forename: p.legalForename,
      legal_surname: p.legalSurname,
      preferred_forename: p.preferredForename ?? "",
      preferred_surname: p.preferredSurname ?? "",
      date_of_birth: p.dateOfBirth ?? "",
      sex: p.sex ?? "",
      admission_date: p.admissionDate ?? "",
      leaving_date: p.leavingDate ?? "",
      year_group: p.yearGroup ?? "",
      registration_group: p.registrationGroup ?? "",
      fsm: flag(p.fsm),
      sen: p.sen ?? "",
      looked_after: flag(p.lookedAfter),
    },
  };
}

export async function writePupils(
  db: Kysely<DB>,
  schoolId: number,
  pupils: MisPupil[],
  counts: SyncCounts,
  errors: string[],
  progress: (step: string, done: number, total: number, force?: boolean) => Promise<void>,
  batchSize: number,
  /** When the run started: what a photo stored by it says. */
  at: Date = new Date(),
): Promise<void> {
  if (pupils.length === 0) return;
  // A flag the MIS leaves out for anyone is not shared: the field stays as Rollbook has it.
  const columns = [...BASE_COLUMNS];
  if (pupils.every((p) => p.fsm !== null)) columns.push("fsm");
  if (pupils.every((p) => p.sen !== null)) columns.push("sen");
  if (pupils.every((p) => p.lookedAfter !== null)) columns.push("looked_after");
  // Rows with problems are named in the run's errors and left out; the others go in.
  const rows = pupils.map((p, i) => rowOf(p, i + 1));
  const { problems } = parsePupilRows(rows);
  const bad = new Map<number, string[]>();
  for (const problem of problems)
    bad.set(problem.line, [...(bad.get(problem.line) ?? []), problem.message]);
  for (const [line, messages] of bad) {
    const pupil = pupils[line - 1] as MisPupil;
    errors.push(`${describe(pupil)} was not imported: ${messages.join("; ")}`);
  }
  const good = rows.filter((r) => !bad.has(r.line));
  for (let i = 0; i < good.length; i += batchSize) {
    const chunk = good.slice(i, i + batchSize);
    const result = await importPupilRows(db, schoolId, chunk, columns);
    counts.added += result.created;
    counts.changed += result.updated;
    counts.unchanged += result.summary.unchanged;
    counts.left += result.summary.left.length;
    await progress("Writing pupils", Math.min(i + batchSize, good.length), good.length, true);
  }
  // Which MIS record is which pupil: what marks, deletions and writeback refer to.
  const byUpn = await pupilsByUpn(db, schoolId);
  const links = good
    .map((r) => {
      const pupil = pupils[r.line - 1] as MisPupil;
      const stored = byUpn.get((pupil.upn ?? "").toUpperCase());
      return stored ? { school_id: schoolId, mis_id: pupil.misId, pupil_id: stored.id } : null;
    })
    .filter((l): l is NonNullable<typeof l> => l !== null);
  for (let i = 0; i < links.length; i += 1000) {
    await db
      .insertInto("mis_pupils")
      .values(links.slice(i, i + 1000))
      .onConflict((oc) =>
        oc
          .columns(["school_id", "pupil_id"])
          .doUpdateSet((eb) => ({ mis_id: eb.ref("excluded.mis_id") })),
      )
      .execute();
  }
  await writePhotos(
    db,
    schoolId,
    good.map((r) => pupils[r.line - 1] as MisPupil),
    byUpn,
    counts,
    errors,
    at,
  );
  const contactRows: CsvRow[] = [];
  for (const r of good) {
    const pupil = pupils[r.line - 1] as MisPupil;
    for (const c of pupil.contacts ?? [])
      contactRows.push({
        line: contactRows.length + 1,
        values: {
          upn: (pupil.upn ?? "").toUpperCase(),
          priority: String(c.priority),
          name: c.name,
          relationship: c.relationship,
          phone: c.phone ?? "",
          email: c.email ?? "",
          address: "",
          parental_responsibility: flag(c.parentalResponsibility),
          lives_with_pupil: flag(c.livesWithPupil),
        },
      });
  }
  if (contactRows.length > 0) {
    await progress("Writing contacts", 0, contactRows.length, true);
    const saved = await saveContactRows(db, schoolId, contactRows, { skipBad: true });
    counts.contacts += saved.saved;
    for (const p of saved.problems) {
      const row = contactRows[p.line - 1];
      errors.push(`A contact of ${row?.values.upn} was not imported: ${p.message}`);
    }
  }
}

/**
 * The MIS's photos (JPEG or PNG up to 2 MB, as an upload): stored only when the MIS's image
 * changed since the last one synced (its SHA-256), so an office upload stays until the MIS's
 * photo of the pupil changes. Anything else is left out with its reason in the run's errors.
 */
async function writePhotos(
  db: Kysely<DB>,
  schoolId: number,
  pupils: MisPupil[],
  byUpn: Map<string, { id: number }>,
  counts: SyncCounts,
  errors: string[],
  at: Date,
): Promise<void> {
  const withPhotos = pupils.filter((p) => p.photo);
  if (withPhotos.length === 0) return;
  const ids = withPhotos
    .map((p) => byUpn.get((p.upn ?? "").toUpperCase())?.id)
    .filter((id): id is number => id !== undefined);
  const known = new Map(
    ids.length === 0
      ? []
      : (
          await db
            .selectFrom("pupil_photos")
            .select(["pupil_id", "mis_sha256"])
            .where("school_id", "=", schoolId)
            .where("pupil_id", "in", ids)
            .execute()
        ).map((r) => [r.pupil_id, r.mis_sha256]),
  );
  for (const pupil of withPhotos) {
    const id = byUpn.get((pupil.upn ?? "").toUpperCase())?.id;
    const photo = pupil.photo;
    if (id === undefined || !photo) continue;
    if ("problem" in photo) {
      errors.push(`The photo of ${describe(pupil)} was not stored: ${photo.problem}`);
      continue;
    }
    const checked = checkPhoto(photo.image);
    if (!checked.ok) {
      errors.push(`The photo of ${describe(pupil)} was not stored: ${checked.reason}`);
      continue;
    }
    const sha256 = createHash("sha256").update(photo.image).digest("hex");
    if (known.get(id) === sha256) continue;
    const row = {
      content_type: checked.type,
      image: photo.image,
      uploaded_by: "MIS sync",
      uploaded_at: at,
      mis_sha256: sha256,
    };
    await db
      .insertInto("pupil_photos")
      .values({ school_id: schoolId, pupil_id: id, ...row })
      .onConflict((oc) => oc.columns(["school_id", "pupil_id"]).doUpdateSet(row))
      .execute();
    counts.photos++;
  }
}

/** Pupils the MIS deleted leave the roll on that day; their history stays. */
export async function leaveRoll(
  db: Kysely<DB>,
  schoolId: number,
  deletions: MisDeletion[],
  today: string,
  errors: string[],
): Promise<number> {
  const wanted = deletions.filter((d) => d.kind === "pupil");
  if (wanted.length === 0) return 0;
  const linked = await db
    .selectFrom("mis_pupils as m")
    .innerJoin("pupils as p", (join) =>
      join.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .selectAll("p")
    .select("m.mis_id")
    .where("m.school_id", "=", schoolId)
    .where(
      "m.mis_id",
      "in",
      wanted.map((d) => d.misId),
    )
    .execute();
  const byMisId = new Map(linked.map((p) => [p.mis_id, p]));
  const rows: CsvRow[] = [];
  for (const deletion of wanted) {
    const pupil = byMisId.get(deletion.misId);
    if (!pupil || pupil.leaving_date !== null) continue;
    const day = deletion.deletedAt ? londonToday(new Date(deletion.deletedAt)) : today;
    // Never before the pupil was admitted.
    const leaving = [day, pupil.admission_date].sort()[1] as string;
    rows.push({
      line: rows.length + 1,
      values: {
        upn: pupil.upn,
        legal_forename: pupil.legal_forename,
        legal_surname: pupil.legal_surname,
        date_of_birth: pupil.date_of_birth,
        sex: pupil.sex,
        admission_date: pupil.admission_date,
        leaving_date: leaving,
      },
    });
  }
  if (rows.length === 0) return 0;
  try {
    const result = await importPupilRows(db, schoolId, rows, ["upn", "leaving_date"]);
    return result.summary.left.length;
  } catch (error) {
    if (!isRollbookError(error)) throw error;
    errors.push(`Pupils deleted in the MIS were not taken off the roll: ${error.message}`);
    return 0;
  }
}
