import { type Kysely, sql } from "kysely";

/**
 * Two-factor sign-in required of chosen staff roles, for the whole deployment (an administrator's
 * setting), and recovery codes: ten single-use codes per person, kept only as argon2 hashes, for
 * the day the phone with the authenticator app is lost.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table two_factor_rules (
    role text primary key check (role in ('teacher', 'attendance_officer', 'head_of_school', 'dsl',
                                          'trust_officer', 'la_officer', 'admin')),
    required_since timestamptz not null default now()
  )`.execute(db);
  await sql`create table recovery_codes (
    id serial primary key,
    user_id integer not null references users (id) on delete cascade,
    code_hash text not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index recovery_codes_of_user on recovery_codes (user_id)`.execute(db);
}
