import type { Kysely } from "kysely";
import { purgeExpired } from "../db/repositories/users.ts";
import type { DB } from "../db/schema.ts";

/**
 * Deletes sessions past their end, sign-in counters whose window has closed and password links a
 * week past expiry. Nothing reads them once ended (every read checks the time), so this only
 * keeps the tables small; it is idempotent and indexed, so running it at every tick is cheap.
 */
export async function runSessionPurge(
  db: Kysely<DB>,
  instant: Date,
): Promise<{ sessions: number; signInAttempts: number; passwordLinks: number }> {
  return purgeExpired(db, instant);
}
