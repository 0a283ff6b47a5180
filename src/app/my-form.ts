import { loadCalendar } from "../db/repositories/calendar.ts";
import { absenceMeasuresOver } from "../domain/absence-measures.ts";
import { SESSIONS, type SessionName } from "../domain/calendar.ts";
import { ABSENCE_SYMBOLS, codeOn } from "../domain/codes.ts";
import { isRollbookError, RollbookError } from "../domain/errors.ts";
import { type RegisterState, registerState } from "../domain/register-times.ts";
import type { GroupStatistics } from "../domain/statistics.ts";
import { resolveRange } from "./attendance-statistics.ts";
import type { UseCaseContext } from "./context.ts";
import { schoolDashboard } from "./dashboard.ts";
import { outstandingNCodes } from "./registers/office-views.ts";
import { displayName, momentOf, registerTimesOf } from "./registers/register.ts";

export interface FormView {
  groupId: number;
  form: string;
  /** Today's registers: taken, open to be taken now, or not open yet. */
  registers: { session: SessionName; taken: boolean; state: RegisterState }[];
  absentToday: {
    pupilId: number;
    name: string;
    session: SessionName;
    code: string;
    meaning: string;
  }[];
  /** The form's year to date, counted as the dashboard counts it. */
  yearToDate: GroupStatistics | null;
  /** Persistent absence is only counted once the year has held enough sessions. */
  persistentAbsenceCounted: boolean;
  persistentlyAbsent: {
    pupilId: number;
    name: string;
    attendance: string;
    severelyAbsent: boolean;
  }[];
  /** Absences still N (no reason yet), oldest first: the ones to chase with home and the office. */
  toChase: { pupilId: number; name: string; dates: string[]; due: boolean }[];
}

/**
 * A form tutor's landing page: for each form they hold, today's registers, who is absent today,
 * the form's attendance and persistent absentees this year, and the absences still without a
 * reason. Only a tutor's own forms: nobody sees another form's pupils through it.
 */
export async function myForms(ctx: UseCaseContext): Promise<{ date: string; forms: FormView[] }> {
  const { db, access } = ctx;
  access.require("registers.take_own");
  const schoolId = access.schoolId;
  const now = momentOf(ctx.clock());
  const today = now.date;
  if (access.ownGroups.length === 0)
    throw new RollbookError(
      "not_found",
      "You are not the tutor of any form in this school: the office can add you to one",
    );
  const [calendar, times, groups, marks, chase] = await Promise.all([
    loadCalendar(db, schoolId),
    registerTimesOf(db, schoolId),
    db
      .selectFrom("registration_groups")
      .select(["id", "name"])
      .where("school_id", "=", schoolId)
      .where("id", "in", access.ownGroups)
      .execute(),
    db
      .selectFrom("session_marks as m")
      .innerJoin("pupils as p", (j) =>
        j.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
      )
      .select([
        "m.pupil_id",
        "m.session",
        "m.code",
        "p.registration_group_id",
        "p.legal_forename",
        "p.legal_surname",
        "p.preferred_forename",
        "p.preferred_surname",
      ])
      .where("m.school_id", "=", schoolId)
      .where("m.date", "=", today)
      .where("p.registration_group_id", "in", access.ownGroups)
      .where("m.code", "in", ABSENCE_SYMBOLS)
      .orderBy("m.session")
      .orderBy("p.legal_surname")
      .execute(),
    outstandingNCodes(db, schoolId, today),
  ]);
  const taken = await db
    .selectFrom("registers_taken")
    .select(["registration_group_id", "session"])
    .where("school_id", "=", schoolId)
    .where("date", "=", today)
    .where("registration_group_id", "in", access.ownGroups)
    .execute();
  let yearToDate: Awaited<ReturnType<typeof schoolDashboard>> | null = null;
  let counted = false;
  try {
    const range = resolveRange(calendar, { kind: "year_to_date" }, today);
    counted = absenceMeasuresOver(calendar, "year_to_date", range, today).counted;
    yearToDate = await schoolDashboard(db, schoolId, range);
  } catch (error) {
    // A school day outside the calendar's years: no year to date yet.
    if (!isRollbookError(error)) throw error;
  }
  const forms = groups.map((g) => {
    const pupils = yearToDate?.pupils.filter((p) => p.group === g.name) ?? [];
    const chased = new Map<number, FormView["toChase"][number]>();
    for (const n of chase.filter((m) => m.group === g.name)) {
      const entry = chased.get(n.pupilId) ?? {
        pupilId: n.pupilId,
        name: n.name,
        dates: [],
        due: false,
      };
      entry.dates.push(`${n.date} ${n.session}`);
      entry.due ||= n.due;
      chased.set(n.pupilId, entry);
    }
    for (const m of marks.filter((m) => m.registration_group_id === g.id && m.code === "N")) {
      const entry = chased.get(m.pupil_id) ?? {
        pupilId: m.pupil_id,
        name: displayName(m),
        dates: [],
        due: false,
      };
      entry.dates.push(`${today} ${m.session}`);
      chased.set(m.pupil_id, entry);
    }
    return {
      groupId: g.id,
      form: g.name,
      registers: SESSIONS.filter((s) => calendar.isSchoolSession(today, s)).map((session) => ({
        session,
        taken: taken.some((t) => t.registration_group_id === g.id && t.session === session),
        state: registerState(times, today, session, now),
      })),
      absentToday: marks
        .filter((m) => m.registration_group_id === g.id)
        .map((m) => ({
          pupilId: m.pupil_id,
          name: displayName(m),
          session: m.session,
          code: m.code,
          meaning: codeOn(m.code, today).meaning,
        })),
      yearToDate:
        yearToDate?.byRegistrationGroup.find((r) => r.label === g.name)?.statistics ?? null,
      persistentAbsenceCounted: counted,
      persistentlyAbsent: counted
        ? pupils
            .filter((p) => p.persistentlyAbsent)
            .sort((a, b) => Number(a.attendance) - Number(b.attendance))
            .map((p) => ({
              pupilId: p.pupilId,
              name: p.name,
              attendance: p.attendance,
              severelyAbsent: p.severelyAbsent,
            }))
        : [],
      toChase: [...chased.values()],
    };
  });
  ctx.audit.listed(schoolId, [
    ...new Set(
      forms.flatMap((f) => [
        ...f.absentToday.map((p) => p.pupilId),
        ...f.persistentlyAbsent.map((p) => p.pupilId),
        ...f.toChase.map((p) => p.pupilId),
      ]),
    ),
  ]);
  return { date: today, forms: forms.sort((a, b) => a.form.localeCompare(b.form)) };
}
