import { z } from "zod";

const secret = z.string().trim().min(8).max(500);

export const smsSettingsBody = z.object({
  provider: z.enum(["log", "webhook", "notify", "twilio"]),
  notify: z
    .object({
      apiKey: z
        .string()
        .trim()
        .regex(
          /-[0-9a-f-]{36}-[0-9a-f-]{36}$/,
          "must be a GOV.UK Notify API key (its name, the service id and the secret)",
        )
        .optional(),
      templateId: z.uuid("must be the template's id, as Notify shows it").optional(),
      callbackToken: secret.optional(),
    })
    .optional(),
  twilio: z
    .object({
      accountSid: z
        .string()
        .trim()
        .regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC and 32 characters)")
        .optional(),
      authToken: secret.optional(),
      from: z
        .string()
        .trim()
        .regex(
          /^(\+[1-9]\d{7,14}|[A-Za-z0-9 ]{1,11}|MG[0-9a-fA-F]{32})$/,
          "must be a number in +44 form, a sender id of up to 11 letters and digits, or a messaging service SID",
        )
        .optional(),
    })
    .optional(),
});

const masked = z.string().nullable();
export const smsSettingsResponse = z.object({
  provider: z.enum(["log", "webhook", "notify", "twilio"]),
  sender: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  notify: z.object({ apiKey: masked, templateId: z.string().nullable(), callbackToken: masked }),
  twilio: z.object({
    accountSid: z.string().nullable(),
    authToken: masked,
    from: z.string().nullable(),
  }),
  callbacks: z.object({
    notifyReceipts: z.string(),
    notifyReplies: z.string(),
    twilioStatus: z.string(),
    twilioReplies: z.string(),
  }),
});
export type SmsSettingsResponse = z.infer<typeof smsSettingsResponse>;
export type SmsSettingsBody = z.infer<typeof smsSettingsBody>;

const outboxStatus = z.enum(["queued", "sending", "retry", "sent", "failed", "not_sent"]);
export const outboxQuery = z.object({ status: outboxStatus.optional() });
const outboxMessage = z.object({
  id: z.number(),
  channel: z.enum(["email", "sms"]),
  to_address: z.string(),
  subject: z.string().nullable(),
  purpose: z.string(),
  status: outboxStatus,
  attempts: z.number(),
  last_error: z.string().nullable(),
  /** Whose failure it was: the address's counts against the contact; the provider's does not. */
  failure: z.enum(["address", "provider"]).nullable(),
  delivery: z.enum(["delivered", "failed", "permanent_failure"]).nullable(),
  created_at: z.date(),
  sent_at: z.date().nullable(),
  pupil_id: z.number().nullable(),
});
export const outboxList = z.object({ messages: z.array(outboxMessage) });
/** What the web app receives (dates as JSON sends them). */
export type OutboxMessageView = Omit<z.infer<typeof outboxMessage>, "created_at" | "sent_at"> & {
  created_at: string;
  sent_at: string | null;
};

export const outboxSummaryResponse = z.object({
  notSent: z.number().int(),
  failed: z.number().int(),
  undelivered: z.number().int(),
  waiting: z.number().int(),
});
export type OutboxSummaryResponse = z.infer<typeof outboxSummaryResponse>;

/** Notify's delivery receipt (its callback documentation): the fields Rollbook reads. */
export const notifyReceiptBody = z.looseObject({
  id: z.string().min(1).max(100),
  reference: z.string().max(200).nullable().optional(),
  status: z.string().min(1).max(50),
  notification_type: z.string().max(20).optional(),
});

/** Notify's received text message callback. */
export const notifyReceivedTextBody = z.looseObject({
  id: z.string().min(1).max(100),
  source_number: z.string().min(3).max(30),
  destination_number: z.string().max(30).optional(),
  message: z.string().min(1).max(2000),
  date_received: z.string().max(50).optional(),
});

/** Twilio's status callback parameters (form-encoded). */
export const twilioStatusBody = z.looseObject({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(30),
  ErrorCode: z.coerce.number().int().optional(),
});

/** Twilio's incoming message parameters (form-encoded). */
export const twilioInboundBody = z.looseObject({
  From: z.string().min(3).max(30),
  Body: z.string().min(1).max(2000),
  MessageSid: z.string().max(64).optional(),
});

export const receivedResponse = z.object({ updated: z.number().int() });

export const emailLetterBody = z.object({
  /** One of the pupil's contacts' addresses; the letter's own contact (or the first with email) by default. */
  to: z.email("must be an email address").optional(),
});
export const emailLetterResponse = z.object({ queued: z.boolean(), to: z.string() });
export type EmailLetterResponse = z.infer<typeof emailLetterResponse>;

export const sendAgainBody = z.object({
  messageIds: z.array(z.coerce.number().int().positive().max(2_147_483_647)).min(1).max(500),
});
export const sendAgainResponse = z.object({ queued: z.number().int() });
