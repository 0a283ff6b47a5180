import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import {
  currentTransferredYears,
  type TransferredYear,
} from "../../db/repositories/transferred-attendance.ts";
import type { DB, Pupil } from "../../db/schema.ts";
import { academicYearLabel, academicYearOf } from "../../domain/calendar.ts";
import { encodeYearMarks } from "../../domain/ctf/attendance-marks.ts";
import {
  CTF_DOCUMENT_NAME,
  CTF_VERSION,
  type CtfPupil,
  type CtfSchool,
  type CtfYearData,
  ctfFileName,
  DESTINATION_UNKNOWN,
} from "../../domain/ctf/document.ts";
import { writeCtf } from "../../domain/ctf/write.ts";
import { londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { countsFromTally, tallyMarks } from "../../domain/statistics.ts";

export interface CtfExportOptions {
  /** When the file is made: its DateTime and AcademicYear. */
  at: Date;
  /** The school the pupil is going to (CTF DestSchool); DfE's MMM/MMMM when not known. */
  destination?: { lea: string; estab: string } | null;
}

export interface CtfExport {
  xml: string;
  /** The file name DfE's naming convention gives it (docs/formats.md). */
  fileName: string;
  /** What the person sending the file should know (also written in the file as comments). */
  notes: string[];
  years: number;
}

/**
 * The attendance part of a CTF for some of the school's pupils: one YearData per academic year of
 * this school's registers (the four totals counted by the domain statistics from the exact codes,
 * and the marks), then every year the pupil brought from earlier schools, as it was received.
 */
export async function exportCtf(
  db: Kysely<DB>,
  schoolId: number,
  pupilIds: number[],
  options: CtfExportOptions,
): Promise<CtfExport> {
  const school = await db
    .selectFrom("schools")
    .selectAll()
    .where("id", "=", schoolId)
    .executeTakeFirst();
  if (!school) throw new RollbookError("not_found", `No school ${schoolId}`);
  const ids = pupilIds.length > 0 ? pupilIds : [-1];
  const [calendar, pupils, yearRows, transferred] = await Promise.all([
    loadCalendar(db, schoolId),
    db
      .selectFrom("pupils")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("id", "in", ids)
      .execute(),
    db
      .selectFrom("pupil_year_marks")
      .select(["pupil_id", "start_year", "marks"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", ids)
      .orderBy("start_year")
      .execute(),
    currentTransferredYears(db, schoolId, pupilIds),
  ]);
  const byId = new Map(pupils.map((p) => [p.id, p]));
  const missing = pupilIds.filter((id) => !byId.has(id));
  if (missing.length > 0)
    throw new RollbookError("not_found", `No pupil ${missing.join(", ")} in this school`);

  const here: CtfSchool = {
    lea: school.la_code ?? "",
    estab: school.estab ?? "",
    schoolName: school.name,
  };
  const notes: { pupil: string | null; text: string }[] = [];
  if (!here.lea || !here.estab) {
    notes.push({
      pupil: null,
      text: `${school.name} has no ${here.lea ? "" : "LA number and no "}establishment number recorded: the file names the school by its name only`,
    });
  }
  const ctfPupils: CtfPupil[] = [];
  let years = 0;
  for (const id of pupilIds) {
    const pupil = byId.get(id) as Pupil;
    const attendance: CtfYearData[] = [];
    for (const row of yearRows.filter((r) => r.pupil_id === id)) {
      const marks = new Uint8Array(row.marks);
      const encoded = encodeYearMarks(marks, row.start_year, (date, session) =>
        calendar.isSchoolSession(date, session),
      );
      if (!encoded) continue;
      const counts = countsFromTally(tallyMarks(marks));
      attendance.push({
        year: row.start_year,
        school: here,
        sessionsPossible: counts.possible,
        sessionsAuthorised: counts.authorised,
        sessionsAttended: counts.attendance,
        sessionsUnauthorised: counts.unauthorised,
        attendSessions: { startDate: encoded.startDate, marks: encoded.marks },
      });
      const family = Object.entries(encoded.writtenAsFamily);
      if (family.length > 0) {
        const total = family.reduce((sum, [, n]) => sum + n, 0);
        const listed = family
          .map(
            ([code, n], i) => `${n}${i === 0 ? ` session${n === 1 ? "" : "s"}` : ""} coded ${code}`,
          )
          .join(", ");
        const letters = [...new Set(family.map(([code]) => code[0]))].join(", ");
        notes.push({
          pupil: pupil.upn,
          text: `Pupil ${pupil.upn}, ${academicYearLabel(row.start_year)}: ${listed} ${total === 1 ? "is" : "are"} written in AttendanceMarks as their one-character family (${letters}), which has the same statistical category; the YearData totals count the exact codes`,
        });
      }
    }
    for (const year of transferred.filter((t) => t.pupil_id === id))
      attendance.push(transferredYearData(year));
    attendance.sort(
      (a, b) =>
        a.year - b.year ||
        (a.attendSessions?.startDate ?? "").localeCompare(b.attendSessions?.startDate ?? ""),
    );
    years += attendance.length;
    ctfPupils.push({
      upn: pupil.upn,
      surname: pupil.legal_surname,
      forename: pupil.legal_forename,
      preferredSurname: pupil.preferred_surname,
      preferredForename: pupil.preferred_forename,
      dateOfBirth: pupil.date_of_birth,
      sex: pupil.sex,
      attendance,
    });
  }
  const destination = options.destination ?? DESTINATION_UNKNOWN;
  if (!options.destination) {
    notes.push({
      pupil: null,
      text: "No destination school given: the file is addressed to MMM/MMMM (destination unknown), as DfE asks; give XXX/XXXX for a pupil leaving for no maintained school",
    });
  }
  const xml = writeCtf(
    {
      header: {
        documentName: CTF_DOCUMENT_NAME,
        version: CTF_VERSION,
        dateTime: londonDateTime(options.at),
        documentQualifier: "partial",
        dataDescriptor: "Attendance",
        supplierId: "Rollbook",
        sourceSchool: { ...here, academicYear: academicYearOf(londonToday(options.at)) },
        destSchool: destination,
      },
      pupils: ctfPupils,
    },
    notes,
  );
  const fileName =
    here.lea && here.estab
      ? ctfFileName(here, destination)
      : `CTF_${ctfPupils.map((p) => p.upn).join("_") || "empty"}.xml`;
  return { xml, fileName, notes: notes.map((n) => n.text), years };
}

function transferredYearData(row: TransferredYear): CtfYearData {
  return {
    year: row.academic_year,
    school: { lea: row.from_lea, estab: row.from_estab, schoolName: row.from_school_name },
    sessionsPossible: row.sessions_possible,
    sessionsAuthorised: row.sessions_authorised,
    sessionsAttended: row.sessions_attended,
    sessionsUnauthorised: row.sessions_unauthorised,
    attendSessions:
      row.start_date && row.marks !== null ? { startDate: row.start_date, marks: row.marks } : null,
  };
}

const LONDON_DATE_TIME = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** yyyy-MM-ddTHH:mm:ss on the clock in England, as the CTF header writes it. */
export function londonDateTime(at: Date): string {
  return LONDON_DATE_TIME.format(at).replace(" ", "T");
}
