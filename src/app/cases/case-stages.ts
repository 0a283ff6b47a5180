import type { Kysely } from "kysely";
import { addCaseEvent, type CaseRecord, openCaseOf } from "../../db/repositories/cases.ts";
import type { StoredPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { bandOf } from "../../domain/policy/bands.ts";
import type { Policy } from "../../domain/policy/types.ts";
import type { Ratio } from "../../domain/statistics.ts";
import { pupilReport } from "../attendance-statistics.ts";

/** A pupil's attendance this academic year up to a day: the baseline a stage is judged against. */
export async function attendanceToDate(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  day: IsoDate,
): Promise<Ratio> {
  const { from } = academicYearBounds(academicYearOf(day));
  const { statistics } = await pupilReport(db, schoolId, pupilId, { from, to: day });
  return statistics.attendanceRate;
}

export function stageName(policy: Policy, stageId: string): string {
  return policy.stages.find((s) => s.id === stageId)?.name ?? stageId;
}

function assertStage(policy: Policy, stageId: string): void {
  if (!policy.stages.some((s) => s.id === stageId)) {
    throw new RollbookError(
      "invalid_input",
      `The policy has no stage "${stageId}"; its stages are ${policy.stages.map((s) => s.id).join(", ")}`,
    );
  }
}

export interface StageChange {
  pupilId: number;
  stageId: string;
  today: IsoDate;
  by: string;
  ownerUserId?: number | null;
  /** The last day of the proposal's evidence, when a proposal began the stage. */
  evidenceEnd?: IsoDate | null;
  /** Why, in the officer's words: it follows the move in the chronology. */
  reason?: string | null;
}

/**
 * Puts a pupil at a stage: opens a case (the attendance this year to date is its baseline) or,
 * when one is open, moves it on. Either way the change is an event in the case's chronology.
 */
export async function startStage(
  tx: Kysely<DB>,
  schoolId: number,
  stored: StoredPolicy,
  change: StageChange,
): Promise<CaseRecord> {
  assertStage(stored.policy, change.stageId);
  const baseline = await attendanceToDate(tx, schoolId, change.pupilId, change.today);
  const band = bandOf(stored.policy.bands, baseline)?.id ?? null;
  const name = stageName(stored.policy, change.stageId);
  const current = await openCaseOf(tx, schoolId, change.pupilId);
  if (current) {
    await tx
      .updateTable("attendance_cases")
      .set({
        stage_id: change.stageId,
        stage_started_on: change.today,
        stage_evidence_end: change.evidenceEnd ?? null,
        baseline_attended: baseline.numerator,
        baseline_possible: baseline.denominator,
        next_review_on: null,
        last_review_on: change.today,
        last_review_band: band,
      })
      .where("school_id", "=", schoolId)
      .where("id", "=", current.id)
      .execute();
    await addCaseEvent(tx, schoolId, current.id, {
      on: change.today,
      by: change.by,
      kind: "stage_started",
      summary: `Moved to ${name}${change.reason ? `: ${change.reason}` : ""}`,
      detail: { stage: change.stageId, reason: change.reason ?? null },
    });
    return (await openCaseOf(tx, schoolId, change.pupilId)) as CaseRecord;
  }
  const previous = await tx
    .selectFrom("attendance_cases")
    .select("id")
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", change.pupilId)
    .where("status", "=", "closed")
    .orderBy("closed_on", "desc")
    .executeTakeFirst();
  const created = await tx
    .insertInto("attendance_cases")
    .values({
      school_id: schoolId,
      pupil_id: change.pupilId,
      status: "open",
      stage_id: change.stageId,
      stage_started_on: change.today,
      stage_evidence_end: change.evidenceEnd ?? null,
      baseline_attended: baseline.numerator,
      baseline_possible: baseline.denominator,
      opened_on: change.today,
      opened_by: change.by,
      last_review_on: change.today,
      last_review_band: band,
      policy_version: stored.version,
      owner_user_id: change.ownerUserId ?? null,
      reopened_from: previous?.id ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const summary =
    (previous
      ? `Case reopened at ${name} (earlier case ${previous.id} had closed)`
      : `Case opened at ${name}`) + (change.reason ? `: ${change.reason}` : "");
  await addCaseEvent(tx, schoolId, created.id, {
    on: change.today,
    by: change.by,
    kind: "case_opened",
    summary,
    detail: { stage: change.stageId, reopenedFrom: previous?.id ?? null },
  });
  return (await openCaseOf(tx, schoolId, change.pupilId)) as CaseRecord;
}

/** Closes a pupil's open case with its outcome (improved, left school, referred...). */
export async function closeCase(
  tx: Kysely<DB>,
  schoolId: number,
  stored: StoredPolicy,
  caseRecord: CaseRecord,
  outcome: string,
  today: IsoDate,
  by: string,
): Promise<void> {
  const attendance = await attendanceToDate(tx, schoolId, caseRecord.pupilId, today);
  await tx
    .updateTable("attendance_cases")
    .set({
      status: "closed",
      closed_on: today,
      outcome,
      last_review_on: today,
      last_review_band: bandOf(stored.policy.bands, attendance)?.id ?? null,
    })
    .where("school_id", "=", schoolId)
    .where("id", "=", caseRecord.id)
    .execute();
  await addCaseEvent(tx, schoolId, caseRecord.id, {
    on: today,
    by,
    kind: "case_closed",
    summary: `Case closed: ${outcome}`,
  });
}
