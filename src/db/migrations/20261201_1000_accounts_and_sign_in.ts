import { type Kysely, sql } from "kysely";

/**
 * Accounts an operator can run: whether this database is a demo (its shared-password accounts
 * are then expected, and shown), sign-in attempts counted per account, per address and per
 * (account, address) pair, and single-use password-reset and invitation links (hashed).
 */
const statements = [
  `create table deployment (
     id boolean primary key default true check (id),
     demo boolean not null,
     decided_at timestamptz not null default now()
   )`,
  // A database started before this migration already had its kind decided: it is a demo exactly
  // when it holds the demo administrator (whose password is public), so the banner then warns.
  `insert into deployment (demo)
     select exists (select 1 from users where email = 'admin@rollbook.example')
     where exists (select 1 from schools) or exists (select 1 from users)`,
  `create table sign_in_attempts (
     key text primary key,
     attempts integer not null,
     window_ends timestamptz not null
   )`,
  `create index sign_in_attempts_by_window on sign_in_attempts (window_ends)`,
  `create table password_links (
     token_hash text primary key,
     user_id integer not null references users(id),
     purpose text not null check (purpose in ('reset', 'invitation')),
     created_at timestamptz not null default now(),
     expires_at timestamptz not null,
     used_at timestamptz
   )`,
  `create index password_links_by_user on password_links (user_id)`,
  `create index user_sessions_by_expiry on user_sessions (expires_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
