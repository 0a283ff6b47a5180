import type { IsoDate } from "../dates.ts";

/**
 * The parts of a Common Transfer File that Rollbook reads and writes: the envelope (Header with
 * SourceSchool and DestSchool) and, for each pupil, the basic details and the Attendance block
 * (reference report section 5). Every other CTF module (addresses, SEN, assessments...) is left
 * alone on import and not written on export.
 */
export const CTF_VERSION = "25.0";
export const CTF_DOCUMENT_NAME = "Common Transfer File";

/** A school as the CTF names it: LA number, establishment number and name. */
export interface CtfSchool {
  lea: string;
  estab: string;
  schoolName: string;
}

export interface CtfHeader {
  documentName: string;
  version: string;
  /** yyyy-MM-ddTHH:mm:ss, London time. */
  dateTime: string;
  documentQualifier: "full" | "partial";
  dataDescriptor: string | null;
  supplierId: string;
  /** The academic year the file was made in, as its start year (2025 for 2025/26). */
  sourceSchool: CtfSchool & { academicYear: number };
  destSchool: { lea: string; estab: string; line?: number } | null;
}

/** One run of AttendanceMarks: two characters per calendar date from the start date, AM then PM. */
export interface CtfAttendSessions {
  startDate: IsoDate;
  marks: string;
}

/** One academic year of attendance at one school (CTF YearData). */
export interface CtfYearData {
  /** Start year of the academic year: 2024 for 2024/25. */
  year: number;
  school: CtfSchool;
  sessionsPossible: number;
  sessionsAuthorised: number;
  /** Attendance as DfE counts it: present (/, \, L) and approved educational activity. */
  sessionsAttended: number;
  sessionsUnauthorised: number;
  attendSessions: CtfAttendSessions | null;
  /** Where it was read from (absent for a file being written). */
  line?: number;
}

export interface CtfPupil {
  upn: string;
  surname: string | null;
  forename: string | null;
  preferredSurname: string | null;
  preferredForename: string | null;
  dateOfBirth: IsoDate | null;
  sex: string | null;
  attendance: CtfYearData[];
  line?: number;
}

export interface CtfFile {
  header: CtfHeader;
  pupils: CtfPupil[];
}

/** The four YearData totals. */
export interface CtfTotals {
  sessionsPossible: number;
  sessionsAuthorised: number;
  sessionsAttended: number;
  sessionsUnauthorised: number;
}

export function sameSchool(
  a: Pick<CtfSchool, "lea" | "estab">,
  b: Pick<CtfSchool, "lea" | "estab">,
) {
  return a.lea !== "" && a.estab !== "" && a.lea === b.lea && a.estab === b.estab;
}

/**
 * DfE's placeholder destinations: MMM/MMMM when where the pupil is going is not known (the file
 * goes to the Lost Pupils Database), XXX/XXXX when they leave for no school in the maintained
 * sector (abroad, independent, home education).
 */
export const DESTINATION_UNKNOWN = { lea: "MMM", estab: "MMMM" } as const;
export const DESTINATION_OUTSIDE = { lea: "XXX", estab: "XXXX" } as const;

export const isPlaceholderDestination = (dest: { lea: string; estab: string }) =>
  (dest.lea === "MMM" && dest.estab === "MMMM") || (dest.lea === "XXX" && dest.estab === "XXXX");

/**
 * A CTF's file name as DfE's convention has it: the source school's LA and establishment numbers,
 * `_CTF_`, the destination's, and a three-digit sequence number for the day's files:
 * 3834001_CTF_MMMMMMM_001.XML.
 */
export function ctfFileName(
  source: { lea: string; estab: string },
  dest: { lea: string; estab: string },
  sequence = 1,
): string {
  return `${source.lea}${source.estab}_CTF_${dest.lea}${dest.estab}_${String(sequence).padStart(3, "0")}.XML`;
}
