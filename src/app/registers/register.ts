import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { SchoolCalendar, SessionName } from "../../domain/calendar.ts";
import { dayLabel, londonClock, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import {
  type RegisterState,
  type RegisterTimes,
  registerState,
} from "../../domain/register-times.ts";
import type { PlannedAbsence } from "./planned-absences.ts";

export interface Moment {
  date: string;
  clock: string;
}

export function momentOf(instant: Date): Moment {
  return { date: londonToday(instant), clock: londonClock(instant) };
}

export async function registerTimesOf(db: Kysely<DB>, schoolId: number): Promise<RegisterTimes> {
  const school = await db
    .selectFrom("schools")
    .select(["am_register_opens", "am_register_closes", "pm_register_opens", "pm_register_closes"])
    .where("id", "=", schoolId)
    .executeTakeFirstOrThrow();
  return {
    amOpens: school.am_register_opens,
    amCloses: school.am_register_closes,
    pmOpens: school.pm_register_opens,
    pmCloses: school.pm_register_closes,
  };
}

export interface RegisterPupil {
  pupilId: number;
  upn: string;
  name: string;
  mark: { code: string; minutesLate: number | null; version: number } | null;
  planned: Pick<PlannedAbsence, "id" | "code" | "reason"> | null;
  /**
   * A mark the register suggests and the tutor still chooses: G (unauthorised holiday) when the
   * head refused leave covering this session, with the reason shown beside the pupil.
   */
  suggestion: RegisterSuggestion | null;
}

export interface RegisterSuggestion {
  code: "G";
  leaveRequestId: number;
  reason: string;
}

/** What the tutor reads beside a pupil whose leave was refused. */
export function refusedLeaveSuggestion(refused: {
  id: number;
  from: string;
  to: string;
  decidedBy: string | null;
  reason: string | null;
}): RegisterSuggestion {
  const by = refused.decidedBy ? ` by ${refused.decidedBy}` : "";
  const why = refused.reason ? `: ${refused.reason}` : "";
  return {
    code: "G",
    leaveRequestId: refused.id,
    reason: `Leave from ${dayLabel(refused.from)} to ${dayLabel(refused.to)} was refused${by}${why}. If the pupil is absent, G (holiday not authorised) is suggested; you choose the mark.`,
  };
}

export interface Register {
  schoolId: number;
  group: { id: number; name: string };
  date: string;
  session: SessionName;
  state: RegisterState;
  times: RegisterTimes;
  taken: {
    firstTakenBy: string;
    firstTakenAt: Date;
    lastSavedBy: string;
    lastSavedAt: Date;
    saves: number;
  } | null;
  pupils: RegisterPupil[];
}

/** Refuses a date and session on which the school does not meet. */
export function assertSchoolSession(
  calendar: SchoolCalendar,
  date: string,
  session: SessionName,
): void {
  if (!calendar.isSchoolSession(date, session)) {
    throw new RollbookError(
      "not_a_school_session",
      `${date} ${session} is not a school session: no register is taken then`,
    );
  }
}

export function displayName(p: {
  legal_forename: string;
  legal_surname: string;
  preferred_forename: string | null;
  preferred_surname?: string | null;
}): string {
  return `${p.preferred_forename ?? p.legal_forename} ${p.preferred_surname ?? p.legal_surname}`;
}

/** The columns a pupil's name is made of, for a query joined to `pupils as p`. */
export const PUPIL_NAME_COLUMNS = [
  "p.legal_forename",
  "p.legal_surname",
  "p.preferred_forename",
  "p.preferred_surname",
] as const;

type NameColumns = {
  legal_forename: string;
  legal_surname: string;
  preferred_forename: string | null;
  preferred_surname: string | null;
};

/** A row with the pupil's name columns, given instead the name people read (`pupil_name`). */
export function withPupilName<T extends NameColumns>(
  row: T,
): Omit<T, keyof NameColumns> & { pupil_name: string } {
  const { legal_forename, legal_surname, preferred_forename, preferred_surname, ...rest } = row;
  return {
    ...rest,
    pupil_name: displayName({
      legal_forename,
      legal_surname,
      preferred_forename,
      preferred_surname,
    }),
  };
}

export async function findGroup(
  db: Kysely<DB>,
  schoolId: number,
  groupId: number,
): Promise<{ id: number; name: string }> {
  const group = await db
    .selectFrom("registration_groups")
    .select(["id", "name"])
    .where("school_id", "=", schoolId)
    .where("id", "=", groupId)
    .executeTakeFirst();
  if (!group)
    throw new RollbookError("not_found", `No registration group ${groupId} in this school`);
  return group;
}

/**
 * A register as the teacher sees it: the group's pupils on roll that day, each with their current
 * mark, or the planned absence that pre-fills it. Two queries, run side by side: this is read on
 * every save.
 */
export async function loadRegister(
  db: Kysely<DB>,
  schoolId: number,
  groupId: number,
  date: string,
  session: SessionName,
  now: Moment,
): Promise<Register> {
  const [heading, members] = await Promise.all([
    sql<{
      id: number;
      name: string;
      am_register_opens: string;
      am_register_closes: string;
      pm_register_opens: string;
      pm_register_closes: string;
      first_taken_by: string | null;
      first_taken_at: Date | null;
      last_saved_by: string | null;
      last_saved_at: Date | null;
      saves: number | null;
    }>`
      select g.id, g.name, s.am_register_opens, s.am_register_closes, s.pm_register_opens, s.pm_register_closes,
             t.first_taken_by, t.first_taken_at, t.last_saved_by, t.last_saved_at, t.saves
      from registration_groups g
      join schools s on s.id = g.school_id
      left join registers_taken t on t.school_id = g.school_id and t.registration_group_id = g.id
                                 and t.date = ${date} and t.session = ${session}
      where g.school_id = ${schoolId} and g.id = ${groupId}`.execute(db),
    sql<{
      id: number;
      upn: string;
      legal_forename: string;
      legal_surname: string;
      preferred_forename: string | null;
      preferred_surname: string | null;
      code: string | null;
      minutes_late: number | null;
      version: number | null;
      planned_id: number | null;
      planned_code: string | null;
      planned_reason: string | null;
      refused_id: number | null;
      refused_from: string | null;
      refused_to: string | null;
      refused_by: string | null;
      refused_reason: string | null;
    }>`
      select p.id, p.upn, p.legal_forename, p.legal_surname, p.preferred_forename, p.preferred_surname,
             m.code, m.minutes_late, m.version, a.id as planned_id, a.code as planned_code, a.reason as planned_reason,
             r.id as refused_id, r.from_date::text as refused_from, r.to_date::text as refused_to,
             r.decided_by as refused_by, r.decision_reason as refused_reason
      from pupils p
      left join session_marks m on m.school_id = p.school_id and m.pupil_id = p.id
                               and m.date = ${date} and m.session = ${session}
      left join lateral (
        select id, code, reason from planned_absences a
        where a.school_id = p.school_id and a.pupil_id = p.id and a.cancelled_at is null
          and (a.start_date, a.start_session) <= (${date}::date, ${session}::text)
          and (a.end_date, a.end_session) >= (${date}::date, ${session}::text)
        order by a.id desc limit 1
      ) a on true
      left join lateral (
        select id, from_date, to_date, decided_by, decision_reason from leave_requests r
        where r.school_id = p.school_id and r.pupil_id = p.id and r.status = 'refused'
          and (r.from_date, r.from_session) <= (${date}::date, ${session}::text)
          and (r.to_date, r.to_session) >= (${date}::date, ${session}::text)
        order by r.id desc limit 1
      ) r on true
      where p.school_id = ${schoolId} and p.registration_group_id = ${groupId}
        and p.admission_date <= ${date} and (p.leaving_date is null or p.leaving_date >= ${date})
      order by p.legal_surname, p.legal_forename, p.id`.execute(db),
  ]);
  const group = heading.rows[0];
  if (!group)
    throw new RollbookError("not_found", `No registration group ${groupId} in this school`);
  const times: RegisterTimes = {
    amOpens: group.am_register_opens,
    amCloses: group.am_register_closes,
    pmOpens: group.pm_register_opens,
    pmCloses: group.pm_register_closes,
  };
  return {
    schoolId,
    group: { id: group.id, name: group.name },
    date,
    session,
    state: registerState(times, date, session, now),
    times,
    taken:
      group.first_taken_by !== null
        ? {
            firstTakenBy: group.first_taken_by,
            firstTakenAt: group.first_taken_at as Date,
            lastSavedBy: group.last_saved_by as string,
            lastSavedAt: group.last_saved_at as Date,
            saves: group.saves as number,
          }
        : null,
    pupils: members.rows.map((m) => ({
      pupilId: m.id,
      upn: m.upn,
      name: displayName(m),
      mark:
        m.code !== null
          ? { code: m.code, minutesLate: m.minutes_late, version: m.version as number }
          : null,
      planned:
        m.planned_id !== null
          ? { id: m.planned_id, code: m.planned_code as string, reason: m.planned_reason as string }
          : null,
      // Leave the head authorised is a planned absence (C) and pre-fills the mark; refused leave
      // only suggests G, because the pupil may come in after all.
      suggestion:
        m.refused_id !== null && m.planned_id === null
          ? refusedLeaveSuggestion({
              id: m.refused_id,
              from: m.refused_from as string,
              to: m.refused_to as string,
              decidedBy: m.refused_by,
              reason: m.refused_reason,
            })
          : null,
    })),
  };
}
