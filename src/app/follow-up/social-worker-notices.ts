import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import { codeOn, UNAUTHORISED_SYMBOLS } from "../../domain/codes.ts";
import { dayLabel, type IsoDate } from "../../domain/dates.ts";
import { registerState } from "../../domain/register-times.ts";
import { emailHtml } from "../messages/email-html.ts";
import { enqueue } from "../messages/outbox.ts";
import { type Moment, registerTimesOf } from "../registers/register.ts";

/** How far back a mark's recording is looked at: long enough to survive a few days' downtime. */
export const SOCIAL_WORKER_LOOKBACK_DAYS = 14;

/** The outbox key of the notice about one session's mark: one per session and code, so never twice. */
export function socialWorkerKey(
  pupilId: number,
  date: IsoDate,
  session: "AM" | "PM",
  code: string,
): string {
  return `social-worker:${pupilId}:${date}:${session}:${code}`;
}

/**
 * Tells the social worker of every unauthorised absence of a pupil who has one (guidance: "every
 * unauthorised absence"), whenever it was recorded: today's once the register has closed, and any
 * mark recorded or changed since for an earlier day (a G entered afterwards, an N that becomes O).
 * A session already notified whose mark then changes to anything else is notified again with the
 * new reason. Each session and code is told once (the outbox's idempotency key).
 */
export async function queueSocialWorkerNotices(
  db: Kysely<DB>,
  schoolId: number,
  now: Moment,
  instant: Date,
): Promise<number> {
  const times = await registerTimesOf(db, schoolId);
  const closedToday = (["AM", "PM"] as const).filter(
    (s) => registerState(times, now.date, s, now) === "closed",
  );
  const since = new Date(instant.getTime() - SOCIAL_WORKER_LOOKBACK_DAYS * 86_400_000);
  const marks = await db
    .selectFrom("session_marks as m")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "m.school_id").onRef("p.id", "=", "m.pupil_id"),
    )
    .select([
      "m.pupil_id",
      "m.date",
      "m.session",
      "m.code",
      "p.legal_forename",
      "p.preferred_forename",
    ])
    .where("m.school_id", "=", schoolId)
    .where("p.has_social_worker", "=", true)
    .where("m.recorded_at", ">=", since)
    .where("m.date", "<=", now.date)
    .where((eb) =>
      eb.or([
        eb("m.date", "<", now.date),
        eb("m.session", "in", closedToday.length > 0 ? closedToday : ["none" as "AM"]),
      ]),
    )
    .orderBy("m.date")
    .orderBy("m.session")
    .orderBy("m.pupil_id")
    .execute();
  if (marks.length === 0) return 0;
  const ids = [...new Set(marks.map((m) => m.pupil_id))];
  const [school, workers, told] = await Promise.all([
    db.selectFrom("schools").select("name").where("id", "=", schoolId).executeTakeFirstOrThrow(),
    db
      .selectFrom("contacts")
      .select(["id", "pupil_id", "email"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "in", ids)
      .where(sql<boolean>`relationship ~* 'social worker'`)
      .where("email", "is not", null)
      .orderBy("priority")
      .execute(),
    db
      .selectFrom("outbox")
      .select("idempotency_key")
      .where("school_id", "=", schoolId)
      .where("purpose", "=", "social_worker")
      .where("pupil_id", "in", ids)
      .execute(),
  ]);
  const toldSessions = new Set(told.map((t) => t.idempotency_key.split(":").slice(0, 4).join(":")));
  let queued = 0;
  for (const mark of marks) {
    const worker = workers.find((w) => w.pupil_id === mark.pupil_id);
    if (!worker) continue;
    const unauthorised = UNAUTHORISED_SYMBOLS.includes(mark.code);
    const sessionKey = `social-worker:${mark.pupil_id}:${mark.date}:${mark.session}`;
    const toldBefore = toldSessions.has(sessionKey);
    if (!unauthorised && !toldBefore) continue;
    const name = mark.preferred_forename ?? mark.legal_forename;
    const when = `${dayLabel(mark.date)} (${mark.session})`;
    const meaning = describeCode(mark.code, mark.date);
    const body = toldBefore
      ? `${school.name}: the reason for ${name}'s absence on ${when} has changed. It is now recorded as ${meaning}.`
      : `${school.name} is letting you know that ${name} was absent on ${when}, recorded as ${meaning}${mark.date < now.date ? ` (recorded on ${dayLabel(now.date)})` : ""}. We will tell you if the reason changes.`;
    const isNew = await enqueue(
      db,
      {
        schoolId,
        idempotencyKey: socialWorkerKey(mark.pupil_id, mark.date, mark.session, mark.code),
        channel: "email",
        to: worker.email as string,
        subject: `${toldBefore ? "Absence reason changed" : "Absence"}: ${name}, ${when}`,
        body,
        html: emailHtml(school.name, body),
        pupilId: mark.pupil_id,
        contactId: worker.id,
        purpose: "social_worker",
      },
      instant,
    );
    if (isNew) {
      queued++;
      toldSessions.add(sessionKey);
    }
  }
  return queued;
}

function describeCode(symbol: string, date: IsoDate): string {
  if (symbol === "N") return "no reason yet (N)";
  try {
    const code = codeOn(symbol, date);
    return `${code.meaning} (${symbol}, ${code.category === "unauthorised" ? "unauthorised" : code.category === "authorised" ? "authorised" : "not an absence"})`;
  } catch {
    return symbol;
  }
}
