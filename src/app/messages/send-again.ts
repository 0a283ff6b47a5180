import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/**
 * Queues again messages that never reached a provider: not sent for want of one (now set up), or
 * given up on for the provider's fault (a wrong key since put right, an outage). A message sent,
 * or refused for its address, is never queued again: the first would reach the family twice,
 * the second would fail the same way.
 */
export async function sendAgain(
  ctx: UseCaseContext,
  messageIds: readonly number[],
): Promise<{ queued: number }> {
  ctx.access.require("follow_up.record");
  return inTransaction(ctx, "messages queued again", async (tx) => {
    const result = await tx
      .updateTable("outbox")
      .set({
        status: "queued",
        attempts: 0,
        next_attempt_at: ctx.clock(),
        last_error: null,
        failure: null,
        claimed_until: null,
      })
      .where("school_id", "=", ctx.access.schoolId)
      .where("id", "in", [...messageIds])
      .where((eb) =>
        eb.or([
          eb("status", "=", "not_sent"),
          eb.and([eb("status", "=", "failed"), eb("failure", "=", "provider")]),
        ]),
      )
      .executeTakeFirst();
    const queued = Number(result.numUpdatedRows);
    if (queued < messageIds.length)
      throw new RollbookError(
        "conflict",
        queued === 0
          ? "None of these messages can be sent again: only those not sent for want of a provider, or failed at the provider, can"
          : `Only ${queued} of ${messageIds.length} messages can be sent again (the others were sent, or their address was refused)`,
      );
    return { queued };
  });
}
