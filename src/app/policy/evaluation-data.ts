import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { CaseRecord } from "../../db/repositories/cases.ts";
import { loadYearMarks } from "../../db/repositories/marks.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import type { YearMarks } from "../../domain/marks.ts";
import type { PupilContext } from "../../domain/policy/conditions/index.ts";
import { evaluationSpan, type SessionIndex, sessionIndexOf } from "../../domain/policy/timeline.ts";
import type { PupilFlagName } from "../../domain/policy/types.ts";

export interface PupilForEvaluation {
  id: number;
  upn: string;
  name: string;
  dateOfBirth: IsoDate;
  flags: Partial<Record<PupilFlagName, boolean>>;
  codes: Uint8Array;
}

/**
 * Everything evaluation reads, loaded once: the calendar's sessions from the start of last
 * academic year to `to`, and every pupil on roll at some point of `from`..`to` with their codes.
 */
export async function loadEvaluationData(
  db: Kysely<DB>,
  schoolId: number,
  from: IsoDate,
  to: IsoDate,
  onlyPupils?: number[],
): Promise<{ index: SessionIndex; pupils: PupilForEvaluation[] }> {
  const calendar = await loadCalendar(db, schoolId);
  const span = evaluationSpan(from);
  const index = sessionIndexOf(calendar, span.from, to);
  let query = db.selectFrom("pupils").selectAll().where("school_id", "=", schoolId);
  if (onlyPupils) query = query.where("id", "in", onlyPupils.length > 0 ? onlyPupils : [-1]);
  const rows = await query
    .where("admission_date", "<=", to)
    .where((eb) => eb.or([eb("leaving_date", "is", null), eb("leaving_date", ">=", from)]))
    .orderBy("id")
    .execute();
  const years = new Map<number, Map<number, YearMarks>>();
  for (let year = academicYearOf(span.from); year <= academicYearOf(to); year++) {
    years.set(year, await loadYearMarks(db, schoolId, year, onlyPupils));
  }
  const pupils = rows.map((p) => {
    const own = new Map<number, YearMarks>();
    for (const [year, marks] of years) {
      const m = marks.get(p.id);
      if (m) own.set(year, m);
    }
    return {
      id: p.id,
      upn: p.upn,
      name: `${p.preferred_forename ?? p.legal_forename} ${p.preferred_surname ?? p.legal_surname}`,
      dateOfBirth: p.date_of_birth,
      flags: {
        medical_condition: p.medical_condition,
        sen_support: p.sen_support,
        ehcp: p.ehcp,
        has_social_worker: p.has_social_worker,
        looked_after: p.looked_after,
        fsm: p.fsm,
        pupil_premium: p.pupil_premium,
        child_protection_plan: p.child_protection_plan,
        child_in_need_plan: p.child_in_need_plan,
        safeguarding_concern: p.safeguarding_concern,
      },
      codes: index.codesOf(own),
    };
  });
  return { index, pupils };
}

/** The engine's view of a pupil's case: the stage they are in, and the band at the last review. */
export function contextFrom(
  pupil: PupilForEvaluation,
  open: CaseRecord | undefined,
  lastClosed: CaseRecord | undefined,
): PupilContext {
  const context: PupilContext = { flags: pupil.flags, dateOfBirth: pupil.dateOfBirth };
  if (open) {
    context.stage = {
      id: open.stageId,
      startedOn: open.stageStartedOn,
      evidenceEnd: open.stageEvidenceEnd,
      baseline: open.baseline,
      reviewDue: open.nextReviewOn,
    };
    if (open.lastReviewOn && open.lastReviewBand)
      context.lastReview = { on: open.lastReviewOn, band: open.lastReviewBand };
  } else if (lastClosed?.lastReviewOn && lastClosed.lastReviewBand) {
    context.lastReview = { on: lastClosed.lastReviewOn, band: lastClosed.lastReviewBand };
  }
  return context;
}
