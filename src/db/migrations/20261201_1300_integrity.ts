import { type Kysely, sql } from "kysely";

/**
 * Integrity the first migrations left to the application:
 * - every reference between a school's rows is a foreign key through (school_id, id), so a case
 *   event, a logged call or a letter cannot point at a contact, case or proposal that is not there;
 * - case events, the contact log and letters are casework records, append-only under a function
 *   named for them (they borrowed the register's), and refuse TRUNCATE as the register does; a
 *   retention purge may still delete them;
 * - indexes for the lookups that had none: registers taken on a day, and a case's contracts,
 *   interventions and contact log.
 */
const statements = [
  `alter table contact_log
     add foreign key (school_id, contact_id) references contacts(school_id, id),
     add foreign key (school_id, case_id) references attendance_cases(school_id, id),
     add foreign key (school_id, corrects) references contact_log(school_id, id)`,
  `alter table interventions
     add foreign key (school_id, contact_id) references contacts(school_id, id)`,
  `alter table letters
     add foreign key (school_id, case_id) references attendance_cases(school_id, id),
     add foreign key (school_id, contact_id) references contacts(school_id, id),
     add foreign key (school_id, proposal_id) references proposed_actions(school_id, id)`,
  `alter table outbox
     add foreign key (school_id, pupil_id) references pupils(school_id, id),
     add foreign key (school_id, contact_id) references contacts(school_id, id)`,
  `alter table proposed_actions
     add foreign key (school_id, case_id) references attendance_cases(school_id, id)`,
  `alter table leave_requests
     add foreign key (school_id, planned_absence_id) references planned_absences(school_id, id)`,

  `create function refuse_change_to_casework_record() returns trigger language plpgsql as $$
   begin
     if tg_op = 'DELETE' and purging() then
       return old;
     end if;
     raise exception '% is an append-only casework record: % is not allowed', tg_table_name, tg_op
       using errcode = 'RB001';
   end $$`,
  "drop trigger case_events_append_only on case_events",
  "drop trigger contact_log_append_only on contact_log",
  "drop trigger letters_never_changed on letters",
  ...["case_events", "contact_log", "letters"].flatMap((table) => [
    `create trigger ${table}_append_only before update or delete on ${table}
       for each row execute function refuse_change_to_casework_record()`,
    `create trigger ${table}_never_truncated before truncate on ${table}
       for each statement execute function refuse_change_to_casework_record()`,
  ]),

  "create index registers_taken_by_day on registers_taken (school_id, date, session)",
  "create index contracts_by_case on contracts (school_id, case_id)",
  "create index interventions_by_case on interventions (school_id, case_id)",
  "create index contact_log_by_case on contact_log (school_id, case_id)",
  // The outbox sender finds the schools with messages due, then claims school by school (one
  // shard at a time when distributed by school).
  "create index outbox_due_by_school on outbox (school_id, status, next_attempt_at)",
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
