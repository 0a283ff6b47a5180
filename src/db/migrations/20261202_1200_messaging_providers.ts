import { type Kysely, sql } from "kysely";

/**
 * Messages that really go: GOV.UK Notify and Twilio as SMS providers (their keys per school), a
 * message with no provider recorded as not sent (never "sent"), why a message failed (the
 * address, or the provider: only the address's failures count against a contact), and what the
 * provider's delivery receipt said; an email's HTML and the letter it carries as a PDF.
 */
const statements = [
  `alter table outbox drop constraint outbox_status_check`,
  `alter table outbox add constraint outbox_status_check
     check (status in ('queued', 'sending', 'retry', 'sent', 'failed', 'not_sent'))`,
  `alter table outbox
     add column failure text check (failure in ('address', 'provider')),
     add column delivery text check (delivery in ('delivered', 'failed', 'permanent_failure')),
     add column delivery_at timestamptz,
     add column html text,
     add column letter_id integer`,
  // A letter emailed goes as its PDF, read from the letter issued (never a copy of it).
  `alter table outbox add foreign key (school_id, letter_id) references letters(school_id, id)`,
  // Receipts name the provider's id for the message.
  `create index outbox_by_provider_id on outbox (school_id, provider_id)`,
  `alter table schools drop constraint schools_sms_provider_check`,
  `alter table schools add constraint schools_sms_provider_check
     check (sms_provider in ('log', 'webhook', 'notify', 'twilio'))`,
  `alter table schools
     add column notify_api_key text,
     add column notify_sms_template_id text,
     add column notify_callback_token text,
     add column twilio_account_sid text,
     add column twilio_auth_token text,
     add column twilio_from text`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
