import type { Kysely } from "kysely";
import { addCaseEvent, openCaseOf } from "../../db/repositories/cases.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { letterName } from "../../domain/letters/templates.ts";
import type { Action } from "../../domain/policy/types.ts";
import { closeCase, startStage } from "../cases/case-stages.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { momentOf } from "../registers/register.ts";

export interface Decision {
  proposalId: number;
  status: "accepted" | "dismissed";
  caseId: number | null;
  /** The pupil's other proposals this acceptance settled: superseded, so dismissed with that reason. */
  superseded: number[];
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
  ctx: UseCaseContext,
  decision: { proposalId: number; reason: string },
): Promise<Decision> {
  const { access } = ctx;
  const id = decision.proposalId;
  const reason = decision.reason.trim();
  access.require("proposals.decide");
  if (!reason) throw new RollbookError("invalid_input", "Say why the proposal is dismissed");
  const proposal = await pendingProposal(ctx.db, access.schoolId, id);
  access.audit.subject(proposal.pupil_id);
  await inTransaction(ctx, "dismiss proposal", async (tx) => {
    const dismissed = await tx
      .updateTable("proposed_actions")
      .set({
        status: "dismissed",
        decided_by: access.signature(),
        decided_at: ctx.clock(),
        decision_reason: reason,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", id)
      .where("status", "=", "proposed")
      .executeTakeFirst();
    // Someone else decided it between the check and this change.
    if (Number(dismissed.numUpdatedRows) === 0) await pendingProposal(tx, access.schoolId, id);
  });
  return { proposalId: id, status: "dismissed", caseId: null, superseded: [] };
}

/**
 * Accepts a proposal and carries out its stage actions: opening the pupil's case (with their
 * attendance as the baseline) or moving it to the next stage, or closing it. Letters, meetings
 * and referrals are recorded on the case for the people who do them.
 */
export async function acceptProposal(
  ctx: UseCaseContext,
  decision: { proposalId: number },
): Promise<Decision> {
  const { db, access } = ctx;
  const id = decision.proposalId;
  const at = ctx.clock();
  const today: IsoDate = momentOf(at).date;
  access.require("proposals.decide");
  const proposal = await pendingProposal(db, access.schoolId, id);
  access.audit.subject(proposal.pupil_id);
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored) throw new RollbookError("not_found", "This school has no attendance policy");
  // Stage changes first, so the letters and meetings that go with them are recorded on the case.
  const actions = [...(proposal.actions as Action[])].sort(
    (a, b) => Number(b.type === "start_stage") - Number(a.type === "start_stage"),
  );
  const by = access.signature();
  return inTransaction(ctx, "accept proposal", async (tx) => {
    let current = await openCaseOf(tx, access.schoolId, proposal.pupil_id);
    for (const action of actions) {
      if (action.type === "start_stage") {
        current = await startStage(tx, access.schoolId, stored, {
          pupilId: proposal.pupil_id,
          stageId: action.stage,
          today,
          by,
          evidenceEnd: proposal.evidence_end,
        });
      } else if (action.type === "close_stage" && current) {
        await closeCase(tx, access.schoolId, stored, current, action.outcome, today, by);
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
    const accepted = await tx
      .updateTable("proposed_actions")
      .set({ status: "accepted", decided_by: by, decided_at: at, case_id: current?.id ?? null })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", id)
      .where("status", "=", "proposed")
      .executeTakeFirst();
    // Decided by someone else meanwhile: their decision stands and this one's stage moves roll back.
    if (Number(accepted.numUpdatedRows) === 0) await pendingProposal(tx, access.schoolId, id);
    // The pupil's overlapping proposals this one settles: the same trigger again, or a stage the
    // case has now reached or passed.
    const others = await tx
      .selectFrom("proposed_actions")
      .select(["id", "trigger_id", "trigger_name", "actions"])
      .where("school_id", "=", access.schoolId)
      .where("pupil_id", "=", proposal.pupil_id)
      .where("status", "=", "proposed")
      .where("id", "!=", id)
      .execute();
    const order = stored.policy.stages.map((st) => st.id);
    const settled = supersededBy(
      { triggerId: proposal.trigger_id, actions: proposal.actions as Action[] },
      others.map((o) => ({ id: o.id, triggerId: o.trigger_id, actions: o.actions as Action[] })),
      order,
    );
    const superseded = others.filter((o) => settled.includes(o.id));
    if (superseded.length > 0) {
      await tx
        .updateTable("proposed_actions")
        .set({
          status: "dismissed",
          decided_by: by,
          decided_at: at,
          decision_reason: `Superseded by "${proposal.trigger_name}" (proposal ${id}), accepted`,
        })
        .where("school_id", "=", access.schoolId)
        .where(
          "id",
          "in",
          superseded.map((o) => o.id),
        )
        .where("status", "=", "proposed")
        .execute();
      if (current)
        await addCaseEvent(tx, access.schoolId, current.id, {
          on: today,
          by,
          kind: "proposals_superseded",
          summary: `Accepting "${proposal.trigger_name}" settled ${superseded.map((o) => `"${o.trigger_name}"`).join(", ")} (superseded)`,
          detail: { proposalId: id, superseded: superseded.map((o) => o.id) },
        });
    }
    return {
      proposalId: id,
      status: "accepted" as const,
      caseId: current?.id ?? null,
      superseded: superseded.map((o) => o.id),
    };
  });
}

/**
 * Which of a pupil's other pending proposals an accepted one settles: the same trigger proposed
 * again (another window of the same concern), or one whose every stage move is to a stage at or
 * before the furthest the accepted one starts (the case is there already). Proposals that only
 * send letters or hold meetings of their own are left for a decision.
 */
export function supersededBy(
  accepted: { triggerId: string; actions: Action[] },
  others: { id: number; triggerId: string; actions: Action[] }[],
  stageOrder: string[],
): number[] {
  const rank = (actions: Action[]) =>
    actions.flatMap((a) => (a.type === "start_stage" ? [stageOrder.indexOf(a.stage)] : []));
  const reached = Math.max(-1, ...rank(accepted.actions));
  return others
    .filter((o) => {
      if (o.triggerId === accepted.triggerId) return true;
      const moves = rank(o.actions);
      return reached >= 0 && moves.length > 0 && moves.every((r) => r >= 0 && r <= reached);
    })
    .map((o) => o.id);
}

export function describeAction(action: Action): string {
  switch (action.type) {
    case "letter":
      return `Send ${letterName(action.letter)}`;
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
