import { timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import type { FastifyRequest } from "fastify";
import type twilio from "twilio";
import { z } from "zod";
import { receiveReply } from "../../app/follow-up/absence-reports.ts";
import { emailLetter } from "../../app/messages/email-letter.ts";
import { listOutbox } from "../../app/messages/outbox-list.ts";
import { notifyDelivery, recordReceipt, twilioDelivery } from "../../app/messages/receipts.ts";
import { sendAgain } from "../../app/messages/send-again.ts";
import { outboxSummary, setSmsSettings, smsSettings } from "../../app/messages/settings.ts";
import { momentOf } from "../../app/registers/register.ts";
import { RollbookError } from "../../domain/errors.ts";
import { failures } from "../error.schema.ts";
import { inboundReceived } from "../follow-up/follow-up.schema.ts";
import { KB } from "../limits.ts";
import { id, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  emailLetterBody,
  emailLetterResponse,
  notifyReceiptBody,
  notifyReceivedTextBody,
  outboxList,
  outboxQuery,
  outboxSummaryResponse,
  receivedResponse,
  sendAgainBody,
  sendAgainResponse,
  smsSettingsBody,
  smsSettingsResponse,
  twilioInboundBody,
  twilioStatusBody,
} from "./messages.schema.ts";

// Loaded with the first Twilio callback, not at start-up (about 0.5 s of CPU).
const twilioSdk = () => createRequire(import.meta.url)("twilio") as typeof twilio;

const FORM = "application/x-www-form-urlencoded";
/** A whole school's first-day texts report back within minutes. */
const RECEIPT_RATE = { max: 600, timeWindow: "1 minute" } as const;
const REPLY_RATE = { max: 120, timeWindow: "1 minute" } as const;

function sameSecret(sent: string, expected: string | null | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The school's SMS provider settings, what did not reach families, and the providers' callbacks:
 * delivery receipts and replies (GOV.UK Notify: the bearer token the school set for its
 * callbacks; Twilio: X-Twilio-Signature, checked with Twilio's library).
 */
export async function messageRoutes(app: RouteApp, options: { publicUrl: string }): Promise<void> {
  const { db } = app.database;
  const ctxFor = async (schoolId: number, request: FastifyRequest) => {
    const access = await request.schoolAccess(schoolId);
    return { db, access, clock: app.clock, audit: access.audit };
  };

  app.get(
    "/schools/:schoolId/messaging/sms",
    {
      schema: {
        tags: ["messages"],
        summary:
          "The school's SMS provider and its settings (secrets masked) and the callback addresses to give it",
        params: schoolParams,
        response: { 200: smsSettingsResponse },
      },
    },
    async (request) =>
      smsSettings(await ctxFor(request.params.schoolId, request), options.publicUrl),
  );

  app.put(
    "/schools/:schoolId/messaging/sms",
    {
      schema: {
        tags: ["messages"],
        summary:
          "Choose the SMS provider (none, webhook, GOV.UK Notify, Twilio); a secret left out is kept",
        params: schoolParams,
        body: smsSettingsBody,
        response: { 200: smsSettingsResponse },
      },
    },
    async (request) => {
      const ctx = await ctxFor(request.params.schoolId, request);
      await setSmsSettings(ctx, request.body);
      return smsSettings(ctx, options.publicUrl);
    },
  );

  app.get(
    "/schools/:schoolId/outbox",
    {
      schema: {
        tags: ["messages"],
        summary: "Messages and their delivery status, newest first (the latest 500)",
        params: schoolParams,
        querystring: outboxQuery,
        response: { 200: outboxList },
      },
    },
    async (request) => ({
      messages: await listOutbox(await ctxFor(request.params.schoolId, request), request.query),
    }),
  );

  app.get(
    "/schools/:schoolId/outbox/summary",
    {
      schema: {
        tags: ["messages"],
        summary:
          "Messages that did not reach a family: not sent (no provider), failed, undelivered",
        params: schoolParams,
        response: { 200: outboxSummaryResponse },
      },
    },
    async (request) => outboxSummary(await ctxFor(request.params.schoolId, request)),
  );

  app.post(
    "/schools/:schoolId/outbox/send-again",
    {
      schema: {
        tags: ["messages"],
        summary:
          "Queue again messages not sent for want of a provider, or failed at the provider (never one sent)",
        params: schoolParams,
        body: sendAgainBody,
        response: { 200: sendAgainResponse },
      },
    },
    async (request) =>
      sendAgain(await ctxFor(request.params.schoolId, request), request.body.messageIds),
  );

  app.post(
    "/schools/:schoolId/letters/:letterRecordId/email",
    {
      schema: {
        tags: ["messages"],
        summary:
          "Email a letter issued, as HTML with a plain-text alternative and the letter attached as its PDF (once per address)",
        params: schoolParams.extend({ letterRecordId: id }),
        body: emailLetterBody,
        response: { 202: emailLetterResponse },
      },
    },
    async (request, reply) => {
      const ctx = await ctxFor(request.params.schoolId, request);
      const queued = await emailLetter(ctx, {
        letterRecordId: request.params.letterRecordId,
        to: request.body.to,
      });
      reply.status(202);
      return queued;
    },
  );

  const schoolOf = async (request: FastifyRequest) => {
    const parsed = id.safeParse((request.params as { schoolId?: string }).schoolId);
    if (!parsed.success) return undefined;
    return db
      .selectFrom("schools")
      .select(["id", "sms_provider", "notify_callback_token", "twilio_auth_token"])
      .where("id", "=", parsed.data)
      .executeTakeFirst();
  };

  /** Notify sends the school's callback token as a bearer token: checked on the request (after the rate limit), before the body is read. */
  const notifyToken = async (request: FastifyRequest) => {
    const school = await schoolOf(request);
    const header = request.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!school || !sameSecret(token, school.notify_callback_token))
      throw new RollbookError("unauthenticated", "Unknown callback token");
  };

  /**
   * Twilio signs the address and the form's parameters, so the signature can only be checked on
   * the parsed form; before a byte is read, the school must use Twilio and the header be there.
   * The form (at most 32 KB) is then checked with Twilio's library before any schema reads it.
   */
  const twilioHeader = async (request: FastifyRequest) => {
    const school = await schoolOf(request);
    const signature = request.headers["x-twilio-signature"];
    if (!school?.twilio_auth_token || typeof signature !== "string" || signature.length > 100)
      throw new RollbookError("unauthenticated", "Unsigned or unknown Twilio request");
  };
  const twilioSignature = async (request: FastifyRequest) => {
    const school = await schoolOf(request);
    const valid =
      school?.twilio_auth_token &&
      twilioSdk().validateRequest(
        school.twilio_auth_token,
        String(request.headers["x-twilio-signature"]),
        `${options.publicUrl}${request.url}`,
        (request.body ?? {}) as Record<string, string>,
      );
    if (!valid) throw new RollbookError("unauthenticated", "The Twilio signature does not match");
  };

  app.addContentTypeParser(FORM, { parseAs: "string" }, (_request, text, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(text)))),
  );

  const now = () => app.clock();
  const today = () => momentOf(app.clock()).date;

  app.post(
    "/inbound/:schoolId/notify/status",
    {
      config: { public: true, rateLimit: RECEIPT_RATE },
      bodyLimit: 32 * KB,
      onRequest: notifyToken,
      schema: {
        tags: ["messages"],
        summary:
          "GOV.UK Notify's delivery receipt for a text (bearer: the school's callback token)",
        params: schoolParams,
        body: notifyReceiptBody,
        response: { 200: receivedResponse },
      },
    },
    async (request) => ({
      updated: await recordReceipt(
        db,
        request.params.schoolId,
        {
          providerId: request.body.id,
          delivery: notifyDelivery(request.body.status),
          detail: `GOV.UK Notify: ${request.body.status.replace("-", " ")}`,
        },
        now(),
      ),
    }),
  );

  app.post(
    "/inbound/:schoolId/notify/replies",
    {
      config: { public: true, rateLimit: REPLY_RATE },
      bodyLimit: 32 * KB,
      onRequest: notifyToken,
      schema: {
        tags: ["messages"],
        summary: "A parent's text to the school's Notify number: a pending reason for the office",
        params: schoolParams,
        body: notifyReceivedTextBody,
        response: { 202: inboundReceived, ...failures(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const ids = await receiveReply(
        db,
        request.params.schoolId,
        { from: request.body.source_number, text: request.body.message, channel: "sms" },
        today(),
        now(),
      );
      reply.status(202);
      return { reports: ids };
    },
  );

  app.post(
    "/inbound/:schoolId/twilio/status",
    {
      config: { public: true, rateLimit: RECEIPT_RATE, accepts: [FORM] },
      bodyLimit: 32 * KB,
      onRequest: twilioHeader,
      preValidation: twilioSignature,
      schema: {
        tags: ["messages"],
        summary: "Twilio's status callback for a text (X-Twilio-Signature)",
        params: schoolParams,
        body: twilioStatusBody,
        response: { 200: receivedResponse },
      },
    },
    async (request) => ({
      updated: await recordReceipt(
        db,
        request.params.schoolId,
        {
          providerId: request.body.MessageSid,
          delivery: twilioDelivery(request.body.MessageStatus, request.body.ErrorCode ?? null),
          detail: `Twilio: ${request.body.MessageStatus}${request.body.ErrorCode ? ` (error ${request.body.ErrorCode})` : ""}`,
        },
        now(),
      ),
    }),
  );

  app.post(
    "/inbound/:schoolId/twilio/replies",
    {
      config: { public: true, rateLimit: REPLY_RATE, accepts: [FORM] },
      bodyLimit: 32 * KB,
      onRequest: twilioHeader,
      preValidation: twilioSignature,
      schema: {
        tags: ["messages"],
        summary:
          "A parent's text to the school's Twilio number: a pending reason for the office (answers TwiML)",
        params: schoolParams,
        body: twilioInboundBody,
        response: {
          // A string sent as text/xml goes out as it is, not through the JSON serializer.
          200: {
            description: "An empty TwiML answer: Rollbook sends no automatic reply",
            content: { "text/xml": { schema: z.string() } },
          },
          ...failures(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      await receiveReply(
        db,
        request.params.schoolId,
        { from: request.body.From, text: request.body.Body, channel: "sms" },
        today(),
        now(),
      );
      // An empty TwiML answer: Rollbook sends no automatic reply.
      reply.type("text/xml");
      return '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
    },
  );
}
