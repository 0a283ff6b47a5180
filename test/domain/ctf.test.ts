import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCtf, readXmlTree } from "../../src/app/ctf/parse-ctf.ts";
import {
  decodeAttendanceMarks,
  encodeYearMarks,
  totalsOfMarks,
} from "../../src/domain/ctf/attendance-marks.ts";
import {
  CTF_VERSION,
  type CtfFile,
  ctfFileName,
  DESTINATION_UNKNOWN,
} from "../../src/domain/ctf/document.ts";
import { describeProblem } from "../../src/domain/ctf/problems.ts";
import { readCtf } from "../../src/domain/ctf/read.ts";
import { writeCtf } from "../../src/domain/ctf/write.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { countsFromTally, tallyMarks } from "../../src/domain/statistics.ts";
import { outcomeOf, settings } from "../fuzz/support.ts";
import { aCalendar, marksFrom } from "../support/builders.ts";

const UPN = makeUpn("383", "4001", 24, 7);

/**
 * A small CTF. Line numbers matter to the tests: the pupil starts on line 17, its YearData on
 * line 24, <SessionsPossible> is line 29 and <AttendanceMarks> line 35.
 */
function sample(
  change: { marks?: string; possible?: string; year?: string; start?: string; upn?: string } = {},
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <DateTime>2025-09-10T16:00:00</DateTime>
    <DocumentQualifier>partial</DocumentQualifier>
    <SupplierID>Other MIS</SupplierID>
    <SourceSchool>
      <LEA>383</LEA>
      <Estab>4001</Estab>
      <SchoolName>Northfield &amp; District Academy</SchoolName>
      <AcademicYear>2025</AcademicYear>
    </SourceSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>${change.upn ?? UPN}</UPN>
      <Surname>Khan</Surname>
      <Forename>Amelia</Forename>
      <DOB>2012-10-01</DOB>
      <Sex>F</Sex>
      <Attendance>
        <YearData>
          <Year>${change.year ?? "2025"}</Year>
          <LEA>383</LEA>
          <Estab>4001</Estab>
          <SchoolName>Northfield &amp; District Academy</SchoolName>
          <SessionsPossible>${change.possible ?? "10"}</SessionsPossible>
          <SessionsAuthorised>1</SessionsAuthorised>
          <SessionsAttended>8</SessionsAttended>
          <SessionsUnauthorised>1</SessionsUnauthorised>
          <AttendSessions>
            <AttendanceStartDate>${change.start ?? "2025-09-03"}</AttendanceStartDate>
            <AttendanceMarks>${change.marks ?? String.raw`/\/\/L####/\IN`}</AttendanceMarks>
          </AttendSessions>
        </YearData>
      </Attendance>
    </Pupil>
  </CTFpupilData>
</CTfile>
`;
}

function problemsOf(text: string): string[] {
  return parseCtf(text).problems.map(describeProblem);
}

function refusal(work: () => unknown): RollbookError {
  try {
    work();
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("reading a CTF", () => {
  it("reads the envelope, the pupil and a YearData with its totals and marks", () => {
    const { file, problems, notes } = parseCtf(sample());
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
    expect(file.header).toMatchObject({
      version: "25.0",
      sourceSchool: {
        lea: "383",
        estab: "4001",
        schoolName: "Northfield & District Academy",
        academicYear: 2025,
      },
      destSchool: null,
    });
    expect(file.pupils).toEqual([
      expect.objectContaining({
        upn: UPN,
        surname: "Khan",
        dateOfBirth: "2012-10-01",
        line: 17,
        attendance: [
          expect.objectContaining({
            year: 2025,
            sessionsPossible: 10,
            sessionsAttended: 8,
            sessionsAuthorised: 1,
            sessionsUnauthorised: 1,
            attendSessions: { startDate: "2025-09-03", marks: String.raw`/\/\/L####/\IN` },
          }),
        ],
      }),
    ]);
  });

  it("names the line and element of a marks string with an odd number of characters", () => {
    expect(problemsOf(sample({ marks: String.raw`/\/` }))).toEqual([
      "line 35, <AttendanceMarks>: 3 characters is not a whole number of sessions (two per day)",
    ]);
  });

  it("names the line of a total that is not a number", () => {
    expect(problemsOf(sample({ possible: "abc" }))).toEqual([
      "line 29: <SessionsPossible> is 'abc', not a number",
    ]);
    expect(problemsOf(sample({ possible: "-2" }))).toEqual([
      "line 29: <SessionsPossible> is '-2', not a whole number of sessions",
    ]);
  });

  it("reports an unknown code for that pupil, date and session, and reads the rest of the file", () => {
    const { problems, notes, file } = parseCtf(sample({ marks: String.raw`/\/%/L####/\IN` }));
    expect(problems).toEqual([]);
    expect(notes[0]).toBe(
      `line 35, <AttendanceMarks>: character 4: "%" is not an attendance code (pupil ${UPN}, 2025-09-04 PM): that session is not read as a mark; the rest of the file is imported and the string is kept as sent`,
    );
    expect(file.pupils[0]?.attendance[0]?.attendSessions?.marks).toBe(String.raw`/\/%/L####/\IN`);
  });

  it("reports codes outside their dates the same way: pre-2024 H after August 2024, K before it", () => {
    const h = parseCtf(sample({ marks: String.raw`/H/\/L####/\IN` }));
    expect(h.problems).toEqual([]);
    expect(h.notes[0]).toContain(
      `character 2: Code "H" cannot be recorded on 2025-09-03: it is valid until 2024-08-18 (pupil ${UPN}, 2025-09-03 PM)`,
    );
    const k = parseCtf(
      sample({ year: "2023", start: "2023-09-04", marks: String.raw`K\/\/\/\/\####` }),
    );
    expect(k.notes[0]).toContain(
      'Code "K" cannot be recorded on 2023-09-04: it is valid from 2024-08-19',
    );
  });

  it("reads preferred names inside BasicDetails, as DfE places them", () => {
    const text = sample().replace(
      "<Sex>F</Sex>",
      "<Sex>F</Sex>\n      <BasicDetails><PreferredSurname>Khan-Ali</PreferredSurname><PreferredForename>Millie</PreferredForename></BasicDetails>",
    );
    expect(parseCtf(text).file.pupils[0]).toMatchObject({
      preferredSurname: "Khan-Ali",
      preferredForename: "Millie",
    });
  });

  it("collects every problem in the file in one pass", () => {
    const text = sample({ possible: "ten", upn: "A123", marks: "/" });
    const problems = problemsOf(text);
    expect(problems).toEqual(['line 18, <UPN>: a UPN has 13 characters, "A123" has 4']);
    const bad = sample({ possible: "ten", year: "2025", marks: "/" });
    expect(problemsOf(bad)).toEqual([
      "line 29: <SessionsPossible> is 'ten', not a number",
      "line 35, <AttendanceMarks>: 1 character is not a whole number of sessions (two per day)",
    ]);
  });

  it("refuses a start date outside the YearData's academic year and marks running past 31 July", () => {
    expect(problemsOf(sample({ year: "2024" }))).toEqual([
      "line 34, <AttendanceStartDate>: 2025-09-03 is in academic year 2025/26, but <Year> is 2024 (2024/25)",
    ]);
    expect(problemsOf(sample({ start: "2026-07-29", marks: "/\\/\\/\\/\\" }))).toEqual([
      "line 35, <AttendanceMarks>: 4 days from 2026-07-29 run to 2026-08-01, 1 day past 2026-07-31, the end of academic year 2025/26",
    ]);
  });

  it("notes, without refusing, totals that differ from what the marks give", () => {
    const { problems, notes } = parseCtf(sample({ possible: "12" }));
    expect(problems).toEqual([]);
    expect(notes).toEqual([
      expect.stringContaining(
        "the totals sent (possible 12, attended 8, authorised 1, unauthorised 1) differ from what its marks give (possible 10,",
      ),
    ]);
  });

  it("refuses XML that is not well-formed, naming the line", () => {
    const broken = sample().replace("</Surname>", "</Surnam>");
    const error = refusal(() => parseCtf(broken));
    expect(error.code).toBe("import_rejected");
    expect(error.message).toMatch(
      /^Nothing was imported: the CTF file is not well-formed XML: line 19, column \d+: unexpected close tag: <\/Surnam> does not close <Surname>, opened on line 19$/,
    );
    expect(refusal(() => parseCtf("")).message).toContain("the file is empty");
    expect(refusal(() => parseCtf("<CTfile><Header>")).message).toContain("line 1");
  });

  it("refuses a DOCTYPE, so no entity is ever expanded or fetched", () => {
    const text = `<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<CTfile>&x;</CTfile>`;
    expect(refusal(() => parseCtf(text)).message).toContain("a CTF has no DOCTYPE");
  });

  it("refuses a file that is not a CTF", () => {
    expect(problemsOf("<Census><Header/></Census>")).toEqual([
      "line 1: the root element is <Census>, not <CTfile>: this is not a Common Transfer File",
    ]);
  });

  it("reads the example in docs/formats.md without a problem or a note", () => {
    const docs = readFileSync(join(import.meta.dirname, "../../docs/formats.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Common Transfer File"));
    const example = /```xml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const { file, problems, notes } = parseCtf(example);
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
    expect(file.pupils[0]?.attendance.map((y) => [y.year, y.sessionsPossible])).toEqual([
      [2024, 380],
      [2025, 26],
    ]);
  });

  it("ignores the CTF modules Rollbook does not read", () => {
    const text = sample().replace(
      "<Sex>F</Sex>",
      "<Sex>F</Sex><Address><Line1>1 High St</Line1></Address><SENhistory/>",
    );
    expect(parseCtf(text).problems).toEqual([]);
  });
});

describe("reading any file", () => {
  it("reads or refuses a valid file with anything changed in it, naming real lines", async () => {
    const valid = sample();
    const lineCount = valid.split("\n").length;
    const edit = fc.record({
      at: fc.nat({ max: valid.length }),
      cut: fc.nat({ max: 12 }),
      text: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom("<", ">", "</", "&", "\u0000", "\n", "<Year>", "</YearData>", "#", "Y7"),
      ),
    });
    await fc.assert(
      fc.asyncProperty(edit, async ({ at, cut, text }) => {
        const changed = valid.slice(0, at) + text + valid.slice(at + cut);
        const outcome = await outcomeOf(() => parseCtf(changed));
        const problems = outcome.ok
          ? outcome.value.problems.map((p) => p.line)
          : ((outcome.error.details.problems as { line: number }[] | undefined) ?? []).map(
              (p) => p.line,
            );
        if (!outcome.ok) expect(outcome.error.code).toBe("import_rejected");
        for (const line of problems) {
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lineCount + text.split("\n").length);
        }
      }),
      settings(400),
    );
  });
});

describe("AttendanceMarks", () => {
  const calendar = aCalendar();
  const isSession = (date: string, session: "AM" | "PM") => calendar.isSchoolSession(date, session);

  it("writes two characters per date from the first mark, # where the school did not meet", () => {
    const marks = marksFrom(calendar, "2025-09-03", String.raw`/\/\/L/\IN`);
    expect(encodeYearMarks(marks, 2025, isSession)).toEqual({
      startDate: "2025-09-03",
      marks: String.raw`/\/\/L####/\IN`,
      writtenAsFamily: {},
    });
  });

  it("writes - for a school session with no mark recorded", () => {
    const marks = marksFrom(calendar, "2025-09-03", "/\\");
    marksFrom(calendar, "2025-09-05", "/\\", marks);
    expect(encodeYearMarks(marks, 2025, isSession)?.marks).toBe("/\\--/\\");
  });

  it("writes two-character codes as their family letter and counts them", () => {
    const marks = marksFrom(calendar, "2025-09-03", "C2C2J1/Y4Y4");
    expect(encodeYearMarks(marks, 2025, isSession)).toEqual({
      startDate: "2025-09-03",
      marks: "CCJ\\YY",
      writtenAsFamily: { C2: 2, J1: 1, Y4: 2 },
    });
  });

  it("reads the family letters back with their category: J is J1 from 2024, Y one of Y1-Y7", () => {
    const { marks, problems } = decodeAttendanceMarks("2025-09-03", "CCJ/YY");
    expect(problems).toEqual([]);
    expect(marks.map((m) => [m.code, m.category])).toEqual([
      ["C", "authorised"],
      ["C", "authorised"],
      ["J1", "authorised"],
      ["\\", "present"],
      ["Y1-Y7", "not_possible"],
      ["Y1-Y7", "not_possible"],
    ]);
    // Before 19 August 2024 J is the 2006 Regulations' interview code, counted as attendance.
    const legacy = decodeAttendanceMarks("2023-09-04", "JY");
    expect(legacy.marks.map((m) => [m.code, m.category])).toEqual([
      ["J", "aea"],
      ["Y", "not_possible"],
    ]);
  });

  it("keeps every statistic through a write and a read, two-character codes included", () => {
    const run = String.raw`/\/LNNC2C2/\IIMMY3Y3/UGGJ1\/\BBK\C1C1/\/\OOPVW\/\/\/L`;
    const marks = marksFrom(calendar, "2025-09-03", run);
    const encoded = encodeYearMarks(marks, 2025, isSession);
    if (!encoded) throw new Error("no marks written");
    const decoded = decodeAttendanceMarks(encoded.startDate, encoded.marks);
    expect(decoded.problems).toEqual([]);
    const counts = countsFromTally(tallyMarks(marks));
    expect(totalsOfMarks(decoded.marks)).toEqual({
      sessionsPossible: counts.possible,
      sessionsAttended: counts.attendance,
      sessionsAuthorised: counts.authorised,
      sessionsUnauthorised: counts.unauthorised,
    });
  });

  it("accepts / and \\ in either session, as other systems write them", () => {
    const { marks } = decodeAttendanceMarks("2025-09-03", "//\\\\");
    expect(marks.map((m) => m.code)).toEqual(["/", "\\", "/", "\\"]);
  });
});

describe("writing a CTF", () => {
  const file: CtfFile = {
    header: {
      documentName: "Common Transfer File",
      version: CTF_VERSION,
      dateTime: "2025-09-10T16:00:00",
      documentQualifier: "partial",
      dataDescriptor: "Attendance",
      supplierId: "Rollbook",
      sourceSchool: {
        lea: "383",
        estab: "4001",
        schoolName: "St Mary & St John",
        academicYear: 2025,
      },
      destSchool: { lea: "999", estab: "1234" },
    },
    pupils: [
      {
        upn: UPN,
        surname: "O'Neil",
        forename: "Amelia",
        preferredSurname: null,
        preferredForename: null,
        dateOfBirth: "2012-10-01",
        sex: "F",
        attendance: [
          {
            year: 2025,
            school: { lea: "383", estab: "4001", schoolName: "St Mary & St John" },
            sessionsPossible: 10,
            sessionsAuthorised: 1,
            sessionsAttended: 8,
            sessionsUnauthorised: 1,
            attendSessions: { startDate: "2025-09-03", marks: String.raw`/\/\/L####/\IN` },
          },
        ],
      },
    ],
  };

  it("writes what it reads back: envelope, pupil and attendance, escaped", () => {
    const xml = writeCtf(file, [{ pupil: UPN, text: "a note -- with dashes" }]);
    expect(xml).toContain("<SchoolName>St Mary &amp; St John</SchoolName>");
    expect(xml).toContain("<Surname>O&apos;Neil</Surname>");
    expect(xml).toContain("<!-- a note - with dashes -->");
    expect(xml).toContain(`<CTFversion>${CTF_VERSION}</CTFversion>`);
    const read = readCtf(readXmlTree(xml));
    expect(read.problems).toEqual([]);
    const { line: _line, ...pupil } = read.file.pupils[0] as (typeof read.file.pupils)[0];
    expect({
      ...pupil,
      attendance: pupil.attendance.map(({ line: _l, ...year }) => year),
    }).toEqual(file.pupils[0]);
    expect(read.file.header.destSchool).toMatchObject({ lea: "999", estab: "1234" });
  });

  it("writes preferred names inside BasicDetails, and reads them back", () => {
    const named = structuredClone(file);
    Object.assign(named.pupils[0] as object, {
      preferredSurname: "O'Neil-Roe",
      preferredForename: "Sam",
    });
    const xml = writeCtf(named);
    expect(xml).toMatch(
      /<Sex>F<\/Sex>\s*<BasicDetails>\s*<PreferredSurname>O&apos;Neil-Roe<\/PreferredSurname>\s*<PreferredForename>Sam<\/PreferredForename>\s*<\/BasicDetails>/,
    );
    expect(readCtf(readXmlTree(xml)).file.pupils[0]).toMatchObject({
      preferredSurname: "O'Neil-Roe",
      preferredForename: "Sam",
    });
  });

  it("never writes a control character, so the file stays well-formed XML", () => {
    const dirty = structuredClone(file);
    Object.assign(dirty.pupils[0] as object, {
      surname: "O'N\u0007eil\u0000",
      forename: "\u001bAva\uFFFF",
    });
    dirty.header.sourceSchool.schoolName = "St Mary\u000b & St John";
    const xml = writeCtf(dirty, [{ pupil: null, text: "bell \u0007 here" }]);
    const controls = [...xml].filter((c) => /[^\t\n\r]/.test(c) && (c < " " || c === "\uFFFF"));
    expect(controls).toEqual([]);
    const read = parseCtf(xml);
    expect(read.problems).toEqual([]);
    expect(read.file.pupils[0]).toMatchObject({ surname: "O'Neil", forename: "Ava" });
  });
});

describe("CTF file names and destinations", () => {
  it("names a file as DfE's convention says: source, _CTF_, destination, sequence", () => {
    expect(ctfFileName({ lea: "383", estab: "4001" }, DESTINATION_UNKNOWN)).toBe(
      "3834001_CTF_MMMMMMM_001.XML",
    );
    expect(ctfFileName({ lea: "383", estab: "4001" }, { lea: "999", estab: "1234" }, 12)).toBe(
      "3834001_CTF_9991234_012.XML",
    );
  });
});
