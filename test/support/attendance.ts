import type { Kysely } from "kysely";
import { recordMarks } from "../../src/db/repositories/marks.ts";
import type { DB } from "../../src/db/schema.ts";
import { presentSymbolFor } from "../../src/domain/codes.ts";
import type { IsoDate } from "../../src/domain/dates.ts";
import { aCalendar } from "./builders.ts";

/**
 * A pupil's register written through `recordMarks`: present at every session of the 2025/26 test
 * calendar from `from` to `to`, except the given sessions (`"day"` codes both).
 */
export async function writeAttendance(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  from: IsoDate,
  to: IsoDate,
  exceptions: [IsoDate, "AM" | "PM" | "day", string][] = [],
): Promise<void> {
  const calendar = aCalendar();
  const marks = calendar.schoolDays(from, to).flatMap((date) =>
    calendar.sessionsOn(date).map((session) => {
      const exception = exceptions.find(([d, s]) => d === date && (s === "day" || s === session));
      return {
        pupilId,
        date,
        session,
        code: exception ? exception[2] : presentSymbolFor(session),
        minutesLate: null,
      };
    }),
  );
  await db.transaction().execute((tx) =>
    recordMarks(tx, schoolId, marks, {
      by: "test register",
      at: new Date(),
      source: "register",
      reason: null,
    }),
  );
}

/** Whole school days from `from`, `days` of them, each coded `code`. */
export function daysOf(from: IsoDate, days: number, code: string): [IsoDate, "day", string][] {
  return aCalendar()
    .schoolDays(from, "2026-07-31")
    .slice(0, days)
    .map((date) => [date, "day", code]);
}
