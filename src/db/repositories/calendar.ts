import type { Kysely } from "kysely";
import {
  type AcademicYearCalendar,
  academicYearBounds,
  academicYearOf,
  SchoolCalendar,
} from "../../domain/calendar.ts";
import type { DB } from "../schema.ts";
import { inTransactionOf } from "../transactions.ts";

/** Stores (or replaces) one academic year of a school's calendar, validated first. */
export async function saveAcademicYear(
  db: Kysely<DB>,
  schoolId: number,
  year: AcademicYearCalendar,
): Promise<void> {
  const checked = new SchoolCalendar([year]).years[0] as AcademicYearCalendar;
  const { from, to } = academicYearBounds(checked.startYear);
  forgetCalendar(schoolId);
  // Joins the caller's transaction: a calendar file of several years is saved whole or not at all.
  await inTransactionOf(db, async (tx) => {
    await tx
      .insertInto("academic_years")
      .values({ school_id: schoolId, start_year: checked.startYear })
      .onConflict((oc) => oc.columns(["school_id", "start_year"]).doNothing())
      .execute();
    await tx
      .deleteFrom("half_terms")
      .where("school_id", "=", schoolId)
      .where("start_year", "=", checked.startYear)
      .execute();
    await tx
      .deleteFrom("closures")
      .where("school_id", "=", schoolId)
      .where("date", ">=", from)
      .where("date", "<=", to)
      .execute();
    await tx
      .insertInto("half_terms")
      .values(
        checked.halfTerms.map((h) => ({
          school_id: schoolId,
          start_year: checked.startYear,
          name: h.name,
          term: h.term,
          start_date: h.start,
          end_date: h.end,
        })),
      )
      .execute();
    if (checked.closures.length > 0) {
      await tx
        .insertInto("closures")
        .values(
          checked.closures.map((c) => ({
            school_id: schoolId,
            date: c.date,
            sessions: c.session ?? ("BOTH" as const),
            reason: c.reason,
          })),
        )
        .onConflict((oc) => oc.columns(["school_id", "date", "sessions"]).doNothing())
        .execute();
    }
  });
  // Again after commit: a read between the first forget and the commit may have cached the old dates.
  forgetCalendar(schoolId);
}

/**
 * Calendars change a few times a year and are read on every register save, so each process keeps
 * them for a short while. A change made through this process is seen at once (the school's entry is
 * forgotten); one made by another server process within CALENDAR_CACHE_MS.
 */
const CALENDAR_CACHE_MS = 30_000;
const cached = new WeakMap<
  Kysely<DB>,
  Map<number, { calendar: SchoolCalendar; at: number; epoch: number }>
>();
const epochs = new Map<number, number>();

function forgetCalendar(schoolId: number): void {
  epochs.set(schoolId, (epochs.get(schoolId) ?? 0) + 1);
}

export async function loadCalendar(db: Kysely<DB>, schoolId: number): Promise<SchoolCalendar> {
  let forDb = cached.get(db);
  if (!forDb) {
    forDb = new Map();
    cached.set(db, forDb);
  }
  const entry = forDb.get(schoolId);
  const epoch = epochs.get(schoolId) ?? 0;
  if (entry && entry.epoch === epoch && Date.now() - entry.at < CALENDAR_CACHE_MS)
    return entry.calendar;
  const calendar = await readCalendar(db, schoolId);
  forDb.set(schoolId, { calendar, at: Date.now(), epoch });
  return calendar;
}

async function readCalendar(db: Kysely<DB>, schoolId: number): Promise<SchoolCalendar> {
  const [halfTerms, closures] = await Promise.all([
    db.selectFrom("half_terms").selectAll().where("school_id", "=", schoolId).execute(),
    db.selectFrom("closures").selectAll().where("school_id", "=", schoolId).execute(),
  ]);
  const years = new Map<number, AcademicYearCalendar>();
  for (const h of halfTerms) {
    let year = years.get(h.start_year);
    if (!year) {
      year = { startYear: h.start_year, halfTerms: [], closures: [] };
      years.set(h.start_year, year);
    }
    year.halfTerms.push({ name: h.name, term: h.term, start: h.start_date, end: h.end_date });
  }
  for (const c of closures) {
    years.get(academicYearOf(c.date))?.closures.push({
      date: c.date,
      session: c.sessions === "BOTH" ? null : c.sessions,
      reason: c.reason,
    });
  }
  return new SchoolCalendar([...years.values()]);
}
