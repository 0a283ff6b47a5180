import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { type Database, migrate, openDatabase, openPGliteFrom } from "../../src/db/database.ts";
import { migrations } from "../../src/db/migrations/index.ts";

/**
 * Test databases are cloned from one migrated template per set of migrations, made once per test
 * run (see test/support/global-setup.ts): an embedded database from a dump of its data directory,
 * a PostgreSQL database with CREATE DATABASE ... TEMPLATE. Migrating afresh for every file cost
 * about five seconds of the two cores each.
 */
const MIGRATIONS = join(import.meta.dirname, "../../src/db/migrations");
const CACHE = join(import.meta.dirname, "../../node_modules/.cache/rollbook-test");

/**
 * Names the migrations this process loaded, so a changed migration gets a template of its own.
 * Read once, as the module loads with them: a run that outlives an edit keeps the name of the
 * migrations it actually runs.
 */
const MIGRATIONS_HASH = (() => {
  const hash = createHash("sha256").update(Object.keys(migrations).join());
  for (const file of readdirSync(MIGRATIONS).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  }
  return hash.digest("hex").slice(0, 16);
})();

const pgliteDumpPath = () => join(CACHE, `pglite-${MIGRATIONS_HASH}.tar`);
const templateName = () => `rollbook_template_${MIGRATIONS_HASH}`;

/** Writes the migrated embedded database's dump once for these migrations. */
export async function preparePGliteTemplate(): Promise<string> {
  const path = pgliteDumpPath();
  if (existsSync(path)) return path;
  const database = await openDatabase({});
  await migrate(database);
  const dump = await database.dumpDataDir?.();
  await database.close();
  if (!dump) throw new Error("the embedded database cannot dump its data directory");
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed, so a parallel run never reads half a file.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, dump);
  renameSync(partial, path);
  return path;
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates and migrates the PostgreSQL template once for these migrations (an advisory lock keeps parallel runs apart). */
export async function preparePostgresTemplate(url: string): Promise<string> {
  const name = templateName();
  await withAdmin(url, async (admin) => {
    await admin.query("select pg_advisory_lock(20261201)");
    try {
      const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [
        name,
      ]);
      if (rowCount) return;
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${building} with (force)`);
      await admin.query(`create database ${building}`);
      const database = await openDatabase({ url: databaseUrl(url, building), poolSize: 1 });
      try {
        await migrate(database);
      } finally {
        await database.close();
      }
      await admin.query(`alter database ${building} rename to ${name}`);
    } finally {
      await admin.query("select pg_advisory_unlock(20261201)");
    }
  });
  return name;
}

/**
 * A fresh, migrated database for one test file: an in-memory embedded database by default, or a
 * database of its own on the PostgreSQL server named by TEST_DATABASE_URL (dropped by `close`).
 */
export async function testDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openPGliteFrom(readFileSync(await preparePGliteTemplate()));
  return cloneOnPostgres(url, await preparePostgresTemplate(url));
}

/**
 * Names this test run, so data filled once per run is never reused by a later run whose code
 * may fill it differently. Set by the global set-up; a process on its own names itself.
 */
const RUN = runId(process.env.ROLLBOOK_TEST_RUN ?? `p${process.pid}`);
const FILLED_PREFIX = "rollbook_filled_";

function runId(run: string): string {
  return run.replace(/[^a-z0-9]/gi, "").toLowerCase();
}

/**
 * A fresh database already holding what `fill` writes (the demo school, say), and what `fill`
 * answered. The first file of a run to ask for `key` fills a template; every later one clones it,
 * which costs a fraction of filling it again. `fill`'s answer must survive JSON.
 */
export async function filledTestDatabase<T>(
  key: string,
  fill: (database: Database) => Promise<T>,
): Promise<{ database: Database; filled: T }> {
  const id = `${RUN}_${createHash("sha256").update(`${MIGRATIONS_HASH} ${key}`).digest("hex").slice(0, 12)}`;
  const answerPath = join(CACHE, `${FILLED_PREFIX}${id}.json`);
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dumpPath = join(CACHE, `${FILLED_PREFIX}${id}.tar`);
    if (!existsSync(dumpPath) || !existsSync(answerPath)) {
      const database = await testDatabase();
      const filled = await fill(database);
      const dump = await database.dumpDataDir?.();
      await database.close();
      if (!dump) throw new Error("the embedded database cannot dump its data directory");
      writeAside(answerPath, JSON.stringify(filled));
      writeAside(dumpPath, dump);
    }
    return {
      database: await openPGliteFrom(readFileSync(dumpPath)),
      filled: JSON.parse(readFileSync(answerPath, "utf8")) as T,
    };
  }
  const template = `${FILLED_PREFIX}${id}`;
  await withAdmin(url, async (admin) => {
    await admin.query("select pg_advisory_lock(20261202)");
    try {
      const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [
        template,
      ]);
      if (rowCount && existsSync(answerPath)) return;
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.query(
        `create database ${template} template ${await preparePostgresTemplate(url)}`,
      );
      const database = await openDatabase({ url: databaseUrl(url, template), poolSize: 2 });
      try {
        writeAside(answerPath, JSON.stringify(await fill(database)));
      } finally {
        await database.close();
      }
    } finally {
      await admin.query("select pg_advisory_unlock(20261202)");
    }
  });
  return {
    database: await cloneOnPostgres(url, template),
    filled: JSON.parse(readFileSync(answerPath, "utf8")) as T,
  };
}

/** Removes what this run filled (called once, as the run ends). */
export async function dropFilledTemplates(run: string): Promise<void> {
  const prefix = `${FILLED_PREFIX}${runId(run)}_`;
  if (existsSync(CACHE))
    for (const file of readdirSync(CACHE))
      if (file.startsWith(prefix)) rmSync(join(CACHE, file), { force: true });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  await withAdmin(url, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [prefix],
    );
    for (const { datname } of rows)
      await admin.query(`drop database if exists ${datname} with (force)`);
  });
}

/** Written aside and renamed, so a parallel reader never sees half a file. */
function writeAside(path: string, content: string | Uint8Array): void {
  mkdirSync(CACHE, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}

/** A database of this file's own, cloned from `template` and dropped by `close`. */
async function cloneOnPostgres(url: string, template: string): Promise<Database> {
  const name = `rollbook_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdmin(url, async (admin) => {
    // Two files cloning at the same instant can meet the template "being accessed": try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
      }
    }
  });
  const database = await openDatabase({ url: databaseUrl(url, name), poolSize: 4 });
  return {
    ...database,
    close: async () => {
      await database.close();
      await withAdmin(url, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export const onPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);
