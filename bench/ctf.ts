/**
 * bench/ctf: Common Transfer File import speed. Generates a CTF of many pupils (default 1,000),
 * each with a full year of attendance (2025/26 on typical term dates, two-character codes
 * included), then times parsing it (XML to checked attendance, every mark against the code
 * registry) and importing it into a school on an embedded database (admitting every pupil and
 * storing every year in one transaction). Prints pupils per second for each.
 *
 *   npx tsx bench/ctf.ts [--pupils 1000] [--runs 3]
 */
import { parseArgs } from "node:util";
import { importCtf } from "../src/app/ctf/import-ctf.ts";
import { parseCtf } from "../src/app/ctf/parse-ctf.ts";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { createSchool } from "../src/db/repositories/schools.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { codeOn } from "../src/domain/codes.ts";
import { encodeYearMarks } from "../src/domain/ctf/attendance-marks.ts";
import { CTF_DOCUMENT_NAME, CTF_VERSION, type CtfPupil } from "../src/domain/ctf/document.ts";
import { writeCtf } from "../src/domain/ctf/write.ts";
import { makeUpn } from "../src/domain/pupil.ts";
import { countsFromTally, tallyMarks } from "../src/domain/statistics.ts";
import { syntheticYear } from "./support/synthetic-year.ts";

const { values: args } = parseArgs({
  options: {
    pupils: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
  },
});
const PUPILS = Number(args.pupils);
const RUNS = Number(args.runs);
const YEAR = 2025;
const FROM = { lea: "383", estab: "4001", schoolName: "Northfield Academy" };

const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
const { marks } = syntheticYear(calendar, YEAR, PUPILS);
// A few two-character codes, as a real year has: a part-time timetable, a closure, an interview.
const twoCharacter = ["C2", "Y4", "J1"].map((c) => codeOn(c, "2025-10-01").index);
marks.forEach((year, p) => {
  if (p % 10 === 0) {
    const slot = 200 + (p % 40);
    if (year[slot] !== 0) year[slot] = twoCharacter[p % 3] as number;
  }
});
const pupils: CtfPupil[] = marks.map((year, p) => {
  const encoded = encodeYearMarks(year, YEAR, (date, session) =>
    calendar.isSchoolSession(date, session),
  );
  const counts = countsFromTally(tallyMarks(year));
  return {
    upn: makeUpn("383", "4001", 25 + Math.floor(p / 1000), p % 1000),
    surname: `Surname${p}`,
    forename: `Forename${p}`,
    preferredSurname: null,
    preferredForename: null,
    dateOfBirth: "2013-05-01",
    sex: p % 2 ? "M" : "F",
    attendance: [
      {
        year: YEAR,
        school: FROM,
        sessionsPossible: counts.possible,
        sessionsAuthorised: counts.authorised,
        sessionsAttended: counts.attendance,
        sessionsUnauthorised: counts.unauthorised,
        attendSessions: encoded ? { startDate: encoded.startDate, marks: encoded.marks } : null,
      },
    ],
  };
});
const xml = writeCtf({
  header: {
    documentName: CTF_DOCUMENT_NAME,
    version: CTF_VERSION,
    dateTime: "2026-07-22T16:00:00",
    documentQualifier: "partial",
    dataDescriptor: "Attendance",
    supplierId: "Rollbook bench",
    sourceSchool: { ...FROM, academicYear: YEAR },
    destSchool: null,
  },
  pupils,
});
process.stdout.write(
  `bench/ctf: ${PUPILS.toLocaleString()} pupils x a full year (${(xml.length / 1024 / 1024).toFixed(1)} MB of CTF XML), best of ${RUNS}\n`,
);

const perSecond = (ms: number) => Math.round((PUPILS / ms) * 1000).toLocaleString();
let best = Number.POSITIVE_INFINITY;
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const { problems } = parseCtf(xml);
  best = Math.min(best, performance.now() - started);
  if (problems.length > 0)
    throw new Error(`the generated file has problems: ${problems[0]?.message}`);
}
process.stdout.write(
  `  parse (XML, checks, every mark against the codes): ${(best / 1000).toFixed(3)} s = ${perSecond(best)} pupils/s\n`,
);

const database = await openDatabase({});
await migrate(database);
best = Number.POSITIVE_INFINITY;
try {
  for (let run = 0; run < RUNS; run++) {
    // A new receiving school each run, so every run admits every pupil and stores every year.
    const school = await createSchool(database.db, {
      name: `Southgate ${run}`,
      phase: "secondary",
      localAuthority: { code: "999", name: "Elsewhere" },
    });
    const started = performance.now();
    const result = await importCtf(database.db, school.id, xml, {
      by: "bench",
      admitOn: "2026-09-01",
    });
    best = Math.min(best, performance.now() - started);
    if (result.years.recorded !== PUPILS) throw new Error(`recorded ${result.years.recorded}`);
  }
} finally {
  await database.close();
}
process.stdout.write(
  `  import (parse, admit, store; embedded database): ${(best / 1000).toFixed(3)} s = ${perSecond(best)} pupils/s\n`,
);
