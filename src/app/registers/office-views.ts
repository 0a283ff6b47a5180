import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { DB } from "../../db/schema.ts";
import { SESSIONS, type SessionName } from "../../domain/calendar.ts";
import { compareFormNames } from "../../domain/forms.ts";
import { registerState } from "../../domain/register-times.ts";
import { displayName, type Moment, registerTimesOf } from "./register.ts";

/** Statutory deadline for replacing N: no more than 5 school days after the session (reg 10). */
export const N_CODE_SCHOOL_DAYS = 5;

export interface RegisterNotTaken {
  groupId: number;
  group: string;
  session: SessionName;
  pupils: number;
  owners: string[];
}

/** Registers due by now (their register has opened) on `date` that nobody has taken. */
export async function registersNotTaken(
  db: Kysely<DB>,
  schoolId: number,
  date: string,
  now: Moment,
): Promise<RegisterNotTaken[]> {
  const [calendar, times] = await Promise.all([
    loadCalendar(db, schoolId),
    registerTimesOf(db, schoolId),
  ]);
  const due = SESSIONS.filter(
    (s) =>
      calendar.isSchoolSession(date, s) && registerState(times, date, s, now) !== "not_open_yet",
  );
  if (due.length === 0) return [];
  const groups = await db
    .selectFrom("registration_groups as g")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "g.school_id").onRef("p.registration_group_id", "=", "g.id"),
    )
    .select(["g.id", "g.name", (eb) => eb.fn.countAll<number>().as("pupils")])
    .where("g.school_id", "=", schoolId)
    .where("p.admission_date", "<=", date)
    .where((eb) => eb.or([eb("p.leaving_date", "is", null), eb("p.leaving_date", ">=", date)]))
    .groupBy(["g.id", "g.name"])
    .execute();
  const [taken, owners] = await Promise.all([
    db
      .selectFrom("registers_taken")
      .select(["registration_group_id", "session"])
      .where("school_id", "=", schoolId)
      .where("date", "=", date)
      .execute(),
    db
      .selectFrom("group_staff as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select(["s.registration_group_id", "u.name"])
      .where("s.school_id", "=", schoolId)
      .execute(),
  ]);
  const done = new Set(taken.map((t) => `${t.registration_group_id}|${t.session}`));
  const list: RegisterNotTaken[] = [];
  for (const session of due) {
    for (const group of groups) {
      if (done.has(`${group.id}|${session}`)) continue;
      list.push({
        groupId: group.id,
        group: group.name,
        session,
        pupils: Number(group.pupils),
        owners: owners.filter((o) => o.registration_group_id === group.id).map((o) => o.name),
      });
    }
  }
  return list.sort(
    (a, b) => a.session.localeCompare(b.session) || compareFormNames(a.group, b.group),
  );
}

export interface MarkOfTheDay {
  pupilId: number;
  upn: string;
  name: string;
  group: string | null;
  date: string;
  session: SessionName;
  code: string;
  minutesLate: number | null;
  version: number;
  recordedBy: string;
}

async function marksWithCodes(
  db: Kysely<DB>,
  schoolId: number,
  codes: string[],
  range: { from: string; to: string },
): Promise<MarkOfTheDay[]> {
  const rows = await db
    .selectFrom("session_marks as m")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .select([
      "m.pupil_id",
      "m.date",
      "m.session",
      "m.code",
      "m.minutes_late",
      "m.version",
      "m.recorded_by",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "g.name as group",
    ])
    .where("m.school_id", "=", schoolId)
    .where("m.code", "in", codes)
    .where("m.date", ">=", range.from)
    .where("m.date", "<=", range.to)
    .orderBy("m.date")
    .orderBy("m.session")
    .orderBy("p.legal_surname")
    .execute();
  // Within a session, forms in the school's order (7A before 10A); the sort is stable, so surnames stay in order.
  rows.sort(
    (x, y) =>
      x.date.localeCompare(y.date) ||
      x.session.localeCompare(y.session) ||
      compareFormNames(x.group ?? "", y.group ?? ""),
  );
  return rows.map((r) => ({
    pupilId: r.pupil_id,
    upn: r.upn,
    name: displayName(r),
    group: r.group,
    date: r.date,
    session: r.session,
    code: r.code,
    minutesLate: r.minutes_late,
    version: r.version,
    recordedBy: r.recorded_by,
  }));
}

/** Absences on a day with no reason yet (N): the first-day follow-up list. */
export function unexplainedAbsences(
  db: Kysely<DB>,
  schoolId: number,
  date: string,
): Promise<MarkOfTheDay[]> {
  return marksWithCodes(db, schoolId, ["N"], { from: date, to: date });
}

/** Pupils late on a day: L (before the register closed) and U (after). */
export function latesOn(db: Kysely<DB>, schoolId: number, date: string): Promise<MarkOfTheDay[]> {
  return marksWithCodes(db, schoolId, ["L", "U"], { from: date, to: date });
}

export interface OutstandingN extends MarkOfTheDay {
  schoolDaysElapsed: number;
  /** The last school day the reason may still be entered; after it the mark must be resolved. */
  deadline: string | null;
  /** Five school days have passed: the right code must be entered now, or O if no reason was found. */
  due: boolean;
}

/**
 * N codes from before `today`, oldest first, with how many school days have passed. The law
 * allows no more than 5 school days; a person then enters the reason or O, keeping the history.
 */
export async function outstandingNCodes(
  db: Kysely<DB>,
  schoolId: number,
  today: string,
): Promise<OutstandingN[]> {
  const calendar = await loadCalendar(db, schoolId);
  const marks = await marksWithCodes(db, schoolId, ["N"], { from: "1990-01-01", to: today });
  return marks
    .filter((m) => m.date < today)
    .map((m) => {
      const elapsed = calendar.schoolDaysSince(m.date, today);
      return {
        ...m,
        schoolDaysElapsed: elapsed,
        deadline: calendar.schoolDayAfter(m.date, N_CODE_SCHOOL_DAYS),
        due: elapsed >= N_CODE_SCHOOL_DAYS,
      };
    });
}
