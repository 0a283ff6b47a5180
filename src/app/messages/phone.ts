import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneCheck = { ok: true; e164: string } | { ok: false; why: string };

/**
 * A number as the school holds it ("07700 900123", "+44 (0)7700 900123", "0044 7700...") in
 * E.164 (+447700900123), read as a UK number unless it starts with + or 00. Refused, saying why,
 * when it cannot take a text: too short or long, not a real number, or a landline.
 */
export function smsNumber(raw: string): PhoneCheck {
  let cleaned = raw.trim().replace(/\(0\)/g, "").replace(/^00/, "+");
  // 447700900123: a UK number with its country code but no +.
  if (/^44\d{10}$/.test(cleaned.replace(/[\s-]/g, ""))) cleaned = `+${cleaned}`;
  if (!/\d/.test(cleaned)) return { ok: false, why: `"${raw}" is not a phone number` };
  const parsed = parsePhoneNumberFromString(cleaned, "GB");
  // Every UK mobile is 07 and nine digits (Ofcom's 07700 900xxx drama range included, which
  // number metadata calls invalid but schools' test records use).
  if (parsed?.countryCallingCode === "44" && /^7\d{9}$/.test(parsed.nationalNumber))
    return { ok: true, e164: parsed.number };
  if (!parsed?.isValid())
    return { ok: false, why: `"${raw}" is not a valid phone number (check the digits)` };
  const type = parsed.getType();
  if (type === "FIXED_LINE" || type === "TOLL_FREE" || type === "PREMIUM_RATE" || type === "VOIP")
    return { ok: false, why: `"${raw}" is a landline or service number and cannot take texts` };
  return { ok: true, e164: parsed.number };
}
