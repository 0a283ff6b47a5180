import { type Kysely, sql } from "kysely";

/**
 * Casework from the screens (issue 15):
 * - a meeting can be rescheduled at the parent's request (the new one points back at it), and a
 *   held meeting records who came and what was agreed;
 * - a letter names the meeting it invites to, so the worklist's "invitation due" clears when one
 *   is written for that meeting;
 * - a contract or plan is a document drawn up at a held meeting: its targets (a figure by a date),
 *   the parent's and the pupil's commitments, and who agreed it for the family;
 * - the contact log takes a note (something learned or done with no one spoken to).
 */
const statements = [
  "alter table meetings drop constraint meetings_status_check",
  `alter table meetings
     add constraint meetings_status_check
       check (status in ('invited', 'held', 'failed_to_attend', 'cancelled', 'rescheduled')),
     add column attended jsonb,
     add column agreed text,
     add column rescheduled_from integer,
     add foreign key (school_id, rescheduled_from) references meetings(school_id, id)`,
  `alter table letters
     add column meeting_id integer,
     add foreign key (school_id, meeting_id) references meetings(school_id, id)`,
  "create index letters_by_meeting on letters (school_id, meeting_id) where meeting_id is not null",
  `alter table contracts
     add column meeting_id integer,
     add column targets jsonb not null default '[]',
     add column parent_commitments jsonb not null default '[]',
     add column pupil_commitments jsonb not null default '[]',
     add column agreed_by jsonb not null default '[]',
     add foreign key (school_id, meeting_id) references meetings(school_id, id)`,
  "alter table contact_log drop constraint contact_log_method_check",
  `alter table contact_log add constraint contact_log_method_check
     check (method in ('phone', 'text', 'email', 'letter', 'home_visit', 'meeting', 'in_person', 'note'))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
