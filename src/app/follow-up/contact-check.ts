import type { Kysely } from "kysely";
import { pupilsOnRollWithGroup } from "../../db/repositories/pupils.ts";
import type { DB } from "../../db/schema.ts";
import {
  type CheckedContact,
  type Contact,
  PHONE_METHODS,
  type PupilWithContacts,
  pupilsToCheck,
} from "../../domain/contact-check.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { displayName } from "../registers/register.ts";
import { REACHED } from "./call-list.ts";

export interface PupilContactCheck {
  pupilId: number;
  upn: string;
  name: string;
  registrationGroup: string | null;
  belowMinimum: boolean;
  workingContacts: number;
  contacts: CheckedContact[];
  reasons: string[];
}

export interface ContactCheck {
  minimum: number;
  pupilsOnRoll: number;
  /** How many of the pupils listed have fewer working contacts than the minimum. */
  belowMinimum: number;
  pupils: PupilContactCheck[];
}

interface OnRoll extends PupilWithContacts {
  upn: string;
  name: string;
  registrationGroup: string | null;
}

/**
 * Pupils on roll on `date` with fewer than `minimum` working contacts. Five queries for the whole
 * school whatever its size: pupils, their contacts, what the outbox delivered or gave up on, and
 * the calls and texts logged.
 */
export async function contactCheck(
  db: Kysely<DB>,
  schoolId: number,
  date: IsoDate,
  minimum: number,
): Promise<ContactCheck> {
  const [pupils, contacts, failed, sent, attempts] = await Promise.all([
    pupilsOnRollWithGroup(db, schoolId, { from: date, to: date }),
    // Every contact of the school; those of pupils not on roll are dropped below.
    db
      .selectFrom("contacts")
      .select(["id", "pupil_id", "priority", "name", "relationship", "phone", "email"])
      .where("school_id", "=", schoolId)
      .execute(),
    db
      .selectFrom("outbox")
      .select(["channel", "to_address", "last_error", "created_at"])
      .where("school_id", "=", schoolId)
      // The address's failures only: not an outage or a wrong key at the provider, nor a
      // message never sent for want of a provider; a permanent failure the provider reported
      // after accepting it counts.
      .where((eb) =>
        eb.or([
          eb.and([
            eb("status", "=", "failed"),
            eb.or([eb("failure", "is", null), eb("failure", "=", "address")]),
          ]),
          eb.and([eb("status", "=", "sent"), eb("delivery", "=", "permanent_failure")]),
        ]),
      )
      .execute(),
    // Only the latest delivery to each address matters: it clears any failure before it.
    db
      .selectFrom("outbox")
      .select(["channel", "to_address", (eb) => eb.fn.max("sent_at").as("sent_at")])
      .where("school_id", "=", schoolId)
      .where("status", "=", "sent")
      .where((eb) => eb.or([eb("delivery", "is", null), eb("delivery", "=", "delivered")]))
      .groupBy(["channel", "to_address"])
      .execute(),
    db
      .selectFrom("contact_log")
      .select(["id", "contact_id", "method", "outcome", "happened_at", "corrects"])
      .where("school_id", "=", schoolId)
      .where((eb) =>
        eb.or([
          eb.and([eb("contact_id", "is not", null), eb("method", "in", [...PHONE_METHODS])]),
          eb("corrects", "is not", null),
        ]),
      )
      .execute(),
  ]);
  const byPupil = new Map<number, Contact[]>();
  for (const { pupil_id, ...contact } of contacts) {
    const mine = byPupil.get(pupil_id);
    if (mine) mine.push(contact);
    else byPupil.set(pupil_id, [contact]);
  }
  const onRoll: OnRoll[] = pupils.map((p) => ({
    pupilId: p.id,
    upn: p.upn,
    name: displayName(p),
    forename: p.preferred_forename ?? p.legal_forename,
    surname: p.preferred_surname ?? p.legal_surname,
    registrationGroup: p.group_name,
    contacts: byPupil.get(p.id) ?? [],
  }));
  const checked = pupilsToCheck(
    onRoll,
    {
      messages: [
        ...failed.map((m) => ({
          channel: m.channel,
          toAddress: m.to_address,
          at: m.created_at,
          sent: false,
          lastError: m.last_error,
        })),
        ...sent
          .filter((m) => m.sent_at !== null)
          .map((m) => ({
            channel: m.channel,
            toAddress: m.to_address,
            at: new Date(m.sent_at as Date),
            sent: true,
            lastError: null,
          })),
      ],
      attempts: attempts.map((a) => ({
        id: a.id,
        contactId: a.contact_id,
        method: a.method,
        outcome: a.outcome,
        at: a.happened_at,
        reached: REACHED.has(a.outcome),
        corrects: a.corrects,
      })),
    },
    minimum,
  );
  return {
    minimum,
    pupilsOnRoll: pupils.length,
    belowMinimum: checked.filter((c) => c.belowMinimum).length,
    pupils: checked.map(({ pupil, belowMinimum, workingContacts, contacts, reasons }) => ({
      pupilId: pupil.pupilId,
      upn: pupil.upn,
      name: pupil.name,
      registrationGroup: pupil.registrationGroup,
      belowMinimum,
      workingContacts,
      contacts,
      reasons,
    })),
  };
}
