import { type Kysely, sql } from "kysely";

/**
 * Photos synced from the MIS: the SHA-256 of the MIS's last photo of the pupil, so a sync stores
 * a photo only when the MIS's image changed (and never sends the same 2 MB into the database every
 * ten minutes). Null for a photo only ever uploaded by the office.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pupil_photos add column mis_sha256 text`.execute(db);
}
