import { type Kysely, sql } from "kysely";

/**
 * Every register load looks up each pupil's refused leave over the session (G is suggested for
 * it): an index on the refused requests by pupil keeps that lookup off a scan of every request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index leave_requests_refused_by_pupil on leave_requests (school_id, pupil_id, from_date)
    where status = 'refused'`.execute(db);
}
