import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol } from "../../domain/codes.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { SchoolAccess } from "../access/access.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { withinSchoolYears } from "../attendance-statistics.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/**
 * Absences known in advance pre-fill the register: leave of absence (C, C1, C2, J1, S), medical
 * appointments (M), religious observance (R), suspensions (E), off-site provision (K, B, V, P, W),
 * dual registration (D) and the like. Unknown or unexplained absence (N, O, G, U, L, present) cannot
 * be planned.
 */
export const PLANNABLE_CODES = [
  "B",
  "C",
  "C1",
  "C2",
  "D",
  "E",
  "J1",
  "K",
  "M",
  "P",
  "Q",
  "R",
  "S",
  "T",
  "V",
  "W",
  "X",
  "Y1",
  "Y5",
  "Y7",
];

export interface PlannedAbsence {
  id: number;
  pupilId: number;
  startDate: string;
  startSession: SessionName;
  endDate: string;
  endSession: SessionName;
  code: string;
  reason: string;
  recordedBy: string;
}

export interface NewPlannedAbsence {
  pupilId: number;
  startDate: string;
  startSession: SessionName;
  endDate: string;
  endSession: SessionName;
  code: string;
  reason: string;
}

/** The office plans an absence for a pupil it can see. */
export async function planAbsence(
  ctx: UseCaseContext,
  absence: NewPlannedAbsence,
): Promise<number> {
  const { access } = ctx;
  access.require("marks.amend");
  await visiblePupil(ctx.db, access, absence.pupilId);
  return inTransaction(ctx, "plan absence", (tx) =>
    insertPlannedAbsence(tx, access.schoolId, absence, access.signature()),
  );
}

/** Checks and stores a planned absence, inside the change that decided it (a report, leave). */
export async function insertPlannedAbsence(
  db: Kysely<DB>,
  schoolId: number,
  absence: NewPlannedAbsence,
  recordedBy: string,
): Promise<number> {
  const code = normaliseSymbol(absence.code, absence.startSession);
  if (!PLANNABLE_CODES.includes(code)) {
    throw new RollbookError(
      "invalid_input",
      `Code ${code} cannot be planned in advance; plannable codes are ${PLANNABLE_CODES.join(", ")}`,
    );
  }
  codeOn(code, absence.startDate);
  codeOn(code, absence.endDate);
  if (`${absence.endDate}${absence.endSession}` < `${absence.startDate}${absence.startSession}`) {
    throw new RollbookError("invalid_input", "A planned absence must end after it starts");
  }
  const { id } = await db
    .insertInto("planned_absences")
    .values({
      school_id: schoolId,
      pupil_id: absence.pupilId,
      start_date: absence.startDate,
      start_session: absence.startSession,
      end_date: absence.endDate,
      end_session: absence.endSession,
      code,
      reason: absence.reason,
      recorded_by: recordedBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** Cancels (never deletes) a planned absence; marks already recorded from it stay in the register. */
export async function cancelPlannedAbsence(ctx: UseCaseContext, id: number): Promise<void> {
  const { access } = ctx;
  access.require("marks.amend");
  await inTransaction(ctx, "cancel planned absence", async (tx) => {
    const cancelled = await tx
      .updateTable("planned_absences")
      .set({ cancelled_by: access.signature(), cancelled_at: ctx.clock() })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", id)
      .where("cancelled_at", "is", null)
      .returning("pupil_id")
      .executeTakeFirst();
    if (!cancelled)
      throw new RollbookError("not_found", `No current planned absence ${id} in this school`);
    access.audit.subject(cancelled.pupil_id);
  });
}

/** The planned absences overlapping a range of the school's years, for staff who see every register. */
export async function plannedAbsencesBetween(
  db: Kysely<DB>,
  access: SchoolAccess,
  range: { from: IsoDate; to: IsoDate },
): Promise<{ plannedAbsences: PlannedAbsence[] }> {
  access.require("registers.view_all");
  const within = withinSchoolYears(await loadCalendar(db, access.schoolId), range);
  return { plannedAbsences: await listPlannedAbsences(db, access.schoolId, within) };
}

export async function listPlannedAbsences(
  db: Kysely<DB>,
  schoolId: number,
  range: { from: string; to: string },
  pupilIds?: number[],
): Promise<PlannedAbsence[]> {
  let query = db
    .selectFrom("planned_absences")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("cancelled_at", "is", null)
    .where("end_date", ">=", range.from)
    .where("start_date", "<=", range.to);
  if (pupilIds) query = query.where("pupil_id", "in", pupilIds.length > 0 ? pupilIds : [-1]);
  const rows = await query.orderBy("start_date").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    pupilId: r.pupil_id,
    startDate: r.start_date,
    startSession: r.start_session,
    endDate: r.end_date,
    endSession: r.end_session,
    code: r.code,
    reason: r.reason,
    recordedBy: r.recorded_by,
  }));
}
