import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.ts";
import type { SchoolAccess } from "./access/access.ts";
import { logAccess } from "./audit/access-log.ts";
import type { AccessRecord } from "./audit/access-record.ts";

/**
 * What every use case is given: the database, who is asking (their access to one school), the
 * clock, and where the pupils it resolves are recorded for the access log. The server builds one
 * per request (`request.useCaseContext(schoolId)`); the CLI and jobs build their own, with a
 * `new AccessRecord()` whose rows are named by the change (`inTransaction`'s `what`).
 */
export interface UseCaseContext {
  db: Kysely<DB>;
  access: SchoolAccess;
  clock: () => Date;
  /** Use cases call `subject` and `listed`; `inTransaction` and the request's hook read it. */
  audit: AccessRecord;
}

/**
 * Runs a change and writes its access-log row inside the same transaction, before commit: the
 * change and the record that it was made stand or fall together (a crash after the answer can no
 * longer leave an acknowledged save without its log row, nor a logged save that never happened).
 * Reads a use case makes before its change may use `ctx.db`; the change itself uses `tx`.
 */
export async function inTransaction<T>(
  ctx: UseCaseContext,
  what: string,
  work: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  // A use case called inside another's change (a call logged and its marks amended together)
  // joins that transaction; the outer change writes the one row for both.
  if (ctx.db.isTransaction) return work(ctx.db as Transaction<DB>);
  const { access, audit } = ctx;
  const result = await ctx.db.transaction().execute(async (tx) => {
    const done = await work(tx);
    await logAccess(tx, {
      schoolId: access.schoolId,
      at: ctx.clock(),
      userId: access.accountId,
      actor: access.actor.name,
      action: "change",
      pupilId: audit.subjectId,
      pupilIds: audit.listedIn(access.schoolId),
      what: audit.what ?? what,
      // The change has been made: it is logged as done. A refused change rolls back with its row,
      // and the request's hook logs the refusal instead.
      status: 200,
    });
    return done;
  });
  audit.changeLogged = true;
  return result;
}
