import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { UNAUTHORISED_SYMBOLS } from "../../domain/codes.ts";
import { dayLabel, type IsoDate } from "../../domain/dates.ts";
import { registerState } from "../../domain/register-times.ts";
import { emailHtml } from "../messages/email-html.ts";
import { enqueue } from "../messages/outbox.ts";
import { smsNumber } from "../messages/phone.ts";
import { type Moment, registerTimesOf } from "../registers/register.ts";
import { queueSocialWorkerNotices } from "./social-worker-notices.ts";

/**
 * Once a register has closed: a message to the first contact of every pupil absent with no reason
 * (text when there is a mobile number, else email); and, run for today, the social workers' notices
 * of every unauthorised absence whenever recorded (social-worker-notices.ts). Idempotency keys
 * make running it every few minutes safe.
 */
export async function queueFirstDayMessages(
  db: Kysely<DB>,
  schoolId: number,
  date: IsoDate,
  now: Moment,
  instant: Date,
): Promise<{ families: number; socialWorkers: number }> {
  const socialWorkers =
    now.date === date ? await queueSocialWorkerNotices(db, schoolId, now, instant) : 0;
  const times = await registerTimesOf(db, schoolId);
  const closed = (["AM", "PM"] as const).filter(
    (s) => registerState(times, date, s, now) === "closed",
  );
  if (closed.length === 0) return { families: 0, socialWorkers };
  const school = await db
    .selectFrom("schools")
    .select(["name"])
    .where("id", "=", schoolId)
    .executeTakeFirstOrThrow();
  const absences = await db
    .selectFrom("session_marks as m")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .select(["m.pupil_id", "m.session", "m.code", "p.legal_forename", "p.preferred_forename"])
    .where("m.school_id", "=", schoolId)
    .where("m.date", "=", date)
    .where("m.session", "in", closed)
    .where("m.code", "in", UNAUTHORISED_SYMBOLS)
    .execute();
  if (absences.length === 0) return { families: 0, socialWorkers };
  const ids = [...new Set(absences.map((a) => a.pupil_id))];
  const contacts = await db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "in", ids)
    .orderBy("priority")
    .execute();
  let families = 0;
  for (const absence of absences) {
    const name = absence.preferred_forename ?? absence.legal_forename;
    const mine = contacts.filter((c) => c.pupil_id === absence.pupil_id);
    const family = mine.find((c) => c.parental_responsibility && (c.phone || c.email));
    if (absence.code === "N" && family) {
      // A number that can take a text (a mobile, however it was typed); else the email address.
      const sms = Boolean(family.phone && smsNumber(family.phone).ok) || !family.email;
      const body = `${school.name}: ${name} was not in school at registration today (${dayLabel(date)}) and we have no reason for the absence. Please reply with the reason, or call the school office.`;
      const queued = await enqueue(
        db,
        {
          schoolId,
          idempotencyKey: `first-day:${absence.pupil_id}:${date}`,
          channel: sms ? "sms" : "email",
          to: sms ? (family.phone as string) : (family.email as string),
          subject: sms ? null : `${name} is not in school today`,
          body,
          html: sms ? null : emailHtml(school.name, body),
          pupilId: absence.pupil_id,
          contactId: family.id,
          purpose: "first_day_absence",
        },
        instant,
      );
      if (queued) families++;
    }
  }
  return { families, socialWorkers };
}
