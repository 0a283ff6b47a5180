import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { addDays, dayLabel, type IsoDate, londonInstant } from "../../domain/dates.ts";
import { Random } from "./random.ts";

const BOUNCE =
  "550 5.1.1 <{to}>: Recipient address rejected: User unknown in virtual mailbox table";

/**
 * What a real office meets in a term: a few parents' emails that bounce and a few numbers that
 * turn out to be wrong, so the contact check has more to show than families with one contact.
 * Drawn from its own generator, so the rest of the demo is the same with or without it.
 */
export async function recordDemoContactProblems(
  db: Kysely<DB>,
  school: { id: number; name: string },
  options: { seed: number; today: IsoDate; officer: string },
): Promise<{ bounced: number; wrongNumbers: number }> {
  const random = new Random(options.seed ^ 0x0c0ffee);
  const schoolId = school.id;
  // Second contacts of pupils on roll: the families who had two, and will now have one that works.
  const seconds = await db
    .selectFrom("contacts as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .select(["c.id", "c.pupil_id", "c.name", "c.email", "c.phone"])
    .where("c.school_id", "=", schoolId)
    .where("c.priority", "=", 2)
    .where("p.leaving_date", "is", null)
    .orderBy("c.id")
    .execute();
  // About one family in twenty, and never fewer than two so even a small demo shows both kinds.
  const pool = [...seconds];
  const chosen: typeof seconds = [];
  for (let n = Math.min(pool.length, Math.max(2, Math.round(seconds.length * 0.05))); n > 0; n--)
    chosen.push(...pool.splice(random.int(0, pool.length - 1), 1));
  let bounced = 0;
  let wrongNumbers = 0;
  for (const [i, contact] of chosen.entries()) {
    const on = addDays(options.today, -random.int(3, 30));
    if (i % 2 === 1 && contact.email) {
      const at = londonInstant(on, "10:15");
      await db
        .insertInto("outbox")
        .values({
          school_id: schoolId,
          idempotency_key: `demo-bounce:${contact.id}`,
          channel: "email",
          to_address: contact.email,
          subject: `Attendance information from ${school.name}`,
          body: `Dear ${contact.name}, please find attached this half term's attendance letter (sent ${dayLabel(on)}).`,
          pupil_id: contact.pupil_id,
          contact_id: contact.id,
          purpose: "letter",
          status: "failed",
          attempts: 5,
          last_error: BOUNCE.replace("{to}", contact.email),
          created_at: at,
          next_attempt_at: at,
        })
        .execute();
      bounced++;
    } else if (contact.phone) {
      await db
        .insertInto("contact_log")
        .values({
          school_id: schoolId,
          pupil_id: contact.pupil_id,
          happened_at: londonInstant(on, "09:20"),
          method: "phone",
          direction: "outgoing",
          contact_id: contact.id,
          with_whom: contact.name,
          outcome: "Wrong number: not recognised by the person who answered",
          notes: "Called about attendance. Ask the family for a new number.",
          recorded_by: options.officer,
        })
        .execute();
      wrongNumbers++;
    }
  }
  return { bounced, wrongNumbers };
}
