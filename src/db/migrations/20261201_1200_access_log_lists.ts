import { type Kysely, sql } from "kysely";

/**
 * A read that shows a list of named pupils (a trust's conversation list, a register, a batch of
 * letters) is one access-log row per school naming every pupil shown, rather than one row per
 * pupil: the log grows with requests, not with pupils × requests, and a subject access request
 * still finds each pupil through the array index.
 */
const statements = [
  "alter table access_log add column pupil_ids integer[]",
  "create index access_log_by_listed_pupil on access_log using gin (pupil_ids)",
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
