import { type Kysely, sql } from "kysely";

/**
 * The last day of the marks that put a case in its stage (the accepted proposal's evidence), so a
 * window "after the absence that began the stage" means the same whenever Accept was pressed.
 * Null for stages started by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table attendance_cases add column stage_evidence_end date`.execute(db);
}
