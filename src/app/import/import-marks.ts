import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import {
  chunks,
  findMarks,
  type MarkToRecord,
  markKey,
  recordMarks,
} from "../../db/repositories/marks.ts";
import { pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB, Pupil } from "../../db/schema.ts";
import type { SchoolCalendar, SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol } from "../../domain/codes.ts";
import { isIsoDate } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { isOnRoll } from "../../domain/pupil.ts";
import { type CsvRow, type RowProblem, readCsv, rejectIfProblems } from "./csv.ts";

export const MARKS_CSV = {
  name: "marks",
  required: ["upn", "date", "session", "code"],
  optional: ["minutes_late"],
};

export interface MarkImportOptions {
  /** Who the history records as making the entries, e.g. "import of marks.csv by jsmith". */
  by: string;
  /** Allow changing marks already recorded; the reason goes into every amendment's history. */
  amendReason?: string | null;
  onProgress?: (done: number, total: number) => void;
}

export interface MarkImportResult {
  created: number;
  amended: number;
  unchanged: number;
}

/**
 * Checks every row of a marks file against the school's calendar, roll and the code registry:
 * the pupil must be on roll, the date a school session, the code in force on that date.
 */
export function parseMarkRows(
  rows: CsvRow[],
  calendar: SchoolCalendar,
  pupils: Map<string, Pupil>,
): { marks: (MarkToRecord & { line: number })[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const marks: (MarkToRecord & { line: number })[] = [];
  const seen = new Map<string, number>();
  for (const { line, values: v } of rows) {
    const bad = (message: string) => problems.push({ line, message });
    const upn = (v.upn ?? "").toUpperCase();
    const pupil = pupils.get(upn);
    const date = v.date ?? "";
    const session = (v.session ?? "").toUpperCase();
    if (!pupil) bad(`no pupil with UPN "${v.upn}" in this school (import pupils first)`);
    if (!isIsoDate(date)) bad(`date "${date}" is not a date (YYYY-MM-DD)`);
    if (session !== "AM" && session !== "PM") bad(`session "${v.session}" must be AM or PM`);
    if (!pupil || !isIsoDate(date) || (session !== "AM" && session !== "PM")) continue;
    const where = `${upn} ${date} ${session}`;
    if (!calendar.isSchoolSession(date, session)) {
      bad(`${date} ${session} is not a school session in this school's calendar`);
      continue;
    }
    const symbol = normaliseSymbol(v.code ?? "", session);
    let code: string;
    try {
      code = codeOn(symbol, date, { pupil: upn, session }).symbol;
    } catch (error) {
      if (!isRollbookError(error)) throw error;
      bad(error.message);
      continue;
    }
    if (code !== "Z" && !isOnRoll(pupil, date)) {
      bad(
        `${upn} is not on roll on ${date} (admitted ${pupil.admission_date}${pupil.leaving_date ? `, left ${pupil.leaving_date}` : ""})`,
      );
      continue;
    }
    let minutesLate: number | null = null;
    if (v.minutes_late) {
      minutesLate = Number(v.minutes_late);
      if (!Number.isInteger(minutesLate) || minutesLate < 0 || minutesLate > 600) {
        bad(`minutes_late "${v.minutes_late}" must be a whole number of minutes from 0 to 600`);
        continue;
      }
      if (code !== "L" && code !== "U") {
        bad(
          `minutes_late is given for code ${code}; only late marks (L, U) have minutes late (${where})`,
        );
        continue;
      }
    }
    const mark = {
      line,
      pupilId: pupil.id,
      date,
      session: session as SessionName,
      code,
      minutesLate,
    };
    const k = markKey(mark);
    const earlier = seen.get(k);
    if (earlier !== undefined) {
      bad(`${where} is also on line ${earlier}`);
      continue;
    }
    seen.set(k, line);
    marks.push(mark);
  }
  return { marks, problems };
}

/**
 * Imports a marks CSV (docs/formats.md) in one transaction: all or nothing. A mark that differs
 * from one already recorded is refused unless an amendment reason is given, and then kept in
 * the history as an amendment; identical marks are left alone, so importing twice is harmless.
 */
export async function importMarks(
  db: Kysely<DB>,
  schoolId: number,
  csv: string,
  options: MarkImportOptions,
): Promise<MarkImportResult> {
  const rows = readCsv(csv, MARKS_CSV);
  const [calendar, pupils] = await Promise.all([
    loadCalendar(db, schoolId),
    pupilsByUpn(db, schoolId),
  ]);
  const { marks, problems } = parseMarkRows(rows, calendar, pupils);
  if (!options.amendReason) {
    const existing = await findMarks(db, schoolId, marks);
    for (const mark of marks) {
      const before = existing.get(markKey(mark));
      if (before && (before.code !== mark.code || before.minutesLate !== mark.minutesLate)) {
        problems.push({
          line: mark.line,
          message: `${mark.date} ${mark.session} is already recorded as ${before.code}; give an amendment reason (--amend "reason") to change it to ${mark.code}`,
        });
      }
    }
  }
  rejectIfProblems("marks", problems);
  const at = new Date();
  return db.transaction().execute(async (tx) => {
    const total: MarkImportResult = { created: 0, amended: 0, unchanged: 0 };
    let done = 0;
    for (const chunk of chunks(marks, 10_000)) {
      const result = await recordMarks(tx, schoolId, chunk, {
        by: options.by,
        at,
        source: "import",
        reason: options.amendReason ?? null,
      });
      total.created += result.created;
      total.amended += result.amended;
      total.unchanged += result.unchanged;
      done += chunk.length;
      options.onProgress?.(done, marks.length);
    }
    return total;
  });
}
