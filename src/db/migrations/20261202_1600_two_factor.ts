import { type Kysely, sql } from "kysely";

/**
 * Two-factor sign-in (TOTP, RFC 6238) for anyone who turns it on: the confirmed secret, one being
 * set up, and the last time step used, so a code seen over someone's shoulder cannot be replayed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users
    add column totp_secret text,
    add column totp_pending_secret text,
    add column totp_last_step bigint`.execute(db);
}
