import { type Kysely, sql } from "kysely";

/**
 * Schools whose overview figures are out of date: every new register entry (mark_history is
 * appended to by every path that writes a mark) queues its school and academic year in the same
 * transaction, and the scheduler recounts only queued schools, off the request path. A queued
 * school is shown as stale, with the time since, rather than recounted while someone waits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table snapshot_queue (
      school_id integer not null references schools(id),
      academic_year integer not null,
      marked_since timestamptz not null,
      primary key (school_id, academic_year)
    )`.execute(db);
  await sql`
    create function queue_snapshot_refresh() returns trigger language plpgsql as $$
    begin
      insert into snapshot_queue (school_id, academic_year, marked_since)
      select distinct school_id,
             extract(year from date)::int - case when extract(month from date) < 8 then 1 else 0 end,
             now()
        from new_marks
      on conflict (school_id, academic_year) do nothing;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger mark_history_queues_snapshot after insert on mark_history
      referencing new table as new_marks
      for each statement execute function queue_snapshot_refresh()`.execute(db);
}
