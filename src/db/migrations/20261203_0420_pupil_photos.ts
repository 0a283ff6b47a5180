import { type Kysely, sql } from "kysely";

/** A photo for each pupil, shown on registers beside their name; a new upload replaces it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pupil_photos (
      school_id integer not null,
      pupil_id integer not null,
      content_type text not null check (content_type in ('image/jpeg', 'image/png')),
      image bytea not null,
      uploaded_by text not null,
      uploaded_at timestamptz not null,
      primary key (school_id, pupil_id),
      foreign key (school_id, pupil_id) references pupils(school_id, id)
    )`.execute(db);
}
