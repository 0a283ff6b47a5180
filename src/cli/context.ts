import { loadConfig } from "../config.ts";
import { type Database, migrate, openDatabase } from "../db/database.ts";

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
