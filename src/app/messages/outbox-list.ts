import type { OutboxStatus } from "../../db/schema.ts";
import type { UseCaseContext } from "../context.ts";

/** The latest messages for the office, newest first: what went, what failed and why. */
export async function listOutbox(
  ctx: UseCaseContext,
  filter: { status?: OutboxStatus | undefined },
) {
  const { db, access } = ctx;
  access.require("office.view");
  let query = db
    .selectFrom("outbox")
    .select([
      "id",
      "channel",
      "to_address",
      "subject",
      "purpose",
      "status",
      "attempts",
      "last_error",
      "failure",
      "delivery",
      "created_at",
      "sent_at",
      "pupil_id",
    ])
    .where("school_id", "=", access.schoolId);
  if (filter.status) query = query.where("status", "=", filter.status);
  const messages = await query.orderBy("id", "desc").limit(500).execute();
  access.audit.listed(
    access.schoolId,
    messages.flatMap((m) => (m.pupil_id === null ? [] : [m.pupil_id])),
  );
  return messages;
}
