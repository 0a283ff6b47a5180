import { createRequire } from "node:module";
import type Axios from "axios";
import type * as Nodemailer from "nodemailer";
import type { SendMailOptions, Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type * as Notify from "notifications-node-client";
import type { NotifyClient } from "notifications-node-client";
import type twilio from "twilio";
import type { SmsProvider } from "../../db/schema.ts";
import { type GuardedPostOptions, guardedPostJson, RefusedAddress } from "./guarded-post.ts";

// The email and SMS clients cost about 1.5 s of CPU to load together: loaded when a transport is
// made, not at start-up.
const require = createRequire(import.meta.url);
const axios = () => require("axios") as typeof Axios;
const nodemailer = () => require("nodemailer") as typeof Nodemailer;
const notify = () => require("notifications-node-client") as typeof Notify;
const twilioSdk = () => require("twilio") as typeof twilio;

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMessage {
  /** Stable per message: sent as Message-ID / Idempotency-Key / reference so a resend after a crash is recognised downstream. */
  idempotencyKey: string;
  to: string;
  subject: string | null;
  /** Plain text: the whole message for a text, the alternative to `html` for an email. */
  body: string;
  html?: string | null;
  attachments?: readonly Attachment[];
  from: string | null;
  replyTo: string | null;
}

export interface Transport {
  /** Sends one message; returns the provider's id for it, or throws (a SendFailure says whose fault and whether to retry). */
  send(message: OutgoingMessage): Promise<string>;
}

/** A school's SMS settings as the outbox reads them. */
export interface SmsSettings {
  schoolId: number;
  smsProvider: SmsProvider;
  webhookUrl: string | null;
  sender: string | null;
  notifyApiKey?: string | null;
  notifySmsTemplateId?: string | null;
  twilioAccountSid?: string | null;
  twilioAuthToken?: string | null;
  twilioFrom?: string | null;
}

export interface Transports {
  email: Transport;
  sms: (school: SmsSettings) => Transport;
}

/**
 * A message that did not go. `blames` "address" counts against the contact in the contact check
 * (the number or mailbox does not exist); "provider" does not (an outage, a wrong API key).
 * `retry` false gives up at once: sending the same thing again would be refused the same way.
 */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly blames: "address" | "provider",
    readonly retry: boolean,
    /** How long the provider asked us to wait (its Retry-After), in seconds; null when it did not say. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** Retry-After in seconds, or as an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterSeconds(header: unknown, now = Date.now()): number | null {
  if (typeof header !== "string" || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** No provider is configured: the message is recorded "not sent: no provider", never "sent". */
export class NoProvider extends Error {
  constructor(readonly channel: "email" | "sms") {
    super("not sent: no provider");
  }
}

/** Stands where a school (or the deployment, for email) has no provider; logs and refuses. */
export class NoProviderTransport implements Transport {
  constructor(
    private readonly channel: "email" | "sms",
    private readonly log: (message: OutgoingMessage) => void = () => {},
  ) {}

  async send(message: OutgoingMessage): Promise<string> {
    this.log(message);
    throw new NoProvider(this.channel);
  }
}

/** SMTP sign-in: a password, or OAuth2 (XOAUTH2) with a token given or fetched from the identity provider. */
export type SmtpAuth =
  | { type: "url" }
  | { type: "oauth2"; user: string; accessToken: string }
  | {
      type: "oauth2-client-credentials";
      user: string;
      clientId: string;
      clientSecret: string;
      tokenUrl: string;
      scope: string;
    };

/**
 * Client credentials (Microsoft 365's app-only SMTP): a token from the tenant's token address,
 * fetched when nodemailer asks for one (first use, and again when the server refuses it).
 */
function clientCredentialsToken(
  auth: Extract<SmtpAuth, { type: "oauth2-client-credentials" }>,
): (user: string, renew: boolean, callback: (error: Error | null, token?: string) => void) => void {
  return (_user, _renew, callback) => {
    fetch(auth.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        scope: auth.scope,
      }),
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        const answer = (await response.json().catch(() => ({}))) as {
          access_token?: string;
          error_description?: string;
        };
        if (!response.ok || !answer.access_token)
          throw new Error(
            `The identity provider refused the SMTP client credentials (${response.status}${answer.error_description ? `: ${answer.error_description}` : ""})`,
          );
        callback(null, answer.access_token);
      })
      .catch((error: Error) => callback(error));
  };
}

/** Email over SMTP (nodemailer): HTML with its plain-text alternative, attachments, password or OAuth2 sign-in. */
export class SmtpTransport implements Transport {
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly defaultFrom: string,
    auth: SmtpAuth = { type: "url" },
  ) {
    if (auth.type === "url") this.transporter = nodemailer().createTransport(url);
    else {
      const parsed = new URL(url);
      const options: SMTPTransport.Options = {
        host: parsed.hostname,
        port: Number(parsed.port || (parsed.protocol === "smtps:" ? 465 : 587)),
        secure: parsed.protocol === "smtps:",
        auth:
          auth.type === "oauth2"
            ? { type: "OAuth2", user: auth.user, accessToken: auth.accessToken }
            : { type: "OAuth2", user: auth.user },
        ...(parsed.searchParams.get("ignoreTLS") === "true" ? { ignoreTLS: true } : {}),
      };
      this.transporter = nodemailer().createTransport(options);
      if (auth.type === "oauth2-client-credentials")
        this.transporter.set("oauth2_provision_cb", clientCredentialsToken(auth));
    }
  }

  async send(message: OutgoingMessage): Promise<string> {
    const messageId = `<${message.idempotencyKey.replace(/[^\w.-]/g, "-")}@rollbook.invalid>`;
    const mail: SendMailOptions = {
      from: message.from ?? this.defaultFrom,
      to: message.to,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: message.subject ?? "",
      text: message.body,
      ...(message.html ? { html: message.html } : {}),
      ...(message.attachments?.length
        ? {
            attachments: message.attachments.map((a) => ({
              filename: a.filename,
              content: a.content,
              contentType: a.contentType,
            })),
          }
        : {}),
      messageId,
      headers: { "X-Rollbook-Idempotency-Key": message.idempotencyKey },
    };
    try {
      const info = await this.transporter.sendMail(mail);
      return info.messageId ?? messageId;
    } catch (error) {
      throw smtpFailure(error as Error & { code?: string; responseCode?: number });
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/** 5xx to the recipient or the message: the mailbox is refused, for good. 4xx and lost connections: retry. */
function smtpFailure(error: Error & { code?: string; responseCode?: number }): SendFailure {
  const code = error.responseCode ?? 0;
  if (error.code === "EAUTH")
    return new SendFailure(
      `The mail server refused Rollbook's sign-in: ${error.message}`,
      "provider",
      true,
    );
  if (code >= 500 && (error.code === "EENVELOPE" || error.code === "EMESSAGE"))
    return new SendFailure(
      `The mail server refused the address: ${error.message}`,
      "address",
      false,
    );
  return new SendFailure(`Email not sent: ${error.message}`, "provider", true);
}

/** Keeps messages in memory: for tests (a transport that always succeeds). */
export class LogTransport implements Transport {
  readonly sent: OutgoingMessage[] = [];

  constructor(private readonly log: (message: OutgoingMessage) => void = () => {}) {}

  async send(message: OutgoingMessage): Promise<string> {
    this.sent.push(message);
    this.log(message);
    return `log-${this.sent.length}`;
  }
}

/** SMS through an HTTP webhook: POST {to, from, body} as JSON with an Idempotency-Key header. */
export class WebhookSmsTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly sender: string | null,
    private readonly guard: GuardedPostOptions = { allowedHosts: [] },
  ) {}

  async send(message: OutgoingMessage): Promise<string> {
    const response = await guardedPostJson(
      this.url,
      { to: message.to, from: this.sender, body: message.body },
      { "idempotency-key": message.idempotencyKey },
      { timeoutMs: DEFAULT_TIMEOUT_MS, ...this.guard },
    ).catch((error: Error) => {
      // An address that now points inside the network is the school's setting at fault: no retry.
      if (error instanceof RefusedAddress)
        throw new SendFailure(
          `The SMS webhook was not called: ${error.message}`,
          "provider",
          false,
        );
      throw httpFailure("The SMS webhook", undefined, error.message, false);
    });
    if (response.status < 200 || response.status > 299)
      throw httpFailure(
        "The SMS webhook",
        response.status,
        `SMS provider answered ${response.status}`,
        false,
      );
    let answer: { id?: unknown } = {};
    try {
      answer = JSON.parse(response.text) as { id?: unknown };
    } catch {
      // An answer that is not JSON still means sent; the message keeps its own key as the id.
    }
    return typeof answer.id === "string" ? answer.id : `webhook-${message.idempotencyKey}`;
  }
}

/** 429 and 5xx, and no answer at all, are worth retrying; other refusals are not. */
function httpFailure(
  provider: string,
  status: number | undefined,
  detail: string,
  addressAtFault: boolean,
  retryAfter: number | null = null,
): SendFailure {
  if (status === undefined)
    return new SendFailure(`${provider} did not answer: ${detail}`, "provider", true);
  if (status === 429 || status >= 500)
    return new SendFailure(
      `${provider} answered ${status}: ${detail}`,
      "provider",
      true,
      retryAfter,
    );
  return new SendFailure(
    `${provider} refused the message (${status}): ${detail}`,
    addressAtFault ? "address" : "provider",
    false,
  );
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * SMS through GOV.UK Notify (its official client). Notify sends only from templates: the school's
 * template is one whose whole text is ((message)). Our idempotency key goes as the reference.
 */
export class NotifySmsTransport implements Transport {
  private readonly client: NotifyClient;

  constructor(
    apiKey: string,
    private readonly templateId: string,
    baseUrl?: string,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.client = baseUrl
      ? new (notify().NotifyClient)(baseUrl, apiKey)
      : new (notify().NotifyClient)(apiKey);
    // The client's own axios, with a timeout it does not set (its types name the CommonJS build).
    this.client.setClient(
      axios().create({ timeout: timeoutMs }) as unknown as Parameters<NotifyClient["setClient"]>[0],
    );
  }

  async send(message: OutgoingMessage): Promise<string> {
    try {
      const response = await this.client.sendSms(this.templateId, message.to, {
        personalisation: { message: message.body },
        reference: message.idempotencyKey,
      });
      return (response.data as { id: string }).id;
    } catch (error) {
      if (!axios().isAxiosError(error)) throw error;
      const data = error.response?.data as
        | { errors?: { error?: string; message?: string }[] }
        | undefined;
      const first = data?.errors?.[0];
      const detail = first?.message ?? error.message;
      // Notify names the field at fault: "phone_number Not a UK mobile number" and the like.
      const addressAtFault = first?.error === "ValidationError" && /phone_number/.test(detail);
      throw httpFailure(
        "GOV.UK Notify",
        error.response?.status,
        detail,
        addressAtFault,
        retryAfterSeconds(error.response?.headers?.["retry-after"]),
      );
    }
  }
}

/** Twilio's codes for a number that cannot take texts: invalid, not a mobile, unreachable, opted out. */
export const TWILIO_ADDRESS_ERRORS = new Set([
  21211, 21214, 21408, 21610, 21612, 21614, 30005, 30006,
]);

/**
 * The official client's requests, optionally pointed at another address (a local test server),
 * telling `onRetryAfter` what a refusal's Retry-After asked: its errors do not carry headers.
 */
function twilioRequestClient(
  baseUrl: string | undefined,
  timeoutMs: number,
  onRetryAfter: (seconds: number | null) => void,
): twilio.RequestClient {
  const client = new (twilioSdk().RequestClient)({ timeout: timeoutMs });
  const request = client.request.bind(client);
  client.request = async (opts) => {
    onRetryAfter(null);
    const response = await request({
      ...opts,
      uri: baseUrl
        ? opts.uri.replace(/^https:\/\/api\.twilio\.com/, baseUrl.replace(/\/$/, ""))
        : opts.uri,
    });
    const headers = response.headers as Record<string, unknown> | undefined;
    onRetryAfter(retryAfterSeconds(headers?.["retry-after"]));
    return response;
  };
  return client;
}

/** SMS through Twilio (its official client), with a status callback for delivery receipts. */
export class TwilioSmsTransport implements Transport {
  private readonly client: twilio.Twilio;
  /** The last answer's Retry-After, in seconds. */
  private retryAfter: number | null = null;

  constructor(
    accountSid: string,
    authToken: string,
    private readonly from: string,
    private readonly statusCallback: string | null,
    baseUrl?: string,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.client = twilioSdk()(accountSid, authToken, {
      timeout: timeoutMs,
      httpClient: twilioRequestClient(baseUrl, timeoutMs, (seconds) => {
        this.retryAfter = seconds;
      }),
    });
  }

  async send(message: OutgoingMessage): Promise<string> {
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        from: this.from,
        body: message.body,
        ...(this.statusCallback ? { statusCallback: this.statusCallback } : {}),
      });
      return sent.sid;
    } catch (error) {
      const rest = error as { status?: number; code?: number; message: string };
      if (typeof rest.status !== "number")
        throw httpFailure("Twilio", undefined, rest.message, false);
      throw httpFailure(
        "Twilio",
        rest.status,
        `${rest.message}${rest.code ? ` (error ${rest.code})` : ""}`,
        TWILIO_ADDRESS_ERRORS.has(rest.code ?? 0),
        this.retryAfter,
      );
    }
  }
}
