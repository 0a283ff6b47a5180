import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { RollbookError } from "../domain/errors.ts";
import { RollbookClient } from "./binary-copy.ts";
import { rememberCopyClient } from "./copy.ts";
import { migrations } from "./migrations/index.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import type { DB } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Where the data lives, for messages: a directory or the server URL without its password. */
  location: string;
  /** The PostgreSQL schema in use when not the default (tests, benchmarks). */
  schema?: string;
  /** The embedded database's whole data directory as an uncompressed tarball (tests clone it). */
  dumpDataDir?(): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection URL. When absent, the embedded database is used. */
  url?: string | undefined;
  /** Directory of the embedded database; omitted means in memory (tests). */
  dataDir?: string | undefined;
  /** PostgreSQL schema to work in (tests isolate themselves this way). */
  searchPath?: string | undefined;
  poolSize?: number | undefined;
  /**
   * PostgreSQL cancels any statement running longer (milliseconds), so no request or job holds a
   * connection for ever (ROLLBOOK_STATEMENT_TIMEOUT_MS, 15 s by default). The embedded database
   * runs in this process and has no such limit.
   */
  statementTimeoutMs?: number | undefined;
}

/** When the operator sets none. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

const INT8 = 20;
const DATE = 1082;

/** Dates stay `YYYY-MM-DD` strings and bigint counts become numbers, on both drivers alike. */
const asIsoDate = (value: string) => value;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPGlite(options.dataDir);
}

async function openPGlite(dataDir: string | undefined, from?: Uint8Array): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    ...(from
      ? { loadDataDir: new Blob([new Uint8Array(from)], { type: "application/x-tar" }) }
      : {}),
    parsers: { [INT8]: Number, [DATE]: asIsoDate },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    location: dataDir ?? "memory",
    dumpDataDir: async () => new Uint8Array(await (await pglite.dumpDataDir("none")).arrayBuffer()),
    close: () => db.destroy(),
  };
}

/** An in-memory embedded database started from a dump of another's data directory. */
export function openPGliteFrom(dump: Uint8Array): Promise<Database> {
  return openPGlite(undefined, dump);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    // Reads the compact marks as binary COPY (see binary-copy.ts).
    Client: RollbookClient,
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (oid === INT8) return Number;
        if (oid === DATE) return asIsoDate;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server, idle or in the middle of a query, must not crash the process: the
  // query in flight fails (answered 503 by the server) and the pool replaces the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
    prepareStatements(client);
    rememberCopyClient(client);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "postgres",
    location: redact(url),
    ...(options.searchPath ? { schema: options.searchPath } : {}),
    close: () => db.destroy(),
  };
}

/** Distinct statements one connection keeps prepared; later ones are sent unprepared. */
const PREPARED_PER_CONNECTION = 300;

/**
 * Every statement with parameters is sent as a named (prepared) statement, so PostgreSQL parses
 * and plans it once per connection rather than on every request: a register save's statements
 * cost about a millisecond of planning each otherwise. Kysely's text for a query is the same each
 * time (values travel as parameters), so a handful of names covers the hot paths; the cap bounds
 * what a connection holds when texts vary (lists spelled out as `in ($1, $2, ...)`). Statements
 * without parameters go as before (the simple protocol, which allows several in one text).
 */
function prepareStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== "string" || !Array.isArray(values) || values.length === 0)
      return query(text, values, ...rest);
    let name = names.get(text);
    if (!name && names.size < PREPARED_PER_CONNECTION) {
      name = `rollbook_${names.size}`;
      names.set(text, name);
    }
    return name ? query({ name, text, values }, ...rest) : query(text, values, ...rest);
  };
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/**
 * Every migration already applied, read in one query: the migrator's own check creates its schema
 * and tables if missing and takes its lock, a second or more of CPU on every start on PGlite.
 * Anything else (no bookkeeping table yet, a migration missing) goes to the migrator.
 */
async function upToDate(database: Database, db: Kysely<DB>): Promise<boolean> {
  try {
    // Kysely's own bookkeeping table, outside the schema's types.
    const bookkeeping = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
    const applied = await bookkeeping
      .withSchema(database.schema ?? "public")
      .selectFrom("kysely_migration")
      .select("name")
      .execute();
    const names = new Set(applied.map((r) => r.name));
    const known = Object.keys(migrations);
    return names.size === known.length && known.every((name) => names.has(name));
  } catch {
    return false;
  }
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrate(database: Database): Promise<string[]> {
  if (database.kind === "pglite") return migrateOn(database, database.db);
  // A migration rewriting a large table may rightly run for minutes: the statement timeout is
  // for requests and jobs, so it is lifted on the one connection the migrations use.
  return database.db.connection().execute(async (db) => {
    await sql`set statement_timeout = 0`.execute(db);
    try {
      return await migrateOn(database, db);
    } finally {
      await sql`reset statement_timeout`.execute(db);
    }
  });
}

async function migrateOn(database: Database, db: Kysely<DB>): Promise<string[]> {
  if (await upToDate(database, db)) return [];
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Kysely looks for its bookkeeping tables in every schema; name ours so others never count.
    migrationTableSchema: database.schema ?? "public",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new RollbookError(
      "database_unavailable",
      `Migration ${failed} failed on ${database.location}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
