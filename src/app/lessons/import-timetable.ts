import { RollbookError } from "../../domain/errors.ts";
import { periodProblem, timetableDay } from "../../domain/timetable.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { type RowProblem, readCsv, rejectIfProblems } from "../import/csv.ts";

/**
 * The timetable as a CSV file, one row per pupil in a class's lesson: class, subject, day
 * (Mon...Fri), period, its start and end, the teacher's email, the pupil's UPN. A class's rows
 * replace its teachers, pupils and times; periods and classes are matched by name, so lesson
 * marks already taken keep their class.
 */
export const TIMETABLE_FORMAT = {
  name: "timetable",
  required: ["class", "subject", "day", "period", "starts", "ends", "teacher_email", "upn"],
  optional: [],
};

export interface TimetableImported {
  periods: number;
  classes: number;
  lessons: number;
  places: number;
}

export async function importTimetable(
  ctx: UseCaseContext,
  text: string,
): Promise<TimetableImported> {
  const { access, db } = ctx;
  access.require("pupils.manage");
  const rows = readCsv(text, TIMETABLE_FORMAT);
  if (rows.length === 0)
    throw new RollbookError("import_rejected", "The timetable file has no rows");
  const [pupils, teachers] = await Promise.all([
    db
      .selectFrom("pupils")
      .select(["id", "upn"])
      .where("school_id", "=", access.schoolId)
      .execute(),
    db
      .selectFrom("users as u")
      .innerJoin("role_grants as r", "r.user_id", "u.id")
      .select(["u.id", "u.email"])
      .where("r.school_id", "=", access.schoolId)
      .execute(),
  ]);
  const pupilOf = new Map(pupils.map((p) => [p.upn.toUpperCase(), p.id]));
  const teacherOf = new Map(teachers.map((t) => [t.email.toLowerCase(), t.id]));
  const problems: RowProblem[] = [];
  const periods = new Map<string, { starts: string; ends: string; line: number }>();
  const classes = new Map<
    string,
    { subject: string; teachers: Set<number>; pupils: Set<number>; times: Set<string> }
  >();
  for (const { line, values: v } of rows) {
    const say = (message: string) => problems.push({ line, message });
    const day = timetableDay(v.day ?? "");
    if (day === null) say(`"${v.day}" is not a school day (Mon to Fri)`);
    const period = v.period?.trim() ?? "";
    const starts = v.starts ?? "";
    const ends = v.ends ?? "";
    if (!period) say("the period has no name");
    const wrongTimes = periodProblem(starts, ends);
    if (wrongTimes) say(wrongTimes);
    const known = periods.get(period);
    if (known && (known.starts !== starts || known.ends !== ends))
      say(
        `period ${period} is ${known.starts}-${known.ends} on line ${known.line}, not ${starts}-${ends}`,
      );
    else if (!known && period) periods.set(period, { starts, ends, line });
    const teacher = teacherOf.get((v.teacher_email ?? "").toLowerCase());
    if (teacher === undefined) say(`no member of staff here has the email ${v.teacher_email}`);
    const pupil = pupilOf.get((v.upn ?? "").toUpperCase());
    if (pupil === undefined) say(`no pupil here has the UPN ${v.upn}`);
    const name = v.class?.trim() ?? "";
    if (!name) {
      say("the class has no name");
      continue;
    }
    const cls = classes.get(name) ?? {
      subject: v.subject?.trim() || name,
      teachers: new Set(),
      pupils: new Set(),
      times: new Set(),
    };
    if (teacher !== undefined) cls.teachers.add(teacher);
    if (pupil !== undefined) cls.pupils.add(pupil);
    if (day !== null && period) cls.times.add(`${day}|${period}`);
    classes.set(name, cls);
  }
  rejectIfProblems("timetable", problems);
  const schoolId = access.schoolId;
  return inTransaction(ctx, "import the timetable", async (tx) => {
    const periodIds = new Map<string, number>();
    for (const [name, p] of periods) {
      const row = await tx
        .insertInto("timetable_periods")
        .values({ school_id: schoolId, name, starts: p.starts, ends: p.ends })
        .onConflict((oc) =>
          oc.columns(["school_id", "name"]).doUpdateSet({ starts: p.starts, ends: p.ends }),
        )
        .returning("id")
        .executeTakeFirstOrThrow();
      periodIds.set(name, row.id);
    }
    let lessons = 0;
    let places = 0;
    for (const [name, c] of classes) {
      const { id } = await tx
        .insertInto("lesson_classes")
        .values({ school_id: schoolId, name, subject: c.subject })
        .onConflict((oc) => oc.columns(["school_id", "name"]).doUpdateSet({ subject: c.subject }))
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const table of ["lesson_class_teachers", "lesson_class_pupils", "lesson_times"] as const)
        await tx
          .deleteFrom(table)
          .where("school_id", "=", schoolId)
          .where("class_id", "=", id)
          .execute();
      await tx
        .insertInto("lesson_class_teachers")
        .values([...c.teachers].map((user_id) => ({ school_id: schoolId, class_id: id, user_id })))
        .execute();
      await tx
        .insertInto("lesson_class_pupils")
        .values([...c.pupils].map((pupil_id) => ({ school_id: schoolId, class_id: id, pupil_id })))
        .execute();
      await tx
        .insertInto("lesson_times")
        .values(
          [...c.times].map((t) => {
            const [day, period] = t.split("|") as [string, string];
            return {
              school_id: schoolId,
              class_id: id,
              weekday: Number(day),
              period_id: periodIds.get(period) as number,
            };
          }),
        )
        .execute();
      lessons += c.times.size;
      places += c.pupils.size;
    }
    return { periods: periods.size, classes: classes.size, lessons, places };
  });
}
