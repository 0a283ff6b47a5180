import { type CaseRecord, openCaseOf } from "../../db/repositories/cases.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import { londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { caseToWork } from "./case-access.ts";
import { closeCase, startStage } from "./case-stages.ts";

/**
 * Opens a case by hand at a stage of the policy (or moves the pupil's open case there); a pupil
 * whose case closed gets a new one linked to it.
 */
export async function openCase(
  ctx: UseCaseContext,
  open: { pupilId: number; stageId: string; ownerUserId?: number | null },
): Promise<CaseRecord> {
  const { db, access } = ctx;
  access.require("cases.manage");
  await visiblePupil(db, access, open.pupilId);
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored) throw new RollbookError("not_found", "This school has no attendance policy");
  return inTransaction(ctx, "open case", (tx) =>
    startStage(tx, access.schoolId, stored, {
      pupilId: open.pupilId,
      stageId: open.stageId,
      today: londonToday(ctx.clock()),
      by: access.signature(),
      ownerUserId: open.ownerUserId ?? null,
    }),
  );
}

/** Gives a case to a member of the school's staff (a parent's account cannot own one). */
export async function giveCase(
  ctx: UseCaseContext,
  give: { caseId: number; userId: number },
): Promise<{ caseId: number; owner: string }> {
  const { db, access } = ctx;
  const { caseRecord } = await caseToWork(db, access, give.caseId);
  const staff = await db
    .selectFrom("role_grants")
    .innerJoin("users", "users.id", "role_grants.user_id")
    .select(["users.id", "users.name"])
    .where("role_grants.school_id", "=", access.schoolId)
    .where("users.id", "=", give.userId)
    .where("role_grants.role", "!=", "parent")
    .executeTakeFirst();
  if (!staff)
    throw new RollbookError("invalid_input", `User ${give.userId} is not on this school's staff`);
  await inTransaction(ctx, "give case", (tx) =>
    tx
      .updateTable("attendance_cases")
      .set({ owner_user_id: staff.id })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", caseRecord.id)
      .execute(),
  );
  return { caseId: caseRecord.id, owner: staff.name };
}

/** Moves an open case into another of the policy's stages (leaving the one it is in), with why. */
export async function moveCaseStage(
  ctx: UseCaseContext,
  move: { caseId: number; stageId: string; reason?: string | null },
): Promise<{ caseId: number; stageId: string }> {
  const { db, access } = ctx;
  const { caseRecord, stored } = await caseToWork(db, access, move.caseId);
  if (move.stageId === caseRecord.stageId)
    throw new RollbookError("conflict", `Case ${caseRecord.id} is already at this stage`);
  const moved = await inTransaction(ctx, "move case", (tx) =>
    startStage(tx, access.schoolId, stored, {
      pupilId: caseRecord.pupilId,
      stageId: move.stageId,
      today: londonToday(ctx.clock()),
      by: access.signature(),
      reason: move.reason ?? null,
    }),
  );
  return { caseId: moved.id, stageId: moved.stageId };
}

/** Closes an open case with its outcome: improved, left the school, referred... */
export async function closeCaseWithOutcome(
  ctx: UseCaseContext,
  close: { caseId: number; outcome: string },
): Promise<{ closed: number }> {
  const { db, access } = ctx;
  const { caseRecord, stored } = await caseToWork(db, access, close.caseId);
  await inTransaction(ctx, "close case", (tx) =>
    closeCase(
      tx,
      access.schoolId,
      stored,
      caseRecord,
      close.outcome,
      londonToday(ctx.clock()),
      access.signature(),
    ),
  );
  return { closed: caseRecord.id };
}

/**
 * Reopens a closed case: a new case at the stage chosen, linked to the closed one (whose
 * chronology stays as it was), with the reason in the new one's first entry.
 */
export async function reopenCase(
  ctx: UseCaseContext,
  reopen: { caseId: number; stageId: string; reason: string },
): Promise<{ caseId: number; reopenedFrom: number }> {
  const { db, access } = ctx;
  const { caseRecord, stored } = await caseToWork(db, access, reopen.caseId, {
    mustBeOpen: false,
  });
  if (caseRecord.status === "open")
    throw new RollbookError(
      "conflict",
      `Case ${caseRecord.id} is open: there is nothing to reopen`,
    );
  const open = await openCaseOf(db, access.schoolId, caseRecord.pupilId);
  if (open)
    throw new RollbookError(
      "conflict",
      `This pupil already has an open case (${open.id}): work that one`,
    );
  const opened = await inTransaction(ctx, "reopen case", (tx) =>
    startStage(tx, access.schoolId, stored, {
      pupilId: caseRecord.pupilId,
      stageId: reopen.stageId,
      today: londonToday(ctx.clock()),
      by: access.signature(),
      reason: reopen.reason,
    }),
  );
  return { caseId: opened.id, reopenedFrom: caseRecord.id };
}
