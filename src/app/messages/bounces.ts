import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { mailboxMessages, readBounce } from "../../domain/follow-up/delivery-status.ts";
import { recordReceipt } from "./receipts.ts";

export interface BouncesRead {
  messages: number;
  /** Bounces that named an email Rollbook sent, now recorded against it. */
  recorded: number;
  /** Bounces for no email Rollbook sent (or one already marked). */
  unmatched: number;
  /** Messages in the mailbox that were not delivery status notifications. */
  other: number;
}

/**
 * Reads the bounces in a mailbox (the server's bounce address delivered to an mbox file): each
 * delivery status notification marks the email it names (by the Message-ID Rollbook gave it) as
 * bounced. A permanent failure (5.x.x) counts against the address in the contact check; a
 * temporary one is recorded as failed. Reading the same mailbox again changes nothing more.
 */
export async function readBounces(db: Kysely<DB>, mbox: string, at: Date): Promise<BouncesRead> {
  const read: BouncesRead = { messages: 0, recorded: 0, unmatched: 0, other: 0 };
  for (const message of mailboxMessages(mbox)) {
    read.messages++;
    const bounce = readBounce(message);
    if (!bounce?.messageId) {
      read.other++;
      continue;
    }
    for (const recipient of bounce.recipients) {
      const sent = await db
        .selectFrom("outbox")
        .select(["school_id", "delivery"])
        .where("provider_id", "=", bounce.messageId)
        .where("channel", "=", "email")
        .where((eb) => eb(eb.fn("lower", ["to_address"]), "=", recipient.address.toLowerCase()))
        .executeTakeFirst();
      if (!sent || sent.delivery === "permanent_failure") {
        read.unmatched++;
        continue;
      }
      const changed = await recordReceipt(
        db,
        sent.school_id,
        {
          providerId: bounce.messageId,
          delivery: recipient.permanent ? "permanent_failure" : "failed",
          detail: `bounced: ${recipient.status}${recipient.diagnostic ? ` ${recipient.diagnostic}` : ""}`,
        },
        at,
      );
      if (changed > 0) read.recorded++;
      else read.unmatched++;
    }
  }
  return read;
}
