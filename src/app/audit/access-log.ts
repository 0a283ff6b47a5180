import { type Kysely, sql } from "kysely";
import type { AccessAction, DB } from "../../db/schema.ts";

export interface AccessEntry {
  schoolId: number;
  at: Date;
  userId: number | null;
  actor: string;
  action: AccessAction;
  pupilId: number | null;
  /** Every pupil of this school a list showed (oversight lists, registers, letter batches). */
  pupilIds?: number[] | null;
  what: string;
  status: number;
}

/** Appends one entry; the table refuses changes and deletions outside a retention purge. */
export async function logAccess(db: Kysely<DB>, entry: AccessEntry): Promise<void> {
  await db
    .insertInto("access_log")
    .values({
      school_id: entry.schoolId,
      at: entry.at,
      user_id: entry.userId,
      actor: entry.actor,
      action: entry.action,
      pupil_id: entry.pupilId,
      pupil_ids: entry.pupilIds && entry.pupilIds.length > 0 ? entry.pupilIds : null,
      what: entry.what,
      status: entry.status,
    })
    .execute();
}

/**
 * Who has looked at or changed a pupil's record, newest first: rows about the pupil, and rows of
 * lists that showed them (`@>` so the GIN index on pupil_ids answers it).
 */
export async function accessToPupil(db: Kysely<DB>, schoolId: number, pupilId: number) {
  return db
    .selectFrom("access_log")
    .select(["at", "actor", "action", "what", "status"])
    .where("school_id", "=", schoolId)
    .where((eb) =>
      eb.or([
        eb("pupil_id", "=", pupilId),
        sql<boolean>`pupil_ids @> array[${pupilId}]::integer[]`,
      ]),
    )
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .execute();
}
