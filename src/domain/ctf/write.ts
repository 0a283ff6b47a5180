import type { CtfFile, CtfPupil, CtfYearData } from "./document.ts";
import { escapeXml, xmlText } from "./xml.ts";

/**
 * Writes a CTF as XML in the element order of the envelope DfE builds (reference report 5.1) and
 * of the attendance block (5.2). Notes for the person reading the file (such as codes written as
 * their one-character family) go in as XML comments, which importing systems ignore.
 */
export function writeCtf(
  file: CtfFile,
  /** Comments for the reader: about one pupil (by UPN), or about the whole file (null). */
  notes: { pupil: string | null; text: string }[] = [],
): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', "<CTfile>"];
  for (const note of notes.filter((n) => n.pupil === null))
    out.push(`  <!-- ${commentText(note.text)} -->`);
  const { header } = file;
  out.push("  <Header>");
  leaf(out, 4, "DocumentName", header.documentName);
  leaf(out, 4, "CTFversion", header.version);
  leaf(out, 4, "DateTime", header.dateTime);
  leaf(out, 4, "DocumentQualifier", header.documentQualifier);
  if (header.dataDescriptor !== null) leaf(out, 4, "DataDescriptor", header.dataDescriptor);
  leaf(out, 4, "SupplierID", header.supplierId);
  out.push("    <SourceSchool>");
  leaf(out, 6, "LEA", header.sourceSchool.lea);
  leaf(out, 6, "Estab", header.sourceSchool.estab);
  leaf(out, 6, "SchoolName", header.sourceSchool.schoolName);
  leaf(out, 6, "AcademicYear", String(header.sourceSchool.academicYear));
  out.push("    </SourceSchool>");
  if (header.destSchool) {
    out.push("    <DestSchool>");
    leaf(out, 6, "LEA", header.destSchool.lea);
    leaf(out, 6, "Estab", header.destSchool.estab);
    out.push("    </DestSchool>");
  }
  out.push("  </Header>");
  out.push("  <CTFpupilData>");
  for (const pupil of file.pupils) {
    writePupil(
      out,
      pupil,
      notes.filter((n) => n.pupil === pupil.upn).map((n) => n.text),
    );
  }
  out.push("  </CTFpupilData>");
  out.push("</CTfile>");
  return `${out.join("\n")}\n`;
}

function writePupil(out: string[], pupil: CtfPupil, notes: string[]): void {
  out.push("    <Pupil>");
  leaf(out, 6, "UPN", pupil.upn);
  optional(out, 6, "Surname", pupil.surname);
  optional(out, 6, "Forename", pupil.forename);
  optional(out, 6, "DOB", pupil.dateOfBirth);
  optional(out, 6, "Sex", pupil.sex);
  // CTF: preferred names are part of BasicDetails, in that order (PreferredSurname first).
  if (pupil.preferredSurname || pupil.preferredForename) {
    out.push("      <BasicDetails>");
    optional(out, 8, "PreferredSurname", pupil.preferredSurname);
    optional(out, 8, "PreferredForename", pupil.preferredForename);
    out.push("      </BasicDetails>");
  }
  for (const note of notes) out.push(`      <!-- ${commentText(note)} -->`);
  if (pupil.attendance.length > 0) {
    out.push("      <Attendance>");
    for (const year of pupil.attendance) writeYearData(out, year);
    out.push("      </Attendance>");
  }
  out.push("    </Pupil>");
}

function writeYearData(out: string[], year: CtfYearData): void {
  out.push("        <YearData>");
  leaf(out, 10, "Year", String(year.year));
  leaf(out, 10, "LEA", year.school.lea);
  leaf(out, 10, "Estab", year.school.estab);
  leaf(out, 10, "SchoolName", year.school.schoolName);
  leaf(out, 10, "SessionsPossible", String(year.sessionsPossible));
  leaf(out, 10, "SessionsAuthorised", String(year.sessionsAuthorised));
  leaf(out, 10, "SessionsAttended", String(year.sessionsAttended));
  leaf(out, 10, "SessionsUnauthorised", String(year.sessionsUnauthorised));
  if (year.attendSessions) {
    out.push("          <AttendSessions>");
    leaf(out, 12, "AttendanceStartDate", year.attendSessions.startDate);
    leaf(out, 12, "AttendanceMarks", year.attendSessions.marks);
    out.push("          </AttendSessions>");
  }
  out.push("        </YearData>");
}

function leaf(out: string[], indent: number, name: string, value: string): void {
  out.push(
    value === ""
      ? `${" ".repeat(indent)}<${name}/>`
      : `${" ".repeat(indent)}<${name}>${escapeXml(xmlText(value))}</${name}>`,
  );
}

function optional(out: string[], indent: number, name: string, value: string | null): void {
  if (value !== null && value !== "") leaf(out, indent, name, value);
}

/** An XML comment may not hold "--" or end with "-". */
function commentText(text: string): string {
  return xmlText(text).replace(/-{2,}/g, "-").replace(/-$/, "- ");
}
