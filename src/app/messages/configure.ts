import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../../config.ts";
import { LogTransport, SmtpTransport, type Transports, WebhookSmsTransport } from "./transports.ts";

/**
 * A parent's phone number or email address as the log shows it: enough to tell messages apart,
 * not enough to contact the family (the outbox keeps the full address, behind access control).
 */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at > 0) return `${address[0]}…${address.slice(at)}`;
  const digits = address.replace(/\D/g, "");
  return digits.length <= 3 ? "…" : `…${digits.slice(-3)}`;
}

/** Email over SMTP when SMTP_URL is set (else logged); SMS by each school's provider (the log one by default). */
export function transportsFrom(config: Config, log: FastifyBaseLogger): Transports {
  const logged = (channel: string) =>
    new LogTransport((m) =>
      log.info(
        { channel, to: maskedAddress(m.to), key: m.idempotencyKey },
        "message not sent (no provider): logged only",
      ),
    );
  const email = config.SMTP_URL
    ? new SmtpTransport(config.SMTP_URL, config.EMAIL_FROM)
    : logged("email");
  const smsLog = logged("sms");
  return {
    email,
    sms: (school) =>
      school.smsProvider === "webhook" && school.webhookUrl
        ? new WebhookSmsTransport(school.webhookUrl, school.sender, {
            allowedHosts: config.ROLLBOOK_SMS_WEBHOOK_ALLOW,
          })
        : smsLog,
  };
}
