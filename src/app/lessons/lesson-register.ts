import { sql } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { weekday } from "../../domain/dates.ts";
import { presentAtRegistration, sessionAt } from "../../domain/desk.ts";
import { RollbookError } from "../../domain/errors.ts";
import { type LessonMark, missingFromLesson } from "../../domain/timetable.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import {
  assertSchoolSession,
  displayName,
  momentOf,
  registerTimesOf,
} from "../registers/register.ts";

export interface Lesson {
  classId: number;
  class: string;
  subject: string;
  periodId: number;
  period: string;
  starts: string;
  ends: string;
  session: SessionName;
  pupils: number;
  marked: number;
}

/** Monday 1 ... Friday 5, as lesson_times keeps them. */
const dayOfWeek = (date: string) => weekday(date) + 1;

/** Whether the caller marks this class: its teachers, and the office for any class. */
async function teaches(ctx: UseCaseContext, classId: number): Promise<boolean> {
  if (ctx.access.can("registers.take_any")) return true;
  const row = await ctx.db
    .selectFrom("lesson_class_teachers")
    .select("user_id")
    .where("school_id", "=", ctx.access.schoolId)
    .where("class_id", "=", classId)
    .where("user_id", "=", ctx.access.actor.userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The day's lessons: a teacher's own, or every lesson for those who see all registers. */
export async function lessonsOn(ctx: UseCaseContext, date: string): Promise<Lesson[]> {
  const { access } = ctx;
  if (!access.can("registers.take_own") && !access.can("registers.view_all"))
    throw new RollbookError("forbidden", "Lesson registers are for school staff");
  return queryLessons(ctx, date, access.can("registers.view_all") ? null : access.actor.userId);
}

/** The day's lessons, of one teacher or (null) everyone's. */
async function queryLessons(
  ctx: UseCaseContext,
  date: string,
  teacher: number | null,
): Promise<Lesson[]> {
  const { access } = ctx;
  const times = await registerTimesOf(ctx.db, access.schoolId);
  const { rows } = await sql<{
    class_id: number;
    name: string;
    subject: string;
    period_id: number;
    period: string;
    starts: string;
    ends: string;
    pupils: number;
    marked: number;
  }>`
    select c.id as class_id, c.name, c.subject, p.id as period_id, p.name as period, p.starts, p.ends,
           (select count(*)::int from lesson_class_pupils cp where cp.school_id = c.school_id and cp.class_id = c.id) as pupils,
           (select count(distinct m.pupil_id)::int from lesson_marks m
             where m.school_id = c.school_id and m.class_id = c.id and m.period_id = p.id and m.date = ${date}) as marked
    from lesson_times t
    join lesson_classes c on c.school_id = t.school_id and c.id = t.class_id
    join timetable_periods p on p.school_id = t.school_id and p.id = t.period_id
    where t.school_id = ${access.schoolId} and t.weekday = ${dayOfWeek(date)}
      and (${teacher}::int is null or exists (select 1 from lesson_class_teachers ct
             where ct.school_id = c.school_id and ct.class_id = c.id and ct.user_id = ${teacher}))
    order by p.starts, c.name`.execute(ctx.db);
  return rows.map((r) => ({
    classId: r.class_id,
    class: r.name,
    subject: r.subject,
    periodId: r.period_id,
    period: r.period,
    starts: r.starts,
    ends: r.ends,
    session: sessionAt(times, r.starts),
    pupils: r.pupils,
    marked: r.marked,
  }));
}

export interface LessonRegister {
  lesson: Lesson;
  date: string;
  mayMark: boolean;
  pupils: {
    pupilId: number;
    name: string;
    group: string | null;
    mark: LessonMark | null;
    minutesLate: number | null;
    /** The statutory AM/PM mark of the lesson's session: the register of record. */
    registration: string | null;
  }[];
}

async function findLesson(ctx: UseCaseContext, key: LessonKey): Promise<Lesson> {
  const lesson = (await queryLessons(ctx, key.date, null)).find(
    (l) => l.classId === key.classId && l.periodId === key.periodId,
  );
  if (!lesson)
    throw new RollbookError(
      "not_found",
      `Class ${key.classId} has no lesson in period ${key.periodId} on ${key.date}`,
    );
  const calendar = await loadCalendar(ctx.db, ctx.access.schoolId);
  assertSchoolSession(calendar, key.date, lesson.session);
  return lesson;
}

export interface LessonKey {
  classId: number;
  periodId: number;
  date: string;
}

/** A lesson's register: its class list with each pupil's lesson mark and registration mark. */
export async function loadLessonRegister(
  ctx: UseCaseContext,
  key: LessonKey,
): Promise<LessonRegister> {
  const { access } = ctx;
  const lesson = await findLesson(ctx, key);
  const mayMark = await teaches(ctx, key.classId);
  if (!mayMark && !access.can("registers.view_all"))
    throw new RollbookError("forbidden", "You can only see the registers of lessons you teach");
  const { rows } = await sql<{
    id: number;
    legal_forename: string;
    legal_surname: string;
    preferred_forename: string | null;
    preferred_surname: string | null;
    group: string | null;
    mark: LessonMark | null;
    minutes_late: number | null;
    registration: string | null;
  }>`
    select p.id, p.legal_forename, p.legal_surname, p.preferred_forename, p.preferred_surname,
           g.name as "group", m.mark, m.minutes_late, s.code as registration
    from lesson_class_pupils cp
    join pupils p on p.school_id = cp.school_id and p.id = cp.pupil_id
    left join registration_groups g on g.school_id = p.school_id and g.id = p.registration_group_id
    left join lateral (select mark, minutes_late from lesson_marks m
                       where m.school_id = cp.school_id and m.class_id = cp.class_id
                         and m.period_id = ${key.periodId} and m.date = ${key.date} and m.pupil_id = p.id
                       order by m.id desc limit 1) m on true
    left join session_marks s on s.school_id = p.school_id and s.pupil_id = p.id
                             and s.date = ${key.date} and s.session = ${lesson.session}
    where cp.school_id = ${access.schoolId} and cp.class_id = ${key.classId}
      and p.admission_date <= ${key.date} and (p.leaving_date is null or p.leaving_date >= ${key.date})
    order by p.legal_surname, p.legal_forename, p.id`.execute(ctx.db);
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.id),
  );
  return {
    lesson,
    date: key.date,
    mayMark,
    pupils: rows.map((r) => ({
      pupilId: r.id,
      name: displayName(r),
      group: r.group,
      mark: r.mark,
      minutesLate: r.minutes_late,
      registration: r.registration,
    })),
  };
}

/**
 * A teacher's lesson marks. Each new or changed mark is added (the lesson's history is every row);
 * the statutory register is not touched. Past lessons only and today's: not the future.
 */
export async function saveLessonRegister(
  ctx: UseCaseContext,
  input: LessonKey & {
    marks: { pupilId: number; mark: LessonMark; minutesLate?: number | null | undefined }[];
  },
): Promise<{ saved: number; unchanged: number }> {
  const { access } = ctx;
  if (input.date > momentOf(ctx.clock()).date)
    throw new RollbookError("invalid_input", "A lesson cannot be marked before it happens");
  const register = await loadLessonRegister(ctx, input);
  if (!register.mayMark)
    throw new RollbookError(
      "forbidden",
      "Only the class's teachers and the office mark this lesson",
    );
  const current = new Map(register.pupils.map((p) => [p.pupilId, p]));
  const problems: string[] = [];
  const changed = input.marks.filter((m) => {
    const pupil = current.get(m.pupilId);
    if (!pupil) problems.push(`pupil ${m.pupilId} is not in ${register.lesson.class}`);
    if (m.mark === "late" && !m.minutesLate) problems.push(`late needs the minutes late`);
    return (
      pupil && (pupil.mark !== m.mark || (pupil.minutesLate ?? null) !== (m.minutesLate ?? null))
    );
  });
  if (problems.length > 0)
    throw new RollbookError("invalid_input", `The lesson was not saved: ${problems.join("; ")}`);
  if (changed.length > 0)
    await inTransaction(ctx, "mark a lesson", (tx) =>
      tx
        .insertInto("lesson_marks")
        .values(
          changed.map((m) => ({
            school_id: access.schoolId,
            class_id: input.classId,
            period_id: input.periodId,
            date: input.date,
            pupil_id: m.pupilId,
            mark: m.mark,
            minutes_late: m.mark === "late" ? (m.minutesLate ?? null) : null,
            recorded_by: access.signature(),
            recorded_by_user_id: access.accountId,
            recorded_at: ctx.clock(),
          })),
        )
        .execute(),
    );
  return { saved: changed.length, unchanged: input.marks.length - changed.length };
}

export interface MissingFromLesson {
  pupilId: number;
  name: string;
  group: string | null;
  class: string;
  period: string;
  starts: string;
  registration: string;
  markedBy: string;
  markedAt: Date;
}

/**
 * Post-registration truancy on a day: pupils whose latest mark in a lesson is absent though their
 * statutory mark for that session says they were in, and who were not signed out at the desk.
 * Read from the marks as they stand, so a lesson mark shows here as soon as it is saved.
 */
export async function missingFromLessons(
  ctx: UseCaseContext,
  date: string,
): Promise<MissingFromLesson[]> {
  const { access } = ctx;
  access.require("office.view");
  const times = await registerTimesOf(ctx.db, access.schoolId);
  const { rows } = await sql<{
    pupil_id: number;
    legal_forename: string;
    legal_surname: string;
    preferred_forename: string | null;
    preferred_surname: string | null;
    group: string | null;
    class: string;
    period: string;
    starts: string;
    am: string | null;
    pm: string | null;
    recorded_by: string;
    recorded_at: Date;
    signed_out: boolean;
  }>`
    select m.pupil_id, p.legal_forename, p.legal_surname, p.preferred_forename, p.preferred_surname,
           g.name as "group", c.name as class, tp.name as period, tp.starts, am.code as am, pm.code as pm,
           m.recorded_by, m.recorded_at,
           coalesce((select d.kind = 'signed_out' from desk_signings d
                     where d.school_id = m.school_id and d.pupil_id = m.pupil_id and d.date = m.date
                       and d.at_time <= tp.ends
                     order by d.id desc limit 1), false) as signed_out
    from (select distinct on (class_id, period_id, pupil_id) *
          from lesson_marks where school_id = ${access.schoolId} and date = ${date}
          order by class_id, period_id, pupil_id, id desc) m
    join pupils p on p.school_id = m.school_id and p.id = m.pupil_id
    left join registration_groups g on g.school_id = p.school_id and g.id = p.registration_group_id
    join lesson_classes c on c.school_id = m.school_id and c.id = m.class_id
    join timetable_periods tp on tp.school_id = m.school_id and tp.id = m.period_id
    left join session_marks am on am.school_id = m.school_id and am.pupil_id = m.pupil_id
                              and am.date = m.date and am.session = 'AM'
    left join session_marks pm on pm.school_id = m.school_id and pm.pupil_id = m.pupil_id
                              and pm.date = m.date and pm.session = 'PM'
    where m.mark = 'absent'
    order by tp.starts, p.legal_surname, p.legal_forename`.execute(ctx.db);
  const missing = rows.flatMap((r) => {
    const registration = sessionAt(times, r.starts) === "PM" ? r.pm : r.am;
    const missing = missingFromLesson({
      lessonMark: "absent",
      presentAtRegistration: presentAtRegistration(registration),
      signedOut: r.signed_out,
    });
    if (!missing) return [];
    return [
      {
        pupilId: r.pupil_id,
        name: displayName(r),
        group: r.group,
        class: r.class,
        period: r.period,
        starts: r.starts,
        registration: registration as string,
        markedBy: r.recorded_by,
        markedAt: r.recorded_at,
      },
    ];
  });
  access.audit.listed(
    access.schoolId,
    missing.map((m) => m.pupilId),
  );
  return missing;
}
