import type { FastifyBaseLogger } from "fastify";
import { type Config, publicAddress } from "../../config.ts";
import { RollbookError } from "../../domain/errors.ts";
import {
  NoProviderTransport,
  NotifySmsTransport,
  type SmtpAuth,
  SmtpTransport,
  type Transport,
  type Transports,
  TwilioSmsTransport,
  WebhookSmsTransport,
} from "./transports.ts";

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

/** Password in SMTP_URL, or OAuth2 when SMTP_OAUTH2_USER is set (a token given, or client credentials). */
export function smtpAuthFrom(config: Config): SmtpAuth {
  const user = config.SMTP_OAUTH2_USER;
  if (!user) return { type: "url" };
  if (config.SMTP_OAUTH2_ACCESS_TOKEN)
    return { type: "oauth2", user, accessToken: config.SMTP_OAUTH2_ACCESS_TOKEN };
  const { SMTP_OAUTH2_CLIENT_ID: clientId, SMTP_OAUTH2_CLIENT_SECRET: clientSecret } = config;
  const tokenUrl = config.SMTP_OAUTH2_TOKEN_URL;
  if (!clientId || !clientSecret || !tokenUrl)
    throw new RollbookError(
      "invalid_input",
      "SMTP_OAUTH2_USER needs SMTP_OAUTH2_ACCESS_TOKEN, or SMTP_OAUTH2_CLIENT_ID, SMTP_OAUTH2_CLIENT_SECRET and SMTP_OAUTH2_TOKEN_URL",
    );
  return {
    type: "oauth2-client-credentials",
    user,
    clientId,
    clientSecret,
    tokenUrl,
    scope: config.SMTP_OAUTH2_SCOPE,
  };
}

/** Where Twilio reports a school's delivery receipts (its signature covers this exact address). */
export function twilioStatusUrl(publicUrl: string, schoolId: number): string {
  return `${publicUrl}/api/inbound/${schoolId}/twilio/status`;
}

/**
 * Email over SMTP when SMTP_URL is set; SMS by each school's provider. Without a provider a
 * message is logged (masked) and recorded "not sent: no provider".
 */
export function transportsFrom(config: Config, log: FastifyBaseLogger): Transports {
  const unsent = (channel: "email" | "sms") =>
    new NoProviderTransport(channel, (m) =>
      log.info(
        { channel, to: maskedAddress(m.to), key: m.idempotencyKey },
        "message not sent: no provider",
      ),
    );
  const email = config.SMTP_URL
    ? new SmtpTransport(config.SMTP_URL, config.EMAIL_FROM, smtpAuthFrom(config))
    : unsent("email");
  const smsUnsent = unsent("sms");
  const { publicUrl } = publicAddress(config);
  return {
    email,
    sms: (school): Transport => {
      if (school.smsProvider === "webhook" && school.webhookUrl)
        return new WebhookSmsTransport(school.webhookUrl, school.sender, {
          allowedHosts: config.ROLLBOOK_SMS_WEBHOOK_ALLOW,
        });
      if (school.smsProvider === "notify" && school.notifyApiKey && school.notifySmsTemplateId)
        return new NotifySmsTransport(
          school.notifyApiKey,
          school.notifySmsTemplateId,
          config.NOTIFY_BASE_URL,
        );
      if (
        school.smsProvider === "twilio" &&
        school.twilioAccountSid &&
        school.twilioAuthToken &&
        school.twilioFrom
      )
        return new TwilioSmsTransport(
          school.twilioAccountSid,
          school.twilioAuthToken,
          school.twilioFrom,
          twilioStatusUrl(publicUrl, school.schoolId),
          config.TWILIO_BASE_URL,
        );
      return smsUnsent;
    },
  };
}
