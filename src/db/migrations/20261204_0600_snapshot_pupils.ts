import { type Kysely, sql } from "kysely";

/**
 * The pupils a trust or LA may discuss with a school, one row each instead of one JSON array a
 * school: the conversation list counts them in SQL and sends one page of one school's pupils, so
 * it no longer reads and sends every flagged pupil of every school (7 MB for 300 schools).
 * Derived data, rewritten with the school's snapshot; a pupil removed goes with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table snapshot_pupils (
      school_id integer not null,
      academic_year integer not null,
      pupil_id integer not null,
      upn text not null,
      name text not null,
      registration_group text,
      year_group text,
      possible integer not null check (possible > 0),
      absence integer not null,
      unauthorised integer not null,
      persistently_absent boolean not null,
      severely_absent boolean not null,
      primary key (school_id, academic_year, pupil_id),
      foreign key (school_id, academic_year) references school_snapshots(school_id, academic_year)
        on delete cascade,
      foreign key (school_id, pupil_id) references pupils(school_id, id) on delete cascade
    )`.execute(db);
  await sql`alter table school_snapshots drop column flagged_pupils`.execute(db);
}
