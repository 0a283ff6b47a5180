import type { Kysely } from "kysely";
import { BulkMarkWriter } from "../../db/repositories/bulk-marks.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { MarkToRecord } from "../../db/repositories/marks.ts";
import { pupilsByUpn } from "../../db/repositories/pupils.ts";
import type { DB, Pupil } from "../../db/schema.ts";
import { inTransactionOf } from "../../db/transactions.ts";
import type { SchoolCalendar, SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol } from "../../domain/codes.ts";
import { isIsoDate, londonToday } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { SLOTS_PER_YEAR, slotOf } from "../../domain/marks.ts";
import { isOnRoll } from "../../domain/pupil.ts";
import {
  type CsvRow,
  hasNul,
  ProblemList,
  type RowProblem,
  readCsvBatches,
  rejectIfProblems,
} from "./csv.ts";

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
  /** The school's date today: a mark for a later day is refused (default: today in London). */
  today?: string;
  /** Rows checked and written together (default 50,000). */
  batchSize?: number;
  /** Called after each batch with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
}

export interface MarkImportResult {
  created: number;
  amended: number;
  unchanged: number;
}

/** Rows checked and written together: small enough to hold, large enough to write quickly. */
const BATCH = 50_000;

/**
 * Where each mark of the file was first given, to name repeats: a line number per session slot
 * of each pupil's year (about 8 bytes a mark for a full year), however long the file is.
 */
export class MarksSeen {
  private readonly byYear = new Map<number, Map<number, Uint32Array>>();
  private readonly days = new Map<string, { startYear: number; slot: number }>();

  /** The line the same mark was on before, or undefined (and this line is remembered). */
  earlierLine(
    pupilId: number,
    date: string,
    session: SessionName,
    line: number,
  ): number | undefined {
    let day = this.days.get(date);
    if (!day) {
      day = slotOf(date, "AM");
      this.days.set(date, day);
    }
    let pupils = this.byYear.get(day.startYear);
    if (!pupils) {
      pupils = new Map();
      this.byYear.set(day.startYear, pupils);
    }
    let lines = pupils.get(pupilId);
    if (!lines) {
      lines = new Uint32Array(SLOTS_PER_YEAR);
      pupils.set(pupilId, lines);
    }
    const slot = day.slot + (session === "AM" ? 0 : 1);
    const earlier = lines[slot] as number;
    if (earlier === 0) lines[slot] = line;
    return earlier === 0 ? undefined : earlier;
  }
}

/**
 * Checks every row of a marks file against the school's calendar, roll and the code registry:
 * the pupil must be on roll, the date a school session no later than today, the code in force
 * on that date.
 */
export function parseMarkRows(
  rows: CsvRow[],
  calendar: SchoolCalendar,
  pupils: Map<string, Pupil>,
  today: string,
  seen: MarksSeen = new MarksSeen(),
): { marks: (MarkToRecord & { line: number })[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const marks: (MarkToRecord & { line: number })[] = [];
  for (const row of rows) {
    const { line, values: v } = row;
    const bad = (message: string) => problems.push({ line, message });
    if (hasNul(row)) {
      bad("has a NUL character, which is not text: save the file as CSV UTF-8");
      continue;
    }
    const upn = (v.upn ?? "").toUpperCase();
    const pupil = pupils.get(upn);
    const date = v.date ?? "";
    const session = (v.session ?? "").toUpperCase();
    if (!pupil)
      bad(`no pupil with UPN "${v.upn?.slice(0, 20)}" in this school (import pupils first)`);
    if (!isIsoDate(date)) bad(`date "${date.slice(0, 20)}" is not a date (YYYY-MM-DD)`);
    if (session !== "AM" && session !== "PM")
      bad(`session "${v.session?.slice(0, 20)}" must be AM or PM`);
    if (!pupil || !isIsoDate(date) || (session !== "AM" && session !== "PM")) continue;
    const where = `${upn} ${date} ${session}`;
    if (date > today) {
      bad(`${date} is after today (${today}): a register cannot be recorded in advance`);
      continue;
    }
    if (!calendar.isSchoolSession(date, session)) {
      bad(`${date} ${session} is not a school session in this school's calendar`);
      continue;
    }
    const symbol = normaliseSymbol((v.code ?? "").slice(0, 10), session);
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
        bad(
          `minutes_late "${v.minutes_late.slice(0, 20)}" must be a whole number of minutes from 0 to 600`,
        );
        continue;
      }
      if (code !== "L" && code !== "U") {
        bad(
          `minutes_late is given for code ${code}; only late marks (L, U) have minutes late (${where})`,
        );
        continue;
      }
    }
    const earlier = seen.earlierLine(pupil.id, date, session, line);
    if (earlier !== undefined) {
      bad(`${where} is also on line ${earlier}`);
      continue;
    }
    marks.push({ line, pupilId: pupil.id, date, session, code, minutesLate });
  }
  return { marks, problems };
}

/**
 * Imports a marks CSV (docs/formats.md) in one transaction: all or nothing. The file is read
 * and written in batches as it arrives, so memory stays bounded however long it is; the first
 * problem stops the writing, the rest of the file is still checked so every problem is named
 * (the first hundred shown), and the transaction is rolled back. A mark that differs from one
 * already recorded is refused unless an amendment reason is given, and then kept in the history
 * as an amendment; identical marks are left alone, so importing twice is harmless.
 */
export async function importMarks(
  db: Kysely<DB>,
  schoolId: number,
  csv: string | AsyncIterable<string | Buffer>,
  options: MarkImportOptions,
): Promise<MarkImportResult> {
  const [calendar, pupils] = await Promise.all([
    loadCalendar(db, schoolId),
    pupilsByUpn(db, schoolId),
  ]);
  const today = options.today ?? londonToday();
  const seen = new MarksSeen();
  const problems = new ProblemList();
  const at = new Date();
  return inTransactionOf(db, async (tx) => {
    // The bulk path: COPY into a staging table, one set-based write a batch (bulk-marks.ts).
    const writer = new BulkMarkWriter(tx, schoolId, {
      by: options.by,
      at,
      source: "import",
      reason: options.amendReason ?? null,
    });
    const total: MarkImportResult = { created: 0, amended: 0, unchanged: 0 };
    let read = 0;
    for await (const rows of readCsvBatches(csv, MARKS_CSV, options.batchSize ?? BATCH)) {
      const batch = parseMarkRows(rows, calendar, pupils, today, seen);
      for (const problem of batch.problems) problems.add(problem);
      read += rows.length;
      if (problems.total === 0) {
        const result = await writer.write(batch.marks, { refuseChanges: !options.amendReason });
        for (const r of result.refused)
          problems.add({
            line: r.line,
            message: `${r.date} ${r.session} is already recorded as ${r.recorded}; give an amendment reason (--amend "reason") to change it to ${r.given}`,
          });
        problems.uncounted(result.refusedTotal - result.refused.length);
        total.created += result.created;
        total.amended += result.amended;
        total.unchanged += result.unchanged;
      }
      options.onProgress?.(read);
    }
    // Thrown inside the transaction: whatever was written before the first problem is undone.
    rejectIfProblems("marks", problems);
    await writer.finish();
    return total;
  });
}
