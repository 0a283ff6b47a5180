import { academicYearLabel, academicYearOf } from "../calendar.ts";
import { isIsoDate } from "../dates.ts";
import { upnProblem } from "../pupil.ts";
import {
  decodeAttendanceMarks,
  joinRuns,
  MAX_MARKS_LENGTH,
  type TransferredMark,
  totalsOfMarks,
} from "./attendance-marks.ts";
import {
  CTF_DOCUMENT_NAME,
  type CtfFile,
  type CtfHeader,
  type CtfPupil,
  type CtfSchool,
  type CtfTotals,
  type CtfYearData,
} from "./document.ts";
import { type CtfProblem, CtfProblems } from "./problems.ts";
import { childNamed, childrenNamed, childText, type XmlElement } from "./xml.ts";

export interface ReadCtfResult {
  file: CtfFile;
  /** Anything that refuses the file, each at the line of its element. */
  problems: CtfProblem[];
  /** Things worth telling the person importing that do not refuse the file. */
  notes: string[];
}

/**
 * Reads the envelope and the attendance part of a CTF from its element tree, checking everything
 * that can be checked without the database: numbers, dates, UPN check letters, and every
 * AttendanceMarks character against the codes in force on its date. Collects every problem
 * rather than stopping at the first, so one pass shows all that is wrong.
 */
export function readCtf(root: XmlElement): ReadCtfResult {
  const problems = new CtfProblems();
  const notes: string[] = [];
  if (root.name !== "CTfile") {
    problems.add(
      root.line,
      null,
      `the root element is <${root.name}>, not <CTfile>: this is not a Common Transfer File`,
    );
    return {
      file: { header: readHeader(undefined, root, problems), pupils: [] },
      problems: problems.list,
      notes,
    };
  }
  const header = readHeader(childNamed(root, "Header"), root, problems);
  const data = childNamed(root, "CTFpupilData");
  if (!data) problems.add(root.line, "CTfile", "has no <CTFpupilData>: the file holds no pupils");
  const pupils: CtfPupil[] = [];
  const upnLines = new Map<string, number>();
  for (const element of data ? childrenNamed(data, "Pupil") : []) {
    const pupil = readPupil(element, header.sourceSchool, problems, notes);
    if (!pupil) continue;
    const earlier = upnLines.get(pupil.upn);
    if (earlier !== undefined) {
      problems.add(element.line, "Pupil", `UPN ${pupil.upn} is also the pupil on line ${earlier}`);
      continue;
    }
    upnLines.set(pupil.upn, element.line);
    pupils.push(pupil);
  }
  if (data && childrenNamed(data, "Pupil").length === 0)
    problems.add(data.line, "CTFpupilData", "holds no <Pupil>");
  return { file: { header, pupils }, problems: problems.list, notes };
}

/** A child's trimmed text, or a problem naming the parent when it is missing or empty. */
function required(
  parent: XmlElement,
  name: string,
  problems: CtfProblems,
): { text: string; line: number } | null {
  const element = childNamed(parent, name);
  if (!element) {
    problems.add(parent.line, parent.name, `has no <${name}>`);
    return null;
  }
  const text = element.text.trim();
  if (!text) {
    problems.add(element.line, name, "is empty");
    return null;
  }
  return { text, line: element.line };
}

function readHeader(
  header: XmlElement | undefined,
  root: XmlElement,
  problems: CtfProblems,
): CtfHeader {
  const result: CtfHeader = {
    documentName: CTF_DOCUMENT_NAME,
    version: "",
    dateTime: "",
    documentQualifier: "partial",
    dataDescriptor: null,
    supplierId: "",
    sourceSchool: { lea: "", estab: "", schoolName: "", academicYear: 0 },
    destSchool: null,
  };
  if (root.name !== "CTfile") return result;
  if (!header) {
    problems.add(root.line, "CTfile", "has no <Header>");
    return result;
  }
  const version = required(header, "CTFversion", problems);
  if (version && !/^\d{1,3}(\.\d{1,3})?$/.test(version.text))
    problems.add(
      version.line,
      "CTFversion",
      `<CTFversion> is '${version.text}', not a version number`,
    );
  result.version = version?.text ?? "";
  result.dateTime = childText(header, "DateTime") ?? "";
  result.documentQualifier = childText(header, "DocumentQualifier") === "full" ? "full" : "partial";
  result.dataDescriptor = childText(header, "DataDescriptor");
  result.supplierId = childText(header, "SupplierID") ?? "";
  const source = childNamed(header, "SourceSchool");
  if (!source) {
    problems.add(header.line, "Header", "has no <SourceSchool>");
  } else {
    const school = schoolOf(source);
    checkNamed(school, source, problems);
    const year = childNamed(source, "AcademicYear");
    const academicYear = year ? yearNumber(year, problems) : null;
    result.sourceSchool = { ...school, academicYear: academicYear ?? 0 };
  }
  const dest = childNamed(header, "DestSchool");
  if (dest) {
    const { lea, estab } = schoolOf(dest);
    if (lea || estab) result.destSchool = { lea, estab, line: dest.line };
  }
  return result;
}

function schoolOf(element: XmlElement): CtfSchool {
  return {
    lea: childText(element, "LEA") ?? "",
    estab: childText(element, "Estab") ?? "",
    schoolName: childText(element, "SchoolName") ?? "",
  };
}

/** A school must be named by its LA and establishment numbers, or at least by its name. */
function checkNamed(school: CtfSchool, element: XmlElement, problems: CtfProblems): void {
  if ((school.lea && school.estab) || school.schoolName) return;
  problems.add(
    element.line,
    element.name,
    "names no school: give <LEA> and <Estab>, or <SchoolName>",
  );
}

function yearNumber(element: XmlElement, problems: CtfProblems): number | null {
  const text = element.text.trim();
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || year < 1990 || year > 2200) {
    problems.add(
      element.line,
      element.name,
      `<${element.name}> is '${text}', not a year (the year it starts: 2024 for 2024/25)`,
    );
    return null;
  }
  return year;
}

function readPupil(
  element: XmlElement,
  source: CtfSchool,
  problems: CtfProblems,
  notes: string[],
): CtfPupil | null {
  const upnElement = required(element, "UPN", problems);
  if (!upnElement) return null;
  const upn = upnElement.text.toUpperCase();
  const upnIssue = upnProblem(upn);
  if (upnIssue) {
    problems.add(upnElement.line, "UPN", upnIssue);
    return null;
  }
  const dobElement = childNamed(element, "DOB");
  const dob = dobElement?.text.trim() ?? "";
  if (dobElement && !isIsoDate(dob))
    problems.add(dobElement.line, "DOB", `<DOB> is '${dob}', not a date (YYYY-MM-DD)`);
  const attendance: CtfYearData[] = [];
  const seen = new Map<string, number>();
  const block = childNamed(element, "Attendance");
  for (const yearData of block ? childrenNamed(block, "YearData") : []) {
    const read = readYearData(yearData, upn, source, problems, notes);
    if (!read) continue;
    const key = [
      read.year,
      read.school.lea,
      read.school.estab,
      read.school.schoolName,
      read.attendSessions?.startDate,
    ].join("|");
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.add(
        yearData.line,
        "YearData",
        `repeats the YearData on line ${earlier} (same school, year and start date)`,
      );
      continue;
    }
    seen.set(key, yearData.line);
    attendance.push(read);
  }
  const details = childNamed(element, "BasicDetails") ?? {
    name: "",
    line: 0,
    text: "",
    children: [],
  };
  if (attendance.length === 0 && !block)
    notes.push(`Pupil ${upn} (line ${element.line}) has no <Attendance> in the file`);
  return {
    upn,
    surname: childText(element, "Surname"),
    forename: childText(element, "Forename"),
    // DfE puts preferred names in <BasicDetails>; Rollbook's files before 2026-12 had them beside
    // <Surname>, so both are read.
    preferredSurname:
      childText(details, "PreferredSurname") ?? childText(element, "PreferredSurname"),
    preferredForename:
      childText(details, "PreferredForename") ?? childText(element, "PreferredForename"),
    dateOfBirth: dob && isIsoDate(dob) ? dob : null,
    sex: childText(element, "Sex") ?? childText(element, "Gender"),
    attendance,
    line: element.line,
  };
}

const TOTALS = [
  ["SessionsPossible", "sessionsPossible"],
  ["SessionsAuthorised", "sessionsAuthorised"],
  ["SessionsAttended", "sessionsAttended"],
  ["SessionsUnauthorised", "sessionsUnauthorised"],
] as const;

function readYearData(
  element: XmlElement,
  upn: string,
  source: CtfSchool,
  problems: CtfProblems,
  notes: string[],
): CtfYearData | null {
  const before = problems.count;
  const yearElement = childNamed(element, "Year");
  if (!yearElement) problems.add(element.line, "YearData", "has no <Year>");
  const year = yearElement ? yearNumber(yearElement, problems) : null;
  // A YearData without its own school is the source school's.
  const own = schoolOf(element);
  const school = own.lea || own.estab || own.schoolName ? own : source;
  checkNamed(school, element, problems);
  const totals: Partial<CtfTotals> = {};
  for (const [name, key] of TOTALS) {
    const value = sessionCount(element, name, problems);
    if (value !== null) totals[key] = value;
  }
  const { sessionsPossible: possible, sessionsAttended: attended } = totals;
  if (possible !== undefined && attended !== undefined && attended > possible)
    problems.add(
      element.line,
      "YearData",
      `<SessionsAttended> (${attended}) is more than <SessionsPossible> (${possible})`,
    );
  const absent = (totals.sessionsAuthorised ?? 0) + (totals.sessionsUnauthorised ?? 0);
  if (possible !== undefined && absent > possible)
    problems.add(
      element.line,
      "YearData",
      `<SessionsAuthorised> and <SessionsUnauthorised> (${absent}) add up to more than <SessionsPossible> (${possible})`,
    );
  const runs: { startDate: string; marks: string }[] = [];
  const read: TransferredMark[] = [];
  for (const run of childrenNamed(element, "AttendSessions")) {
    const start = required(run, "AttendanceStartDate", problems);
    const marksElement = childNamed(run, "AttendanceMarks");
    if (!marksElement) problems.add(run.line, "AttendSessions", "has no <AttendanceMarks>");
    if (!start || !marksElement) continue;
    if (!isIsoDate(start.text)) {
      problems.add(
        start.line,
        "AttendanceStartDate",
        `<AttendanceStartDate> is '${start.text}', not a date (YYYY-MM-DD)`,
      );
      continue;
    }
    if (year !== null && academicYearOf(start.text) !== year) {
      problems.add(
        start.line,
        "AttendanceStartDate",
        `${start.text} is in academic year ${academicYearLabel(academicYearOf(start.text))}, but <Year> is ${year} (${academicYearLabel(year)})`,
      );
      continue;
    }
    const marks = marksElement.text.trim();
    const decoded = decodeAttendanceMarks(start.text, marks, upn);
    for (const problem of decoded.problems)
      problems.add(marksElement.line, "AttendanceMarks", problem);
    // One unknown character is that pupil's session to check, not a reason to refuse everyone.
    for (const character of decoded.unread)
      notes.push(
        `line ${marksElement.line}, <AttendanceMarks>: ${character}: that session is not read as a mark; the rest of the file is imported and the string is kept as sent`,
      );
    runs.push({ startDate: start.text, marks });
    read.push(...decoded.marks);
  }
  let attendSessions: CtfYearData["attendSessions"] = null;
  if (runs.length > 0) {
    const joined = joinRuns(runs);
    if (typeof joined === "string") problems.add(element.line, "YearData", joined);
    else attendSessions = joined;
  }
  if (problems.count > before || year === null) return null;
  const complete = totals as CtfTotals;
  if (attendSessions) {
    const fromMarks = totalsOfMarks(read);
    if (TOTALS.some(([, key]) => fromMarks[key] !== complete[key])) {
      notes.push(
        `Pupil ${upn}, ${academicYearLabel(year)} at ${school.schoolName || `${school.lea}/${school.estab}`} (line ${element.line}): the totals sent (${describeTotals(complete)}) differ from what its marks give (${describeTotals(fromMarks)}); both are kept as sent`,
      );
    }
  }
  return { year, school, ...complete, attendSessions, line: element.line };
}

function describeTotals(t: CtfTotals): string {
  return `possible ${t.sessionsPossible}, attended ${t.sessionsAttended}, authorised ${t.sessionsAuthorised}, unauthorised ${t.sessionsUnauthorised}`;
}

function sessionCount(parent: XmlElement, name: string, problems: CtfProblems): number | null {
  const found = required(parent, name, problems);
  if (!found) return null;
  if (!/^[+-]?\d+(\.\d*)?$/.test(found.text)) {
    problems.add(found.line, name, `<${name}> is '${found.text}', not a number`);
    return null;
  }
  if (!/^\d+$/.test(found.text)) {
    problems.add(found.line, name, `<${name}> is '${found.text}', not a whole number of sessions`);
    return null;
  }
  const value = Number(found.text);
  if (value > MAX_MARKS_LENGTH) {
    problems.add(
      found.line,
      name,
      `<${name}> is ${value}: a year has at most ${MAX_MARKS_LENGTH} sessions`,
    );
    return null;
  }
  return value;
}
