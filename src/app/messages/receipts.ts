import type { Kysely } from "kysely";
import type { DB, OutboxDelivery } from "../../db/schema.ts";
import { TWILIO_ADDRESS_ERRORS } from "./transports.ts";

/** Notify's statuses (its callback documentation): only the final ones change a message. */
export function notifyDelivery(status: string): OutboxDelivery | null {
  if (status === "delivered") return "delivered";
  if (status === "permanent-failure") return "permanent_failure";
  if (status === "temporary-failure" || status === "technical-failure") return "failed";
  return null;
}

/** Twilio's MessageStatus: undelivered or failed for good when its error code says the number is unusable. */
export function twilioDelivery(status: string, errorCode: number | null): OutboxDelivery | null {
  if (status === "delivered") return "delivered";
  if (status === "undelivered" || status === "failed")
    return errorCode !== null && TWILIO_ADDRESS_ERRORS.has(errorCode)
      ? "permanent_failure"
      : "failed";
  return null;
}

export interface Receipt {
  providerId: string;
  delivery: OutboxDelivery | null;
  detail: string | null;
}

/**
 * A provider's delivery receipt: the message it names (by the provider's id, within the school)
 * takes the final status. A permanent failure then counts against the address in the contact check.
 * Returns how many messages it changed (0 for a status on the way, or an id Rollbook never sent).
 */
export async function recordReceipt(
  db: Kysely<DB>,
  schoolId: number,
  receipt: Receipt,
  at: Date,
): Promise<number> {
  if (receipt.delivery === null) return 0;
  const result = await db
    .updateTable("outbox")
    .set({
      delivery: receipt.delivery,
      delivery_at: at,
      ...(receipt.delivery === "delivered"
        ? {}
        : {
            last_error: (receipt.detail ?? receipt.delivery.replace("_", " ")).slice(0, 500),
            ...(receipt.delivery === "permanent_failure" ? { failure: "address" as const } : {}),
          }),
    })
    .where("school_id", "=", schoolId)
    .where("provider_id", "=", receipt.providerId)
    .where("status", "=", "sent")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
