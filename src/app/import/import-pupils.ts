import type { Kysely } from "kysely";
import { ensureGroups, insertPupils, pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB, NewPupil } from "../../db/schema.ts";
import { isIsoDate } from "../../domain/dates.ts";
import { upnProblem } from "../../domain/pupil.ts";
import { type CsvRow, parseFlag, type RowProblem, readCsv, rejectIfProblems } from "./csv.ts";

export const PUPILS_CSV = {
  name: "pupils",
  required: ["upn", "legal_forename", "legal_surname", "date_of_birth", "sex", "admission_date"],
  optional: [
    "preferred_forename",
    "preferred_surname",
    "year_group",
    "registration_group",
    "leaving_date",
    "sen",
    "fsm",
    "pupil_premium",
    "looked_after",
    "social_worker",
    "medical_condition",
  ],
};

const TEXT_FIELDS = [
  "legal_forename",
  "legal_surname",
  "preferred_forename",
  "preferred_surname",
  "year_group",
  "registration_group",
];
const MAX_TEXT = 100;

type PupilRow = Omit<NewPupil, "school_id" | "year_group_id" | "registration_group_id"> & {
  yearGroup: string | null;
  registrationGroup: string | null;
};

/** SEN provision as the school census writes it: N none, K SEN support, E education, health and care plan. */
const SEN = {
  N: { sen_support: false, ehcp: false },
  K: { sen_support: true, ehcp: false },
  E: { sen_support: false, ehcp: true },
};

export function parsePupilRows(rows: CsvRow[]): { pupils: PupilRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const pupils: PupilRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, values: v } of rows) {
    const bad = (message: string) => problems.push({ line, message });
    const upn = (v.upn ?? "").toUpperCase();
    const upnIssue = upnProblem(upn);
    if (upnIssue) bad(upnIssue);
    else if (seen.has(upn)) bad(`UPN ${upn} is also on line ${seen.get(upn)}`);
    seen.set(upn, line);
    for (const field of ["legal_forename", "legal_surname"])
      if (!v[field]) bad(`${field} is empty`);
    // The same caps as the API's pupil form.
    for (const field of TEXT_FIELDS) {
      const length = v[field]?.length ?? 0;
      if (length > MAX_TEXT) bad(`${field} is ${length} characters long; at most ${MAX_TEXT}`);
    }
    for (const field of ["date_of_birth", "admission_date", "leaving_date"]) {
      const value = v[field] ?? "";
      if ((value || field !== "leaving_date") && !isIsoDate(value))
        bad(`${field} "${value}" is not a date (YYYY-MM-DD)`);
    }
    if (v.leaving_date && v.admission_date && v.leaving_date < v.admission_date) {
      bad(`leaving_date ${v.leaving_date} is before admission_date ${v.admission_date}`);
    }
    if (v.date_of_birth && v.admission_date && v.date_of_birth >= v.admission_date) {
      bad(`date_of_birth ${v.date_of_birth} is not before admission_date ${v.admission_date}`);
    }
    const sex = (v.sex ?? "").toUpperCase();
    if (!["F", "M", "X"].includes(sex)) bad(`sex "${v.sex}" must be F, M or X`);
    const sen = SEN[((v.sen ?? "").toUpperCase() || "N") as keyof typeof SEN];
    if (!sen) bad(`sen "${v.sen}" must be N (none), K (SEN support) or E (EHC plan)`);
    const flags: Record<string, boolean> = {};
    for (const [column, field] of [
      ["fsm", "fsm"],
      ["pupil_premium", "pupil_premium"],
      ["looked_after", "looked_after"],
      ["social_worker", "has_social_worker"],
      ["medical_condition", "medical_condition"],
    ] as const) {
      const flag = parseFlag(v[column]);
      if (flag === undefined) bad(`${column} "${v[column]}" must be Y or N`);
      flags[field] = flag ?? false;
    }
    pupils.push({
      upn,
      legal_forename: v.legal_forename ?? "",
      legal_surname: v.legal_surname ?? "",
      preferred_forename: v.preferred_forename || null,
      preferred_surname: v.preferred_surname || null,
      date_of_birth: v.date_of_birth ?? "",
      sex: sex as "F" | "M" | "X",
      admission_date: v.admission_date ?? "",
      leaving_date: v.leaving_date || null,
      yearGroup: v.year_group || null,
      registrationGroup: v.registration_group || null,
      ...(sen ?? SEN.N),
      ...flags,
    });
  }
  return { pupils, problems };
}

export interface PupilImportResult {
  created: number;
  updated: number;
}

/**
 * Imports the pupils CSV (docs/formats.md): new UPNs are admitted, known UPNs have their details
 * brought up to date. The file is checked whole first; any bad row refuses the whole file.
 */
export async function importPupils(
  db: Kysely<DB>,
  schoolId: number,
  csv: string,
): Promise<PupilImportResult> {
  const { pupils, problems } = parsePupilRows(readCsv(csv, PUPILS_CSV));
  rejectIfProblems("pupils", problems);
  return db.transaction().execute(async (tx) => {
    const groups = await ensureGroups(tx, schoolId, pupils);
    const existing = await pupilsByUpn(tx, schoolId);
    const toRow = ({ yearGroup, registrationGroup, ...pupil }: PupilRow): NewPupil => ({
      ...pupil,
      school_id: schoolId,
      year_group_id: yearGroup ? (groups.yearGroups.get(yearGroup) ?? null) : null,
      registration_group_id: registrationGroup
        ? (groups.registrationGroups.get(registrationGroup) ?? null)
        : null,
    });
    const fresh = pupils.filter((p) => !existing.has(p.upn)).map(toRow);
    await insertPupils(tx, fresh);
    const known = pupils.filter((p) => existing.has(p.upn));
    for (const pupil of known) {
      const { school_id, upn, created_at: _created, ...details } = toRow(pupil);
      await tx
        .updateTable("pupils")
        .set(details)
        .where("school_id", "=", school_id)
        .where("upn", "=", upn)
        .execute();
    }
    return { created: fresh.length, updated: known.length };
  });
}
