import type { ContactMethod } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { logContact } from "../cases/contact-log.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { amendMark } from "../registers/amend-mark.ts";
import { momentOf } from "../registers/register.ts";
import { REACHED } from "./call-list.ts";

export interface CallOutcome {
  pupilId: number;
  method: ContactMethod;
  contactId: number | null;
  withWhom: string;
  outcome: string;
  reason: string | null;
  /** With a code, today's N marks are amended to it: the reason the family gave. */
  code: string | null;
}

/**
 * One click on the call list: the call (text, visit) is logged against the contact called and,
 * when the family gave a reason, today's unexplained marks are amended. The call and the
 * amendments are one change: an amendment refused (a mark changed meanwhile) logs no call either,
 * so the office can simply try again.
 */
export async function recordCallOutcome(
  ctx: UseCaseContext,
  call: CallOutcome,
): Promise<{ contactLogId: number; amended: number }> {
  const pupil = await visiblePupil(ctx.db, ctx.access, call.pupilId);
  if (call.code && !REACHED.has(call.outcome))
    throw new RollbookError(
      "invalid_input",
      "A reason can only be recorded when the family was reached",
    );
  const instant = ctx.clock();
  const today = momentOf(instant).date;
  return inTransaction(ctx, "record call outcome", async (tx) => {
    const inCall = { ...ctx, db: tx };
    const contactLogId = await logContact(inCall, {
      pupilId: pupil.id,
      happenedAt: instant,
      method: call.method,
      direction: "outgoing",
      contactId: call.contactId,
      withWhom: call.withWhom,
      outcome: call.outcome,
      notes: call.reason,
    });
    if (!call.code) return { contactLogId, amended: 0 };
    const unexplained = await tx
      .selectFrom("session_marks")
      .select(["session", "version"])
      .where("school_id", "=", ctx.access.schoolId)
      .where("pupil_id", "=", pupil.id)
      .where("date", "=", today)
      .where("code", "=", "N")
      .execute();
    for (const mark of unexplained) {
      await amendMark(inCall, {
        pupilId: pupil.id,
        date: today,
        session: mark.session,
        code: call.code,
        reason: `${call.withWhom} by ${call.method.replace("_", " ")}: ${call.reason ?? "reason given"}`,
        baseVersion: mark.version,
      });
    }
    return { contactLogId, amended: unexplained.length };
  });
}
