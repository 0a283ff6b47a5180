import { openCaseOf } from "../../db/repositories/cases.ts";
import { londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { caseToWork } from "./case-access.ts";
import { closeCase, startStage } from "./case-stages.ts";

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
