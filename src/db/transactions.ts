import type { Kysely, Transaction } from "kysely";
import type { DB } from "./schema.ts";

/**
 * Runs `work` in a transaction: the caller's, when it is already in one (a use case that logs
 * the change in the same transaction), or a new one.
 */
export function inTransactionOf<T>(
  db: Kysely<DB>,
  work: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}
