import type { Kysely } from "kysely";
import type { DB, Pupil } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { SchoolAccess } from "./access.ts";

/**
 * The pupil, when the caller may see them (a teacher their groups, a parent their children), as
 * the access log's subject. A pupil the caller may not see is answered as one that does not exist.
 */
export async function visiblePupil(
  db: Kysely<DB>,
  access: SchoolAccess,
  pupilId: number,
): Promise<Pupil> {
  const pupil = await db
    .selectFrom("pupils")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", pupilId)
    .executeTakeFirst();
  if (!pupil || !access.canSeePupil(pupil))
    throw new RollbookError("not_found", `No pupil ${pupilId} in this school`);
  access.audit.subject(pupil.id);
  return pupil;
}
