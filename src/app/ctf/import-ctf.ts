import type { Kysely } from "kysely";
import { insertPupils, pupilsByUpn } from "../../db/repositories/pupils.ts";
import {
  appendTransferredYears,
  currentTransferredYears,
  lockPupilsForTransfer,
  type NewTransferredYear,
  transferredKey,
} from "../../db/repositories/transferred-attendance.ts";
import type { DB, NewPupil, Pupil } from "../../db/schema.ts";
import { inTransactionOf } from "../../db/transactions.ts";
import { academicYearLabel } from "../../domain/calendar.ts";
import {
  type CtfFile,
  type CtfPupil,
  type CtfYearData,
  isPlaceholderDestination,
  sameSchool,
} from "../../domain/ctf/document.ts";
import { CtfProblems, rejectCtfIfProblems } from "../../domain/ctf/problems.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { parseCtf } from "./parse-ctf.ts";

export interface CtfImportOptions {
  /** Who the history records as importing, e.g. "Mrs S. Office (attendance officer)". */
  by: string;
  userId?: number | null;
  /**
   * Admit pupils this school does not have yet, from the file's details, on this date. Without
   * it a UPN the school does not know refuses the file.
   */
  admitOn?: IsoDate | null;
  at?: Date;
}

export interface CtfImportResult {
  /** Pupils in the file. */
  pupils: number;
  /** Of them, admitted by this import. */
  admitted: number;
  years: {
    /** Years stored (new, or a corrected version of one already imported). */
    recorded: number;
    /** Of the recorded, how many replaced an earlier import of the same year (kept in history). */
    superseded: number;
    /** Already imported exactly as in the file. */
    unchanged: number;
    /** This school's own years, which its registers already hold. */
    skipped: number;
  };
  notes: string[];
}

interface PlannedYear {
  upn: string;
  year: CtfYearData;
}

/**
 * Imports the attendance part of a CTF (docs/formats.md#common-transfer-file): each pupil is
 * matched to this school's pupil by UPN (or admitted, when asked), and each YearData from another
 * school is kept as transferred attendance, totals and marks exactly as sent. The whole file is
 * checked first; any problem refuses all of it, and the writing is one transaction. Importing
 * the same file twice changes nothing.
 */
export async function importCtf(
  db: Kysely<DB>,
  schoolId: number,
  xml: string,
  options: CtfImportOptions,
): Promise<CtfImportResult> {
  const { file, problems: found, notes } = parseCtf(xml);
  const problems = new CtfProblems();
  problems.list.push(...found);
  const [school, byUpn] = await Promise.all([
    db.selectFrom("schools").selectAll().where("id", "=", schoolId).executeTakeFirst(),
    pupilsByUpn(db, schoolId),
  ]);
  if (!school) throw new RollbookError("not_found", `No school ${schoolId}`);
  const here = { lea: school.la_code ?? "", estab: school.estab ?? "" };
  checkDestination(file, here, problems);

  const admissions: NewPupil[] = [];
  const planned: PlannedYear[] = [];
  let skipped = 0;
  for (const pupil of file.pupils) {
    const line = pupil.line ?? 0;
    const known = byUpn.get(pupil.upn);
    if (known) checkSamePupil(pupil, known, problems);
    else if (!options.admitOn) {
      problems.add(
        line,
        "Pupil",
        `no pupil with UPN ${pupil.upn} in this school: admit them first (import pupils), or import with an admission date (rollbook ctf import --admit DATE, or ?admitOn=DATE) to admit them from the file's details`,
      );
    } else {
      const admission = admissionOf(pupil, schoolId, options.admitOn, problems);
      if (admission) admissions.push(admission);
    }
    for (const year of pupil.attendance) {
      if (sameSchool(year.school, here)) {
        skipped++;
        notes.push(
          `Pupil ${pupil.upn}, ${academicYearLabel(year.year)} (line ${year.line}): this school's own register, which it already holds; not imported`,
        );
        continue;
      }
      planned.push({ upn: pupil.upn, year });
    }
  }
  rejectCtfIfProblems(problems.list);

  const at = options.at ?? new Date();
  const source = sourceOf(file);
  return inTransactionOf(db, async (tx) => {
    // Read again inside the transaction: another import may have admitted some since the check.
    const onRoll = await pupilsByUpn(tx, schoolId);
    const admitted = await insertPupils(
      tx,
      admissions.filter((p) => !onRoll.has(p.upn)),
    );
    const ids = new Map<string, number>();
    for (const pupil of [...onRoll.values(), ...admitted]) ids.set(pupil.upn, pupil.id);
    const pupilIds = file.pupils.map((p) => ids.get(p.upn) as number);
    await lockPupilsForTransfer(tx, schoolId, pupilIds);
    const current = new Map<string, NewTransferredYear>(
      (await currentTransferredYears(tx, schoolId, pupilIds)).map((r) => [transferredKey(r), r]),
    );
    const rows: NewTransferredYear[] = [];
    let unchanged = 0;
    let superseded = 0;
    for (const { upn, year } of planned) {
      const row = rowOf(schoolId, ids.get(upn) as number, year, source, options, at);
      const before = current.get(transferredKey(row));
      if (before && sameContent(before, row)) {
        unchanged++;
        continue;
      }
      if (before) superseded++;
      current.set(transferredKey(row), row);
      rows.push(row);
    }
    await appendTransferredYears(tx, rows);
    return {
      pupils: file.pupils.length,
      admitted: admitted.length,
      years: { recorded: rows.length, superseded, unchanged, skipped },
      notes,
    };
  });
}

/** A file addressed to another school is refused: it is someone else's pupil data. */
function checkDestination(
  file: CtfFile,
  here: { lea: string; estab: string },
  problems: CtfProblems,
): void {
  const dest = file.header.destSchool;
  if (!dest?.lea || !dest.estab || !here.lea || !here.estab || sameSchool(dest, here)) return;
  // DfE's placeholders (destination unknown, or outside the maintained sector): a file for
  // whichever school the pupil turns up at.
  if (isPlaceholderDestination(dest)) return;
  problems.add(
    dest.line ?? 1,
    "DestSchool",
    `the file is addressed to LEA ${dest.lea}, Estab ${dest.estab}, not to this school (LEA ${here.lea}, Estab ${here.estab})`,
  );
}

/** The same UPN with another date of birth is a mistyped UPN, not this pupil's history. */
function checkSamePupil(pupil: CtfPupil, known: Pupil, problems: CtfProblems): void {
  if (!pupil.dateOfBirth || pupil.dateOfBirth === known.date_of_birth) return;
  problems.add(
    pupil.line ?? 0,
    "Pupil",
    `UPN ${pupil.upn} is ${known.legal_forename} ${known.legal_surname} here, born ${known.date_of_birth}, but the file's pupil was born ${pupil.dateOfBirth}: check the UPN`,
  );
}

function admissionOf(
  pupil: CtfPupil,
  schoolId: number,
  admitOn: IsoDate,
  problems: CtfProblems,
): NewPupil | null {
  const line = pupil.line ?? 0;
  const missing = [
    pupil.surname ? null : "<Surname>",
    pupil.forename ? null : "<Forename>",
    pupil.dateOfBirth ? null : "<DOB>",
    pupil.sex ? null : "<Sex>",
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    problems.add(
      line,
      "Pupil",
      `UPN ${pupil.upn} is new to this school and the file has no ${missing.join(", ")} to admit them with`,
    );
    return null;
  }
  const sex = (pupil.sex ?? "").toUpperCase();
  if (sex !== "F" && sex !== "M" && sex !== "X") {
    problems.add(line, "Pupil", `<Sex> is '${pupil.sex}': Rollbook records F, M or X`);
    return null;
  }
  if ((pupil.dateOfBirth as string) >= admitOn) {
    problems.add(
      line,
      "Pupil",
      `UPN ${pupil.upn} was born ${pupil.dateOfBirth}, not before the admission date ${admitOn}`,
    );
    return null;
  }
  return {
    school_id: schoolId,
    upn: pupil.upn,
    legal_forename: pupil.forename as string,
    legal_surname: pupil.surname as string,
    preferred_forename: pupil.preferredForename,
    preferred_surname: pupil.preferredSurname,
    date_of_birth: pupil.dateOfBirth as string,
    sex,
    year_group_id: null,
    registration_group_id: null,
    admission_date: admitOn,
    leaving_date: null,
  };
}

function sourceOf(file: CtfFile): string {
  const { header } = file;
  const school = header.sourceSchool;
  const number = school.lea || school.estab ? ` (${school.lea}/${school.estab})` : "";
  return `CTF ${header.version} from ${school.schoolName || "an unnamed school"}${number}${header.dateTime ? `, made ${header.dateTime}` : ""}`;
}

function rowOf(
  schoolId: number,
  pupilId: number,
  year: CtfYearData,
  source: string,
  options: CtfImportOptions,
  at: Date,
): NewTransferredYear {
  return {
    school_id: schoolId,
    pupil_id: pupilId,
    from_lea: year.school.lea,
    from_estab: year.school.estab,
    from_school_name: year.school.schoolName,
    academic_year: year.year,
    start_date: year.attendSessions?.startDate ?? null,
    marks: year.attendSessions?.marks ?? null,
    sessions_possible: year.sessionsPossible,
    sessions_authorised: year.sessionsAuthorised,
    sessions_attended: year.sessionsAttended,
    sessions_unauthorised: year.sessionsUnauthorised,
    ctf_source: source,
    imported_by: options.by,
    imported_by_user_id: options.userId ?? null,
    imported_at: at,
  };
}

function sameContent(a: NewTransferredYear, b: NewTransferredYear): boolean {
  return (
    a.marks === b.marks &&
    a.sessions_possible === b.sessions_possible &&
    a.sessions_authorised === b.sessions_authorised &&
    a.sessions_attended === b.sessions_attended &&
    a.sessions_unauthorised === b.sessions_unauthorised
  );
}
