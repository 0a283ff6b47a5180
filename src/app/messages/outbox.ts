import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Transports } from "./transports.ts";

export interface NewMessage {
  schoolId: number;
  idempotencyKey: string;
  channel: "email" | "sms";
  to: string;
  subject?: string | null;
  body: string;
  pupilId?: number | null;
  contactId?: number | null;
  purpose: string;
}

/** Queues a message to go from `now`; the same idempotency key twice queues it once. Returns whether it was new. */
export async function enqueue(db: Kysely<DB>, message: NewMessage, now: Date): Promise<boolean> {
  const inserted = await db
    .insertInto("outbox")
    .values({
      school_id: message.schoolId,
      idempotency_key: message.idempotencyKey,
      channel: message.channel,
      to_address: message.to,
      subject: message.subject ?? null,
      body: message.body,
      pupil_id: message.pupilId ?? null,
      contact_id: message.contactId ?? null,
      purpose: message.purpose,
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.columns(["school_id", "idempotency_key"]).doNothing())
    .returning("id")
    .execute();
  return inserted.length > 0;
}

export const MAX_ATTEMPTS = 6;
const CLAIM_SECONDS = 120;

/** 1, 2, 4, 8, 16 minutes between attempts. */
export function backoffMinutes(attempts: number): number {
  return 2 ** Math.max(0, attempts - 1);
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends what is due. Each message is claimed first (a process that dies holding a claim loses it
 * after two minutes, and the message is sent then); a failure is retried with backoff, then given
 * up after six attempts. Messages carry their idempotency key, so a resend after a crash between
 * sending and recording is recognised by the receiving side.
 */
export async function deliverDue(
  db: Kysely<DB>,
  transports: Transports,
  now: Date,
  batch = 25,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const due = await sql<{ school_id: number }>`
    select distinct school_id from outbox
    where (status in ('queued', 'retry') and next_attempt_at <= ${now})
       or (status = 'sending' and claimed_until < ${now})`.execute(db);
  let left = batch;
  for (const { school_id } of due.rows) {
    if (left <= 0) break;
    const claimed = await claimDue(db, school_id, now, left);
    left -= claimed.length;
    await deliverClaimed(db, transports, now, school_id, claimed, report);
  }
  return report;
}

interface ClaimedMessage {
  school_id: number;
  id: number;
  idempotency_key: string;
  channel: "email" | "sms";
  to_address: string;
  subject: string | null;
  body: string;
  attempts: number;
}

/** Claims one school's due messages: a claim never spans schools, so it stays on one shard. */
async function claimDue(
  db: Kysely<DB>,
  schoolId: number,
  now: Date,
  limit: number,
): Promise<ClaimedMessage[]> {
  const { rows } = await sql<ClaimedMessage>`
    update outbox set status = 'sending', attempts = attempts + 1,
                      claimed_until = ${new Date(now.getTime() + CLAIM_SECONDS * 1000)}
    where school_id = ${schoolId} and id in (
      select id from outbox
      where school_id = ${schoolId}
        and ((status in ('queued', 'retry') and next_attempt_at <= ${now})
          or (status = 'sending' and claimed_until < ${now}))
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked)
    returning school_id, id, idempotency_key, channel, to_address, subject, body, attempts`.execute(
    db,
  );
  return rows;
}

async function deliverClaimed(
  db: Kysely<DB>,
  transports: Transports,
  now: Date,
  schoolId: number,
  rows: ClaimedMessage[],
  report: DeliveryReport,
): Promise<void> {
  if (rows.length === 0) return;
  const school = await db
    .selectFrom("schools")
    .select(["id", "email_from", "email_reply_to", "sms_provider", "sms_webhook_url", "sms_sender"])
    .where("id", "=", schoolId)
    .executeTakeFirst();
  for (const message of rows) {
    try {
      const transport =
        message.channel === "email"
          ? transports.email
          : transports.sms({
              smsProvider: school?.sms_provider ?? "log",
              webhookUrl: school?.sms_webhook_url ?? null,
              sender: school?.sms_sender ?? null,
            });
      const providerId = await transport.send({
        idempotencyKey: `${message.school_id}-${message.idempotency_key}`,
        to: message.to_address,
        subject: message.subject,
        body: message.body,
        from: school?.email_from ?? null,
        replyTo: school?.email_reply_to ?? null,
      });
      await db
        .updateTable("outbox")
        .set({
          status: "sent",
          sent_at: now,
          provider_id: providerId,
          claimed_until: null,
          last_error: null,
        })
        .where("school_id", "=", message.school_id)
        .where("id", "=", message.id)
        .execute();
      report.sent++;
    } catch (error) {
      const giveUp = message.attempts >= MAX_ATTEMPTS;
      await db
        .updateTable("outbox")
        .set({
          status: giveUp ? "failed" : "retry",
          last_error: (error as Error).message.slice(0, 500),
          claimed_until: null,
          next_attempt_at: new Date(now.getTime() + backoffMinutes(message.attempts) * 60_000),
        })
        .where("school_id", "=", message.school_id)
        .where("id", "=", message.id)
        .execute();
      if (giveUp) report.failed++;
      else report.retried++;
    }
  }
}
