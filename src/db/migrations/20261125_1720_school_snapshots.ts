import { type Kysely, sql } from "kysely";

/**
 * Each school's year-to-date figures, refreshed every few minutes by the scheduler, so a trust or
 * local authority overview of hundreds of schools reads one row a school instead of every mark.
 * Derived data: it can always be rebuilt from the registers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table school_snapshots (
      school_id integer not null references schools(id),
      academic_year integer not null,
      through_date date not null,
      computed_at timestamptz not null,
      overall jsonb not null,
      by_year_group jsonb not null,
      flagged_pupils jsonb not null,
      primary key (school_id, academic_year)
    )`.execute(db);
}
