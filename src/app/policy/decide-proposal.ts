import type { Kysely } from "kysely";
import { addCaseEvent, openCaseOf } from "../../db/repositories/cases.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { bandOf } from "../../domain/policy/bands.ts";
import type { Action, Policy } from "../../domain/policy/types.ts";
import type { SchoolAccess } from "../access/access.ts";
import { pupilReport } from "../attendance-statistics.ts";

export interface Decision {
  proposalId: number;
  status: "accepted" | "dismissed";
  caseId: number | null;
}

async function pendingProposal(db: Kysely<DB>, schoolId: number, id: number) {
  const proposal = await db
    .selectFrom("proposed_actions")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!proposal) throw new RollbookError("not_found", `No proposed action ${id} in this school`);
  if (proposal.status !== "proposed") {
    throw new RollbookError(
      "conflict",
      `Proposed action ${id} was already ${proposal.status} by ${proposal.decided_by}`,
    );
  }
  return proposal;
}

/** Dismisses a proposal with the reason, which stays on record; it is not proposed again. */
export async function dismissProposal(
  db: Kysely<DB>,
  access: SchoolAccess,
  id: number,
  reason: string,
  at: Date,
): Promise<Decision> {
  access.require("marks.amend");
  if (!reason.trim()) throw new RollbookError("invalid_input", "Say why the proposal is dismissed");
  await pendingProposal(db, access.schoolId, id);
  await db
    .updateTable("proposed_actions")
    .set({
      status: "dismissed",
      decided_by: access.signature(),
      decided_at: at,
      decision_reason: reason.trim(),
    })
    .where("school_id", "=", access.schoolId)
    .where("id", "=", id)
    .where("status", "=", "proposed")
    .execute();
  return { proposalId: id, status: "dismissed", caseId: null };
}

/**
 * Accepts a proposal and carries out its stage actions: opening the pupil's case (with their
 * attendance as the baseline) or moving it to the next stage, or closing it. Letters, meetings
 * and referrals are recorded on the case for the people who do them.
 */
export async function acceptProposal(
  db: Kysely<DB>,
  access: SchoolAccess,
  id: number,
  today: IsoDate,
  at: Date,
): Promise<Decision> {
  access.require("marks.amend");
  const proposal = await pendingProposal(db, access.schoolId, id);
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored) throw new RollbookError("not_found", "This school has no attendance policy");
  // Stage changes first, so the letters and meetings that go with them are recorded on the case.
  const actions = [...(proposal.actions as Action[])].sort(
    (a, b) => Number(b.type === "start_stage") - Number(a.type === "start_stage"),
  );
  const year = academicYearBounds(academicYearOf(today));
  const { statistics } = await pupilReport(db, access.schoolId, proposal.pupil_id, {
    from: year.from,
    to: today,
  });
  const by = access.signature();
  return db.transaction().execute(async (tx) => {
    let current = await openCaseOf(tx, access.schoolId, proposal.pupil_id);
    for (const action of actions) {
      if (action.type === "start_stage") {
        const band = bandOf(stored.policy.bands, statistics.attendanceRate)?.id ?? null;
        const stageName = stageLabel(stored.policy, action.stage);
        if (current) {
          await tx
            .updateTable("attendance_cases")
            .set({
              stage_id: action.stage,
              stage_started_on: today,
              baseline_attended: statistics.attendance,
              baseline_possible: statistics.possible,
              next_review_on: null,
              last_review_on: today,
              last_review_band: band,
            })
            .where("school_id", "=", access.schoolId)
            .where("id", "=", current.id)
            .execute();
          await addCaseEvent(tx, access.schoolId, current.id, {
            on: today,
            by,
            kind: "stage_started",
            summary: `Moved to ${stageName}`,
            detail: { stage: action.stage, proposalId: id },
          });
        } else {
          const created = await tx
            .insertInto("attendance_cases")
            .values({
              school_id: access.schoolId,
              pupil_id: proposal.pupil_id,
              status: "open",
              stage_id: action.stage,
              stage_started_on: today,
              baseline_attended: statistics.attendance,
              baseline_possible: statistics.possible,
              opened_on: today,
              opened_by: by,
              last_review_on: today,
              last_review_band: band,
              policy_version: stored.version,
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          await addCaseEvent(tx, access.schoolId, created.id, {
            on: today,
            by,
            kind: "case_opened",
            summary: `Case opened at ${stageName}`,
            detail: { stage: action.stage, proposalId: id },
          });
          current = await openCaseOf(tx, access.schoolId, proposal.pupil_id);
        }
      } else if (action.type === "close_stage" && current) {
        await tx
          .updateTable("attendance_cases")
          .set({
            status: "closed",
            closed_on: today,
            outcome: action.outcome,
            last_review_on: today,
            last_review_band: bandOf(stored.policy.bands, statistics.attendanceRate)?.id ?? null,
          })
          .where("school_id", "=", access.schoolId)
          .where("id", "=", current.id)
          .execute();
        await addCaseEvent(tx, access.schoolId, current.id, {
          on: today,
          by,
          kind: "case_closed",
          summary: `Case closed: ${action.outcome}`,
          detail: { proposalId: id },
        });
      } else if (current) {
        await addCaseEvent(tx, access.schoolId, current.id, {
          on: today,
          by,
          kind: "action_agreed",
          summary: describeAction(action),
          detail: { action, proposalId: id },
        });
      }
    }
    await tx
      .updateTable("proposed_actions")
      .set({ status: "accepted", decided_by: by, decided_at: at, case_id: current?.id ?? null })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", id)
      .execute();
    return { proposalId: id, status: "accepted" as const, caseId: current?.id ?? null };
  });
}

function stageLabel(policy: Policy, stage: string): string {
  return policy.stages.find((s) => s.id === stage)?.name ?? stage;
}

export function describeAction(action: Action): string {
  switch (action.type) {
    case "letter":
      return `Send letter ${action.letter}`;
    case "meeting":
      return `Arrange a ${action.meeting.replaceAll("_", " ")}${action.noticeDays ? ` with at least ${action.noticeDays} days' notice` : ""}`;
    case "start_stage":
      return `Start stage ${action.stage}`;
    case "close_stage":
      return `Close the stage: ${action.outcome}`;
    case "attendance_contract":
      return "Agree an attendance contract or plan";
    case "notice_to_improve":
      return "Issue a notice to improve";
    case "consider_penalty_notice":
      return "Consider a penalty-notice referral to the local authority";
    case "referral":
      return `Refer: ${action.to.replaceAll("_", " ")}`;
    case "notify_social_worker":
      return "Tell the pupil's social worker";
    case "praise":
      return "Recognise the improvement";
  }
}
