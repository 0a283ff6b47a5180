import type { Kysely } from "kysely";
import type { DB } from "../schema.ts";

export interface CaseRecord {
  id: number;
  pupilId: number;
  status: "open" | "closed";
  stageId: string;
  stageStartedOn: string;
  /** The last day of the marks that began the stage (null when started by hand). */
  stageEvidenceEnd: string | null;
  baseline: { numerator: number; denominator: number };
  openedOn: string;
  nextReviewOn: string | null;
  lastReviewOn: string | null;
  lastReviewBand: string | null;
  closedOn: string | null;
  outcome: string | null;
}

function toCase(r: {
  id: number;
  pupil_id: number;
  status: "open" | "closed";
  stage_id: string;
  stage_started_on: string;
  stage_evidence_end: string | null;
  baseline_attended: number;
  baseline_possible: number;
  opened_on: string;
  next_review_on: string | null;
  last_review_on: string | null;
  last_review_band: string | null;
  closed_on: string | null;
  outcome: string | null;
}): CaseRecord {
  return {
    id: r.id,
    pupilId: r.pupil_id,
    status: r.status,
    stageId: r.stage_id,
    stageStartedOn: r.stage_started_on,
    stageEvidenceEnd: r.stage_evidence_end,
    baseline: { numerator: r.baseline_attended, denominator: r.baseline_possible },
    openedOn: r.opened_on,
    nextReviewOn: r.next_review_on,
    lastReviewOn: r.last_review_on,
    lastReviewBand: r.last_review_band,
    closedOn: r.closed_on,
    outcome: r.outcome,
  };
}

/** Each pupil's open case, and the most recently closed one of pupils with none open. */
export async function casesForEvaluation(
  db: Kysely<DB>,
  schoolId: number,
): Promise<{ open: Map<number, CaseRecord>; lastClosed: Map<number, CaseRecord> }> {
  const rows = await db
    .selectFrom("attendance_cases")
    .selectAll()
    .where("school_id", "=", schoolId)
    .orderBy("closed_on", "asc")
    .execute();
  const open = new Map<number, CaseRecord>();
  const lastClosed = new Map<number, CaseRecord>();
  for (const row of rows) {
    const record = toCase(row);
    if (record.status === "open") open.set(record.pupilId, record);
    else lastClosed.set(record.pupilId, record);
  }
  return { open, lastClosed };
}

export async function openCaseOf(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
): Promise<CaseRecord | undefined> {
  const row = await db
    .selectFrom("attendance_cases")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .where("status", "=", "open")
    .executeTakeFirst();
  return row && toCase(row);
}

export async function casesOfPupil(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom("attendance_cases")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .orderBy("opened_on", "desc")
    .execute();
  return rows.map(toCase);
}

export async function addCaseEvent(
  db: Kysely<DB>,
  schoolId: number,
  caseId: number,
  event: { on: string; by: string; kind: string; summary: string; detail?: unknown },
): Promise<void> {
  await db
    .insertInto("case_events")
    .values({
      school_id: schoolId,
      case_id: caseId,
      happened_on: event.on,
      recorded_by: event.by,
      kind: event.kind,
      summary: event.summary,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

export async function caseEvents(db: Kysely<DB>, schoolId: number, caseId: number) {
  return db
    .selectFrom("case_events")
    .select(["id", "happened_on", "recorded_at", "recorded_by", "kind", "summary", "detail"])
    .where("school_id", "=", schoolId)
    .where("case_id", "=", caseId)
    .orderBy("happened_on")
    .orderBy("id")
    .execute();
}

export async function caseMeetings(db: Kysely<DB>, schoolId: number, caseId: number) {
  return db
    .selectFrom("meetings")
    .select([
      "id",
      "kind",
      "invitation",
      "invited_on",
      "scheduled_for",
      "format",
      "status",
      "outcome",
      "location",
      "attendees",
      "attended",
      "agreed",
      "notes",
      "rescheduled_from",
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom("letters as l")
              .select("l.id")
              .whereRef("l.school_id", "=", "meetings.school_id")
              .whereRef("l.meeting_id", "=", "meetings.id"),
          )
          .as("letter_sent"),
    ])
    .where("school_id", "=", schoolId)
    .where("case_id", "=", caseId)
    .orderBy("scheduled_for")
    .orderBy("id")
    .execute();
}

/** The case's contracts and plans, each with its reviews in order. */
export async function caseContracts(db: Kysely<DB>, schoolId: number, caseId: number) {
  const contracts = await db
    .selectFrom("contracts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("case_id", "=", caseId)
    .orderBy("id")
    .execute();
  const reviews =
    contracts.length === 0
      ? []
      : await db
          .selectFrom("contract_reviews")
          .selectAll()
          .where("school_id", "=", schoolId)
          .where(
            "contract_id",
            "in",
            contracts.map((c) => c.id),
          )
          .orderBy("reviewed_on")
          .orderBy("id")
          .execute();
  return contracts.map((c) => ({
    ...c,
    target_percent: Number(c.target_percent),
    reviews: reviews.filter((r) => r.contract_id === c.id),
  }));
}
