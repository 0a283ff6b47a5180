import type { Kysely } from "kysely";
import type { CaseRecord } from "../../db/repositories/cases.ts";
import { currentPolicy, type StoredPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { SchoolAccess } from "../access/access.ts";

/** A case the caller may work on, with the school's policy: every casework action starts here. */
export async function caseToWork(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  { mustBeOpen = true } = {},
): Promise<{ caseRecord: CaseRecord; stored: StoredPolicy }> {
  access.require("cases.manage");
  const row = await db
    .selectFrom("attendance_cases")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", caseId)
    .executeTakeFirst();
  if (!row) throw new RollbookError("not_found", `No case ${caseId} in this school`);
  // The case's pupil is the subject of whatever is done to the case, whatever a body names.
  access.audit.subject(row.pupil_id);
  if (mustBeOpen && row.status !== "open")
    throw new RollbookError(
      "conflict",
      `Case ${caseId} is closed (${row.outcome}); reopen it first`,
    );
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored) throw new RollbookError("not_found", "This school has no attendance policy");
  return {
    stored,
    caseRecord: {
      id: row.id,
      pupilId: row.pupil_id,
      status: row.status,
      stageId: row.stage_id,
      stageStartedOn: row.stage_started_on,
      stageEvidenceEnd: row.stage_evidence_end,
      baseline: { numerator: row.baseline_attended, denominator: row.baseline_possible },
      openedOn: row.opened_on,
      nextReviewOn: row.next_review_on,
      lastReviewOn: row.last_review_on,
      lastReviewBand: row.last_review_band,
      closedOn: row.closed_on,
      outcome: row.outcome,
    },
  };
}
