import { type Kysely, sql, type Updateable } from "kysely";
import type { DB, OutboxTable } from "../../db/schema.ts";
import { smsNumber } from "./phone.ts";
import { type Attachment, NoProvider, SendFailure, type Transports } from "./transports.ts";

export interface NewMessage {
  schoolId: number;
  idempotencyKey: string;
  channel: "email" | "sms";
  to: string;
  subject?: string | null;
  body: string;
  /** An email's HTML; `body` is its plain-text alternative. */
  html?: string | null;
  /** A letter issued, attached to the email as its PDF. */
  letterId?: number | null;
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
      html: message.html ?? null,
      letter_id: message.letterId ?? null,
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

/** A provider may ask for at most this long a wait (Retry-After); past it the backoff stands. */
const LONGEST_RETRY_AFTER_MS = 6 * 60 * 60_000;

/** The backoff, or longer when the provider's Retry-After asked for longer: it is honoured. */
export function retryDelayMs(attempts: number, failure: SendFailure | null): number {
  const backoff = backoffMinutes(attempts) * 60_000;
  const asked = (failure?.retryAfterSeconds ?? 0) * 1000;
  return Math.max(backoff, Math.min(asked, LONGEST_RETRY_AFTER_MS));
}

/** 1, 2, 4, 8, 16 minutes between attempts. */
export function backoffMinutes(attempts: number): number {
  return 2 ** Math.max(0, attempts - 1);
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  /** No provider configured: recorded "not sent: no provider" for the office to see. */
  notSent: number;
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
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, notSent: 0 };
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
  html: string | null;
  letter_id: number | null;
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
    returning school_id, id, idempotency_key, channel, to_address, subject, body, html, letter_id, attempts`.execute(
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
    .select([
      "id",
      "email_from",
      "email_reply_to",
      "sms_provider",
      "sms_webhook_url",
      "sms_sender",
      "notify_api_key",
      "notify_sms_template_id",
      "twilio_account_sid",
      "twilio_auth_token",
      "twilio_from",
    ])
    .where("id", "=", schoolId)
    .executeTakeFirst();
  const record = (id: number, change: Parameters<typeof updateMessage>[2]) =>
    updateMessage(db, schoolId, change, id);
  for (const message of rows) {
    try {
      let to = message.to_address;
      if (message.channel === "sms") {
        const number = smsNumber(to);
        if (!number.ok) throw new SendFailure(`Not sent: ${number.why}`, "address", false);
        to = number.e164;
      }
      const transport =
        message.channel === "email"
          ? transports.email
          : transports.sms({
              schoolId,
              smsProvider: school?.sms_provider ?? "log",
              webhookUrl: school?.sms_webhook_url ?? null,
              sender: school?.sms_sender ?? null,
              notifyApiKey: school?.notify_api_key ?? null,
              notifySmsTemplateId: school?.notify_sms_template_id ?? null,
              twilioAccountSid: school?.twilio_account_sid ?? null,
              twilioAuthToken: school?.twilio_auth_token ?? null,
              twilioFrom: school?.twilio_from ?? null,
            });
      const attachments = message.letter_id ? await letterPdf(db, schoolId, message.letter_id) : [];
      const providerId = await transport.send({
        idempotencyKey: `${message.school_id}-${message.idempotency_key}`,
        to,
        subject: message.subject,
        body: message.body,
        html: message.html,
        attachments,
        from: school?.email_from ?? null,
        replyTo: school?.email_reply_to ?? null,
      });
      await record(message.id, {
        status: "sent",
        sent_at: now,
        provider_id: providerId,
        claimed_until: null,
        last_error: null,
        failure: null,
      });
      report.sent++;
    } catch (error) {
      if (error instanceof NoProvider) {
        // Not a failure of the address, and not sent: it waits for the office, not for a retry.
        await record(message.id, {
          status: "not_sent",
          last_error: error.message,
          claimed_until: null,
          failure: null,
        });
        report.notSent++;
        continue;
      }
      const failure = error instanceof SendFailure ? error : null;
      const giveUp = message.attempts >= MAX_ATTEMPTS || failure?.retry === false;
      await record(message.id, {
        status: giveUp ? "failed" : "retry",
        last_error: (error as Error).message.slice(0, 500),
        claimed_until: null,
        failure: failure?.blames ?? null,
        next_attempt_at: new Date(now.getTime() + retryDelayMs(message.attempts, failure)),
      });
      if (giveUp) report.failed++;
      else report.retried++;
    }
  }
}

async function updateMessage(
  db: Kysely<DB>,
  schoolId: number,
  change: Updateable<OutboxTable>,
  id: number,
): Promise<void> {
  await db
    .updateTable("outbox")
    .set(change)
    .where("school_id", "=", schoolId)
    .where("id", "=", id)
    .execute();
}

/** The letter as issued: its PDF, named for the file a parent saves. */
async function letterPdf(
  db: Kysely<DB>,
  schoolId: number,
  letterId: number,
): Promise<Attachment[]> {
  const letter = await db
    .selectFrom("letters")
    .select(["id", "letter_id", "issued_on", "pdf"])
    .where("school_id", "=", schoolId)
    .where("id", "=", letterId)
    .executeTakeFirstOrThrow();
  // Enclosures (the registration certificate, the contract) are pages of the letter's PDF, and
  // attached on their own too, for a family to print or sign just that.
  const enclosures = await db
    .selectFrom("letter_enclosures")
    .select(["title", "pdf"])
    .where("school_id", "=", schoolId)
    .where("letter_record_id", "=", letterId)
    .orderBy("position")
    .execute();
  return [
    {
      filename: `${letter.letter_id}-${letter.issued_on}.pdf`.replace(/[^\w.-]/g, "-"),
      content: Buffer.from(letter.pdf),
      contentType: "application/pdf",
    },
    ...enclosures.map((e) => ({
      filename: `${e.title}.pdf`.replace(/[^\w.-]+/g, "-"),
      content: Buffer.from(e.pdf),
      contentType: "application/pdf",
    })),
  ];
}
