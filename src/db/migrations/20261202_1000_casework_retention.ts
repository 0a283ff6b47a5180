import { type Kysely, sql } from "kysely";

/**
 * Casework (closed cases with their chronology, meetings, contracts, interventions, letters,
 * contact log and proposals) becomes a kind of record a school can set a retention period for;
 * until it does, casework is kept for ever as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table retention_rules drop constraint retention_rules_kind_check`.execute(db);
  await sql`alter table retention_rules add constraint retention_rules_kind_check
    check (kind in ('registers', 'access_log', 'messages', 'absence_reports', 'leave_requests',
                    'casework'))`.execute(db);
}
