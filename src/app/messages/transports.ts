import { createTransport, type Transporter } from "nodemailer";

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
  ) {}

  async send(message: OutgoingMessage): Promise<string> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": message.idempotencyKey },
      body: JSON.stringify({ to: message.to, from: this.sender, body: message.body }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`SMS provider answered ${response.status}`);
    const answer = (await response.json().catch(() => ({}))) as { id?: string };
    return answer.id ?? `webhook-${message.idempotencyKey}`;
  }
}
