import { type Kysely, sql } from "kysely";

/**
 * Single sign-on for staff through the school's own identity provider (OpenID Connect: Microsoft
 * Entra ID, Google Workspace). A provider is the deployment's, like its accounts; its client
 * secret is never stored, only the name of the environment variable that holds it. A sign-in in
 * progress keeps its PKCE verifier and nonce under the hash of its state, for ten minutes, once.
 * A session records how it was opened: two-factor rules count a provider's sign-in as its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table identity_providers (
    id serial primary key,
    name text not null check (length(name) between 1 and 60),
    issuer text not null unique,
    client_id text not null,
    client_secret_ref text,
    allowed_domains text[] not null check (cardinality(allowed_domains) > 0),
    enabled boolean not null default true,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table sso_sign_ins (
    state_hash text primary key,
    provider_id integer not null references identity_providers (id) on delete cascade,
    code_verifier text not null,
    nonce text not null,
    expires_at timestamptz not null,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`alter table user_sessions
    add column signed_in_with text not null default 'password'
      check (signed_in_with in ('password', 'single_sign_on'))`.execute(db);
}
