import type { Kysely } from "kysely";
import { type Actor, accessToSchool } from "../app/access/access.ts";
import { AccessRecord } from "../app/audit/access-record.ts";
import type { UseCaseContext } from "../app/context.ts";
import { loadConfig } from "../config.ts";
import { type Database, migrate, openDatabase } from "../db/database.ts";
import type { DB } from "../db/schema.ts";

/** Whoever runs a command on the server: they hold the database already, so they act as an administrator. */
export const OPERATOR: Actor = {
  userId: 0,
  name: "operator (command line)",
  email: "",
  grants: [{ role: "admin", schoolId: null, trustId: null, laCode: null }],
};

/** The operator's context for one school: commands call the same use cases as the server. */
export async function operatorContext(db: Kysely<DB>, schoolId: number): Promise<UseCaseContext> {
  const audit = new AccessRecord();
  const access = await accessToSchool(db, OPERATOR, schoolId, audit);
  return { db, access, clock: () => new Date(), audit };
}

export interface DatabaseFlags {
  databaseUrl?: string;
  dataDir?: string;
}

/** Opens the configured database (flags over environment), brings it up to date, runs `work`, closes it. */
export async function withDatabase<T>(
  flags: DatabaseFlags,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({
    url: flags.databaseUrl ?? config.DATABASE_URL,
    dataDir: flags.dataDir ?? config.ROLLBOOK_DATA_DIR,
    statementTimeoutMs: config.ROLLBOOK_STATEMENT_TIMEOUT_MS,
  });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}
