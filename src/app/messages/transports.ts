import { createTransport, type Transporter } from "nodemailer";
import { type GuardedPostOptions, guardedPostJson } from "./guarded-post.ts";

export interface OutgoingMessage {
  /** Stable per message: sent as Message-ID / Idempotency-Key so a resend after a crash is recognised downstream. */
  idempotencyKey: string;
  to: string;
  subject: string | null;
  body: string;
  from: string | null;
  replyTo: string | null;
}

export interface Transport {
  /** Sends one message; returns the provider's id for it, or throws. */
  send(message: OutgoingMessage): Promise<string>;
}

export interface Transports {
  email: Transport;
  sms: (school: {
    smsProvider: "log" | "webhook";
    webhookUrl: string | null;
    sender: string | null;
  }) => Transport;
}

/** Email over SMTP (nodemailer). */
export class SmtpTransport implements Transport {
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly defaultFrom: string,
  ) {
    this.transporter = createTransport(url);
  }

  async send(message: OutgoingMessage): Promise<string> {
    const messageId = `<${message.idempotencyKey.replace(/[^\w.-]/g, "-")}@rollbook.invalid>`;
    const info = await this.transporter.sendMail({
      from: message.from ?? this.defaultFrom,
      to: message.to,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: message.subject ?? "",
      text: message.body,
      messageId,
      headers: { "X-Rollbook-Idempotency-Key": message.idempotencyKey },
    });
    return info.messageId ?? messageId;
  }

  close(): void {
    this.transporter.close();
  }
}

/** Keeps messages in memory (and the server log): for a school with no provider yet, and for tests. */
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
      this.guard,
    );
    if (response.status < 200 || response.status > 299)
      throw new Error(`SMS provider answered ${response.status}`);
    let answer: { id?: unknown } = {};
    try {
      answer = JSON.parse(response.text) as { id?: unknown };
    } catch {
      // An answer that is not JSON still means sent; the message keeps its own key as the id.
    }
    return typeof answer.id === "string" ? answer.id : `webhook-${message.idempotencyKey}`;
  }
}
