import { sql } from "kysely";
import type { SmsProvider } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { twilioStatusUrl } from "./configure.ts";
import { checkSmsWebhookUrl } from "./webhook-address.ts";

/** A secret as the browser may see it: whether it is set, and its last four characters. */
export function maskedSecret(secret: string | null): string | null {
  if (!secret) return null;
  return secret.length <= 8 ? "…" : `…${secret.slice(-4)}`;
}

export interface SmsSettingsView {
  provider: SmsProvider;
  sender: string | null;
  webhookUrl: string | null;
  notify: { apiKey: string | null; templateId: string | null; callbackToken: string | null };
  twilio: { accountSid: string | null; authToken: string | null; from: string | null };
  /** Addresses to give the provider: delivery receipts and replies. */
  callbacks: {
    notifyReceipts: string;
    notifyReplies: string;
    twilioStatus: string;
    twilioReplies: string;
  };
}

/** The school's SMS settings with every secret masked. */
export async function smsSettings(
  ctx: UseCaseContext,
  publicUrl: string,
): Promise<SmsSettingsView> {
  ctx.access.require("school.setup");
  const school = await ctx.db
    .selectFrom("schools")
    .select([
      "sms_provider",
      "sms_sender",
      "sms_webhook_url",
      "notify_api_key",
      "notify_sms_template_id",
      "notify_callback_token",
      "twilio_account_sid",
      "twilio_auth_token",
      "twilio_from",
    ])
    .where("id", "=", ctx.access.schoolId)
    .executeTakeFirstOrThrow();
  const id = ctx.access.schoolId;
  return {
    provider: school.sms_provider,
    sender: school.sms_sender,
    webhookUrl: school.sms_webhook_url,
    notify: {
      apiKey: maskedSecret(school.notify_api_key),
      templateId: school.notify_sms_template_id,
      callbackToken: maskedSecret(school.notify_callback_token),
    },
    twilio: {
      accountSid: school.twilio_account_sid,
      authToken: maskedSecret(school.twilio_auth_token),
      from: school.twilio_from,
    },
    callbacks: {
      notifyReceipts: `${publicUrl}/api/inbound/${id}/notify/status`,
      notifyReplies: `${publicUrl}/api/inbound/${id}/notify/replies`,
      twilioStatus: twilioStatusUrl(publicUrl, id),
      twilioReplies: `${publicUrl}/api/inbound/${id}/twilio/replies`,
    },
  };
}

export interface SmsSettingsChange {
  provider: SmsProvider;
  notify?: { apiKey?: string; templateId?: string; callbackToken?: string } | undefined;
  twilio?: { accountSid?: string; authToken?: string; from?: string } | undefined;
}

/**
 * Chooses the school's SMS provider and its keys. A secret left out keeps the one stored (the
 * browser never has it to send back); choosing a provider needs all of its settings.
 */
export async function setSmsSettings(
  ctx: UseCaseContext,
  change: SmsSettingsChange,
): Promise<void> {
  ctx.access.require("school.setup");
  await inTransaction(ctx, "sms settings changed", async (tx) => {
    const current = await tx
      .selectFrom("schools")
      .select([
        "sms_webhook_url",
        "notify_api_key",
        "notify_sms_template_id",
        "notify_callback_token",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from",
      ])
      .where("id", "=", ctx.access.schoolId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const next = {
      notify_api_key: change.notify?.apiKey ?? current.notify_api_key,
      notify_sms_template_id: change.notify?.templateId ?? current.notify_sms_template_id,
      notify_callback_token: change.notify?.callbackToken ?? current.notify_callback_token,
      twilio_account_sid: change.twilio?.accountSid ?? current.twilio_account_sid,
      twilio_auth_token: change.twilio?.authToken ?? current.twilio_auth_token,
      twilio_from: change.twilio?.from ?? current.twilio_from,
    };
    const missing = (what: string) => {
      throw new RollbookError("invalid_input", `To send texts through ${what}`);
    };
    if (change.provider === "notify" && (!next.notify_api_key || !next.notify_sms_template_id))
      missing(
        "GOV.UK Notify, give its API key and the id of a text message template whose whole text is ((message))",
      );
    if (
      change.provider === "twilio" &&
      (!next.twilio_account_sid || !next.twilio_auth_token || !next.twilio_from)
    )
      missing(
        "Twilio, give the account SID, its auth token and the number or sender id to send from",
      );
    if (change.provider === "webhook" && !current.sms_webhook_url)
      missing("a webhook, set the webhook address first");
    await tx
      .updateTable("schools")
      .set({ sms_provider: change.provider, ...next })
      .where("id", "=", ctx.access.schoolId)
      .execute();
  });
}

export interface OutboxSummary {
  notSent: number;
  failed: number;
  /** Sent, then reported undelivered by the provider. */
  undelivered: number;
  waiting: number;
}

/** What the office should see at a glance: messages that did not reach a family. */
export async function outboxSummary(ctx: UseCaseContext): Promise<OutboxSummary> {
  ctx.access.require("office.view");
  const row = await ctx.db
    .selectFrom("outbox")
    .select([
      sql<number>`count(*) filter (where status = 'not_sent')::int`.as("notSent"),
      sql<number>`count(*) filter (where status = 'failed')::int`.as("failed"),
      sql<number>`count(*) filter (where status = 'sent' and delivery in ('failed', 'permanent_failure'))::int`.as(
        "undelivered",
      ),
      sql<number>`count(*) filter (where status in ('queued', 'retry', 'sending'))::int`.as(
        "waiting",
      ),
    ])
    .where("school_id", "=", ctx.access.schoolId)
    .executeTakeFirstOrThrow();
  return row;
}

export interface SenderSettingsChange {
  emailFrom?: string | null | undefined;
  emailReplyTo?: string | null | undefined;
  /** The local authority's inbox for deletion returns (children missing education). */
  laNotificationsEmail?: string | null | undefined;
  smsSender?: string | null | undefined;
  smsProvider?: "log" | "webhook" | undefined;
  smsWebhookUrl?: string | null | undefined;
  inboundToken?: string | null | undefined;
  signatory?: string | undefined;
  logoPngBase64?: string | null | undefined;
}

/**
 * The school's sender settings: email from and reply-to, SMS sender and provider, the inbound
 * token, the letters' signatory and letterhead logo (a PNG). Only the settings given change; a
 * webhook address must be one the server may call (`webhookAllow`).
 */
export async function changeSenderSettings(
  ctx: UseCaseContext,
  change: SenderSettingsChange,
  webhookAllow: readonly string[],
): Promise<{ updated: true }> {
  const { access } = ctx;
  access.require("school.setup");
  const b = change;
  const logo = b.logoPngBase64
    ? Buffer.from(b.logoPngBase64, "base64")
    : b.logoPngBase64 === null
      ? null
      : undefined;
  if (logo && logo.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a")
    throw new RollbookError("invalid_input", "The logo must be a PNG image");
  if (b.smsWebhookUrl) await checkSmsWebhookUrl(b.smsWebhookUrl, webhookAllow);
  await inTransaction(ctx, "change sender settings", (tx) =>
    tx
      .updateTable("schools")
      .set({
        ...(b.emailFrom !== undefined ? { email_from: b.emailFrom } : {}),
        ...(b.emailReplyTo !== undefined ? { email_reply_to: b.emailReplyTo } : {}),
        ...(b.laNotificationsEmail !== undefined
          ? { la_notifications_email: b.laNotificationsEmail }
          : {}),
        ...(b.smsSender !== undefined ? { sms_sender: b.smsSender } : {}),
        ...(b.smsProvider !== undefined ? { sms_provider: b.smsProvider } : {}),
        ...(b.smsWebhookUrl !== undefined ? { sms_webhook_url: b.smsWebhookUrl } : {}),
        ...(b.inboundToken !== undefined ? { inbound_token: b.inboundToken } : {}),
        ...(b.signatory !== undefined ? { letter_signatory: b.signatory } : {}),
        ...(logo !== undefined ? { logo_png: logo } : {}),
      })
      .where("id", "=", access.schoolId)
      .execute(),
  );
  return { updated: true };
}
