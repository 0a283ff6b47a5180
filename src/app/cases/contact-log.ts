import type { Kysely } from "kysely";
import { openCaseOf } from "../../db/repositories/cases.ts";
import type { ContactMethod, DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

export interface ContactEntry {
  pupilId: number;
  happenedAt: Date;
  method: ContactMethod;
  direction: "outgoing" | "incoming";
  /** One of the pupil's contacts, when it was one of them. */
  contactId?: number | null;
  withWhom: string;
  outcome: string;
  notes?: string | null;
}

/**
 * Records a contact or attempted contact with a family. Nothing is ever changed or deleted: a
 * mistake is put right with a correcting entry that points at the one it corrects.
 */
export async function logContact(
  ctx: UseCaseContext,
  entry: ContactEntry & { corrects?: number | null },
): Promise<number> {
  const { db, access } = ctx;
  const now = ctx.clock();
  access.require("follow_up.record");
  if (entry.happenedAt.getTime() > now.getTime() + 60_000)
    throw new RollbookError("invalid_input", "A contact cannot be logged for a time still to come");
  const pupil = await visiblePupil(db, access, entry.pupilId);
  if (entry.contactId) {
    const contact = await db
      .selectFrom("contacts")
      .select("id")
      .where("school_id", "=", access.schoolId)
      .where("pupil_id", "=", pupil.id)
      .where("id", "=", entry.contactId)
      .executeTakeFirst();
    if (!contact)
      throw new RollbookError(
        "invalid_input",
        `Contact ${entry.contactId} is not one of this pupil's contacts`,
      );
  }
  if (entry.corrects) {
    const original = await db
      .selectFrom("contact_log")
      .select(["id", "pupil_id"])
      .where("school_id", "=", access.schoolId)
      .where("id", "=", entry.corrects)
      .executeTakeFirst();
    if (!original || original.pupil_id !== pupil.id)
      throw new RollbookError(
        "invalid_input",
        `Entry ${entry.corrects} is not in this pupil's contact log`,
      );
  }
  const openCase = await openCaseOf(db, access.schoolId, pupil.id);
  const { id } = await inTransaction(ctx, "log contact", (tx) =>
    tx
      .insertInto("contact_log")
      .values({
        school_id: access.schoolId,
        pupil_id: pupil.id,
        case_id: openCase?.id ?? null,
        happened_at: entry.happenedAt,
        method: entry.method,
        direction: entry.direction,
        contact_id: entry.contactId ?? null,
        with_whom: entry.withWhom,
        outcome: entry.outcome,
        notes: entry.notes ?? null,
        corrects: entry.corrects ?? null,
        recorded_by: access.signature(),
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  return id;
}

export interface LoggedContact {
  id: number;
  happenedAt: Date;
  method: ContactMethod;
  direction: "outgoing" | "incoming";
  withWhom: string;
  outcome: string;
  notes: string | null;
  recordedBy: string;
  recordedAt: Date;
  corrects: number | null;
  /** The id of the entry that corrects this one, if any. */
  correctedBy: number | null;
}

/** A pupil's contact log, oldest first, each entry showing whether a later one corrected it. */
export async function contactLogOf(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
): Promise<LoggedContact[]> {
  const rows = await db
    .selectFrom("contact_log")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .orderBy("happened_at")
    .orderBy("id")
    .execute();
  const correctedBy = new Map(
    rows.filter((r) => r.corrects !== null).map((r) => [r.corrects as number, r.id]),
  );
  return rows.map((r) => ({
    id: r.id,
    happenedAt: r.happened_at,
    method: r.method,
    direction: r.direction,
    withWhom: r.with_whom,
    outcome: r.outcome,
    notes: r.notes,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    corrects: r.corrects,
    correctedBy: correctedBy.get(r.id) ?? null,
  }));
}

/** A pupil's contact log, for those who may read what families said (the safeguarding view). */
export async function showContactLog(
  ctx: UseCaseContext,
  pupilId: number,
): Promise<LoggedContact[]> {
  const { db, access } = ctx;
  access.require("pupils.safeguarding");
  const pupil = await visiblePupil(db, access, pupilId);
  return contactLogOf(db, access.schoolId, pupil.id);
}
