import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { ensureGroups, insertPupils, pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB, NewPupil, Pupil } from "../../db/schema.ts";

type PupilFields = Partial<Omit<NewPupil, "created_at" | "school_id" | "id">>;

import { inTransactionOf } from "../../db/transactions.ts";
import { isIsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { upnProblem } from "../../domain/pupil.ts";
import {
  type CsvFormat,
  type CsvRow,
  parseFlag,
  type RowProblem,
  readCsv,
  rejectIfProblems,
} from "./csv.ts";
import { decodeText, type TextEncoding } from "./encoding.ts";
import { choosePupilPreset, type HeaderChoice } from "./presets.ts";

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

/** A pupil as a row of the file says, in the file's columns (each shown as the school reads it). */
type PupilRow = Omit<NewPupil, "school_id" | "year_group_id" | "registration_group_id"> & {
  yearGroup: string | null;
  registrationGroup: string | null;
  /** The columns whose cells are empty on this row: what the import clears. */
  blank: string[];
};

/** SEN provision as the school census writes it: N none, K SEN support, E education, health and care plan. */
const SEN = {
  N: { sen_support: false, ehcp: false },
  K: { sen_support: true, ehcp: false },
  E: { sen_support: false, ehcp: true },
};
/** The words MIS exports use for SEN provision, besides the census letters. */
const SEN_WORDS: Record<string, keyof typeof SEN> = {
  "": "N",
  none: "N",
  "no special educational need": "N",
  "sen support": "K",
  "ehc plan": "E",
  "education health and care plan": "E",
};
const SEX_WORDS: Record<string, "F" | "M" | "X"> = { female: "F", male: "M" };

const FLAGS = [
  ["fsm", "fsm"],
  ["pupil_premium", "pupil_premium"],
  ["looked_after", "looked_after"],
  ["social_worker", "has_social_worker"],
  ["medical_condition", "medical_condition"],
] as const;

/** A UK date as MIS exports write it (dd/mm/yyyy) in ISO form; anything else unchanged. */
export function isoFromUkDate(value: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (!match) return value;
  const [, d, m, y] = match as unknown as [string, string, string, string];
  return `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
}

export function parsePupilRows(rows: CsvRow[]): { pupils: PupilRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const pupils: PupilRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, values: raw } of rows) {
    const bad = (message: string) => problems.push({ line, message });
    const v: Record<string, string> = { ...raw };
    for (const field of ["date_of_birth", "admission_date", "leaving_date"])
      if (v[field] !== undefined) v[field] = isoFromUkDate(v[field]);
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
        bad(`${field} "${raw[field] ?? ""}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
    }
    if (v.leaving_date && v.admission_date && v.leaving_date < v.admission_date) {
      bad(`leaving_date ${v.leaving_date} is before admission_date ${v.admission_date}`);
    }
    if (v.date_of_birth && v.admission_date && v.date_of_birth >= v.admission_date) {
      bad(`date_of_birth ${v.date_of_birth} is not before admission_date ${v.admission_date}`);
    }
    const sexCell = (v.sex ?? "").trim().toLowerCase();
    const sex = SEX_WORDS[sexCell] ?? sexCell.toUpperCase();
    if (!["F", "M", "X"].includes(sex)) bad(`sex "${v.sex}" must be F, M or X`);
    const senCell = (v.sen ?? "").trim();
    const senLetter =
      SEN_WORDS[
        senCell
          .toLowerCase()
          .replace(/[^a-z]+/g, " ")
          .trim()
      ];
    const sen = SEN[(senLetter ?? senCell.toUpperCase()) as keyof typeof SEN];
    if (!sen) bad(`sen "${v.sen}" must be N (none), K (SEN support) or E (EHC plan)`);
    const flags: Record<string, boolean> = {};
    for (const [column, field] of FLAGS) {
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
      blank: Object.keys(raw).filter((column) => raw[column] === ""),
    });
  }
  return { pupils, problems };
}

/** One field of one pupil that the import changes, in the file's column names. */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
  /** The file has the column with an empty cell: the field is emptied. */
  cleared: boolean;
}

export interface PupilImportSummary {
  encoding: TextEncoding | null;
  /** The MIS export the columns were read as; null for Rollbook's own columns. */
  preset: string | null;
  /** Columns of the file not read (a vendor export's other columns). */
  ignoredColumns: string[];
  /** Optional columns the file does not have: those fields are left as they are. */
  absentColumns: string[];
  added: { upn: string; name: string }[];
  changed: { upn: string; name: string; changes: FieldChange[] }[];
  unchanged: number;
  /** Pupils on roll whom the file gives a leaving date. */
  left: { upn: string; name: string; leavingDate: string }[];
  /** Pupils on roll in Rollbook that the file does not list: left as they are. */
  notInFile: number;
  /** Names this summary: the import is committed only if it is still what was shown. */
  fingerprint: string;
}

export interface PupilImportResult {
  created: number;
  updated: number;
  summary: PupilImportSummary;
}

export interface PupilImportOptions {
  /** SIMS, Arbor or Bromcom; otherwise chosen from the header. */
  preset?: string;
  /** The fingerprint of the summary the user confirmed; refused if the import now differs. */
  confirm?: string;
  /** How a body already decoded (by the server) was read. */
  encoding?: TextEncoding;
}

/** The summary of what importing the file would do; nothing is written. */
export async function previewPupilImport(
  db: Kysely<DB>,
  schoolId: number,
  file: string | Uint8Array,
  options: PupilImportOptions = {},
): Promise<PupilImportSummary> {
  const read = readPupilsFile(file, options);
  return (await planImport(db, schoolId, read)).summary;
}

/**
 * Imports the pupils CSV (docs/imports.md): new UPNs are admitted, known UPNs have the fields
 * the file has brought up to date (a column the file leaves out is left as it was). The file is
 * checked whole first; any bad row refuses the whole file.
 */
export async function importPupils(
  db: Kysely<DB>,
  schoolId: number,
  file: string | Uint8Array,
  options: PupilImportOptions = {},
): Promise<PupilImportResult> {
  return commitImport(db, schoolId, readPupilsFile(file, options), options);
}

/**
 * Pupils given as rows already read (an MIS sync), in Rollbook's column names: the same checks,
 * summary and write as a file. `columns` are the fields the source gives; the others are left
 * as they are. Rows with problems are not given: the caller reports and leaves them out.
 */
export async function importPupilRows(
  db: Kysely<DB>,
  schoolId: number,
  rows: CsvRow[],
  columns: string[],
): Promise<PupilImportResult> {
  const { pupils, problems } = parsePupilRows(rows);
  rejectIfProblems("pupils", problems);
  const read: ReadFile = {
    pupils,
    present: new Set(columns),
    choice: { preset: null, columns, ignored: [] },
    encoding: null,
  };
  return commitImport(db, schoolId, read, {});
}

async function commitImport(
  db: Kysely<DB>,
  schoolId: number,
  read: ReadFile,
  options: PupilImportOptions,
): Promise<PupilImportResult> {
  return inTransactionOf(db, async (tx) => {
    const plan = await planImport(tx, schoolId, read);
    if (options.confirm && options.confirm !== plan.summary.fingerprint) {
      throw new RollbookError(
        "conflict",
        "Nothing was imported: the pupils or the file changed since the summary was shown. Check the new summary and confirm again",
      );
    }
    const groups = await ensureGroups(tx, schoolId, [
      ...plan.fresh,
      ...plan.updates.map((u) => u.pupil),
    ]);
    const groupIds = ({ yearGroup, registrationGroup }: PupilRow) => ({
      year_group_id: yearGroup ? (groups.yearGroups.get(yearGroup) ?? null) : null,
      registration_group_id: registrationGroup
        ? (groups.registrationGroups.get(registrationGroup) ?? null)
        : null,
    });
    await insertPupils(
      tx,
      plan.fresh.map((row) => {
        const { yearGroup: _y, registrationGroup: _r, blank: _b, ...pupil } = row;
        return { ...pupil, ...groupIds(row), school_id: schoolId };
      }),
    );
    for (const { pupil, columns, id } of plan.updates) {
      const set: PupilFields = {};
      const ids = groupIds(pupil);
      for (const column of columns) Object.assign(set, fieldsOf(column, pupil, ids));
      await tx
        .updateTable("pupils")
        .set(set)
        .where("school_id", "=", schoolId)
        .where("id", "=", id)
        .execute();
    }
    return { created: plan.fresh.length, updated: plan.updates.length, summary: plan.summary };
  });
}

interface ReadFile {
  pupils: PupilRow[];
  present: Set<string>;
  choice: HeaderChoice;
  encoding: TextEncoding | null;
}

function readPupilsFile(file: string | Uint8Array, options: PupilImportOptions): ReadFile {
  const decoded =
    typeof file === "string"
      ? { text: file, encoding: options.encoding ?? null }
      : decodeText(file, "pupils");
  let choice: HeaderChoice = { preset: null, columns: [], ignored: [] };
  const format: CsvFormat = {
    ...PUPILS_CSV,
    header: (columns) => {
      choice = choosePupilPreset(columns, PUPILS_CSV, options.preset);
      return choice.columns;
    },
  };
  const rows = readCsv(decoded.text, format);
  const { pupils, problems } = parsePupilRows(rows);
  rejectIfProblems(choice.preset ? `pupils (${choice.preset.name} export)` : "pupils", problems);
  const present = new Set(choice.columns.filter((c): c is string => c !== null));
  return { pupils, present, choice, encoding: decoded.encoding };
}

/** The Rollbook fields one column of the file sets. */
function fieldsOf(
  column: string,
  pupil: PupilRow,
  ids: { year_group_id: number | null; registration_group_id: number | null },
): PupilFields {
  switch (column) {
    case "upn":
      return {};
    case "year_group":
      return { year_group_id: ids.year_group_id };
    case "registration_group":
      return { registration_group_id: ids.registration_group_id };
    case "sen":
      return { sen_support: pupil.sen_support, ehcp: pupil.ehcp };
    case "social_worker":
      return { has_social_worker: pupil.has_social_worker };
    default:
      return { [column]: pupil[column as keyof PupilRow] } as PupilFields;
  }
}

const yesNo = (flag: boolean | undefined) => (flag ? "yes" : "no");
const senWords = (p: { sen_support?: boolean; ehcp?: boolean }) =>
  p.ehcp ? "EHC plan" : p.sen_support ? "SEN support" : "none";

/** A column's value as the summary shows it, for a row of the file or a stored pupil. */
function shown(
  column: string,
  p: PupilRow | (Pupil & { yearGroup: string | null; registrationGroup: string | null }),
): string | null {
  switch (column) {
    case "year_group":
      return p.yearGroup;
    case "registration_group":
      return p.registrationGroup;
    case "sen":
      return senWords(p);
    case "social_worker":
      return yesNo(p.has_social_worker);
    case "fsm":
    case "pupil_premium":
    case "looked_after":
    case "medical_condition":
      return yesNo(p[column]);
    default:
      return (p[column as keyof typeof p] as string | null | undefined) ?? null;
  }
}

async function planImport(db: Kysely<DB>, schoolId: number, read: ReadFile) {
  const existing = await pupilsByUpn(db, schoolId);
  const names = async (table: "year_groups" | "registration_groups") =>
    new Map(
      (
        await db
          .selectFrom(table)
          .select(["id", "name"])
          .where("school_id", "=", schoolId)
          .execute()
      ).map((g) => [g.id, g.name] as const),
    );
  const yearGroups = await names("year_groups");
  const registrationGroups = await names("registration_groups");
  const columns = [...PUPILS_CSV.required, ...PUPILS_CSV.optional].filter(
    (c) => c !== "upn" && read.present.has(c),
  );
  const nameOf = (p: { legal_forename: string; legal_surname: string; upn: string }) =>
    `${p.legal_forename} ${p.legal_surname}`;
  const fresh: PupilRow[] = [];
  const updates: { id: number; pupil: PupilRow; columns: string[] }[] = [];
  const summary: Omit<PupilImportSummary, "fingerprint"> = {
    encoding: read.encoding,
    preset: read.choice.preset?.name ?? null,
    ignoredColumns: read.choice.ignored,
    absentColumns: PUPILS_CSV.optional.filter((c) => !read.present.has(c)),
    added: [],
    changed: [],
    unchanged: 0,
    left: [],
    notInFile: 0,
  };
  const listed = new Set<string>();
  for (const pupil of read.pupils) {
    listed.add(pupil.upn);
    const stored = existing.get(pupil.upn);
    if (!stored) {
      fresh.push(pupil);
      summary.added.push({ upn: pupil.upn, name: nameOf(pupil) });
      continue;
    }
    const before = {
      ...stored,
      yearGroup: stored.year_group_id ? (yearGroups.get(stored.year_group_id) ?? null) : null,
      registrationGroup: stored.registration_group_id
        ? (registrationGroups.get(stored.registration_group_id) ?? null)
        : null,
    };
    const changes: FieldChange[] = [];
    for (const column of columns) {
      const from = shown(column, before);
      const to = shown(column, pupil);
      if (from === to) continue;
      changes.push({ field: column, from, to, cleared: pupil.blank.includes(column) });
    }
    if (changes.length === 0) {
      summary.unchanged++;
      continue;
    }
    updates.push({ id: stored.id, pupil, columns: changes.map((c) => c.field) });
    summary.changed.push({ upn: pupil.upn, name: nameOf(stored), changes });
    if (!stored.leaving_date && pupil.leaving_date && read.present.has("leaving_date"))
      summary.left.push({ upn: pupil.upn, name: nameOf(stored), leavingDate: pupil.leaving_date });
  }
  for (const [upn, stored] of existing)
    if (!listed.has(upn) && stored.leaving_date === null) summary.notInFile++;
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([summary.preset, summary.added, summary.changed, summary.notInFile]))
    .digest("hex")
    .slice(0, 32);
  return { fresh, updates, summary: { ...summary, fingerprint } };
}
