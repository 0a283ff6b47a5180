import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { z } from "zod";
import { migrations } from "../db/migrations/index.ts";
import { RollbookError } from "../domain/errors.ts";

/**
 * Backup and restore of the embedded database (PGlite). A backup is one file:
 *
 *   ROLLBOOK-BACKUP 1\n           the format line
 *   {"format":"rollbook-backup",...}\n   the manifest, JSON on one line
 *   <gzip tarball>               PGlite's dumpDataDir() of the whole data directory
 *
 * The manifest names the Rollbook version, the migrations applied, when, the row count of every
 * table, and the tarball's length and SHA-256, so a restore can refuse a damaged file before it
 * touches anything and check the restored database against it. See docs/backup.md.
 */

export const BACKUP_FORMAT_LINE = "ROLLBOOK-BACKUP 1";
const FORMAT_PREFIX = "ROLLBOOK-BACKUP ";
const FORMAT_VERSION = 1;
/** The manifest is small (a count per table); a longer header means this is not our file. */
const MAX_HEADER_BYTES = 1024 * 1024;

const manifestSchema = z.object({
  format: z.literal("rollbook-backup"),
  formatVersion: z.literal(FORMAT_VERSION),
  rollbookVersion: z.string(),
  createdAt: z.string(),
  source: z.string(),
  postgresVersion: z.string(),
  migrations: z.array(z.string()),
  /** Rows in every table of the public schema when the backup was taken. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  data: z.object({
    compression: z.literal("gzip"),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

export type BackupProgress = (step: string, done: number, total: number) => void;

export interface BackupOptions {
  /** The embedded database directory to copy. */
  dataDir: string;
  /** The backup file to write. */
  file: string;
  /** Replace an existing file at `file` (only once the new backup is complete). */
  force?: boolean;
  now?: () => Date;
  onProgress?: BackupProgress;
}

export interface RestoreOptions {
  file: string;
  /** The embedded database directory to restore into. */
  dataDir: string;
  /** Replace a directory that already holds data; the old directory is kept beside it. */
  force?: boolean;
  now?: () => Date;
  onProgress?: BackupProgress;
}

export interface RestoreResult {
  manifest: BackupManifest;
  dataDir: string;
  /** Where the data that was in `dataDir` now lives, when `--force` replaced it. */
  previous: string | null;
}

/**
 * Copies the embedded database in `dataDir` into one backup file. The copy is opened and counted
 * before the file is written, and the file appears under its name only once it is complete.
 * Nothing else may use the database meanwhile (stop the server first).
 */
export async function backupEmbedded(options: BackupOptions): Promise<BackupManifest> {
  const dataDir = resolve(options.dataDir);
  const file = resolve(options.file);
  const report = options.onProgress ?? (() => {});
  const now = options.now ?? (() => new Date());
  if (!existsSync(join(dataDir, "PG_VERSION")))
    throw new RollbookError("not_found", `There is no Rollbook database in ${dataDir} to back up.`);
  if (existsSync(file) && !options.force)
    throw new RollbookError(
      "conflict",
      `${file} already exists; choose another name or add --force to replace it.`,
    );

  const steps = 4;
  report("Reading the database", 0, steps);
  const source = new PGlite({ dataDir });
  let tarball: Uint8Array;
  let facts: DatabaseFacts;
  let postgresVersion: string;
  try {
    await source.waitReady;
    // Everything committed is written into the data files, so the copy opens without recovery.
    await source.exec("checkpoint");
    facts = await factsOf(source);
    postgresVersion =
      (await source.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]
        ?.v ?? "unknown";
    report("Copying the database", 1, steps);
    tarball = new Uint8Array(await (await source.dumpDataDir("gzip")).arrayBuffer());
  } finally {
    await source.close();
  }

  // A backup nobody has opened is not a backup: open the copy and count it against the original.
  report("Checking the copy", 2, steps);
  await mkdir(dirname(file), { recursive: true });
  const scratch = await mkdtemp(join(dirname(file), `.${basename(file)}.check-`));
  try {
    const copy = await openCopy(scratch, gunzip(tarball, file));
    try {
      const copied = await factsOf(copy);
      const problems = differences(facts, copied);
      if (problems.length > 0)
        throw new RollbookError(
          "conflict",
          `The copy of ${dataDir} does not match the database (${problems.join("; ")}). Was the server running? Stop it and back up again.`,
        );
    } finally {
      await copy.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  report("Writing the file", 3, steps);
  const manifest: BackupManifest = {
    format: "rollbook-backup",
    formatVersion: FORMAT_VERSION,
    rollbookVersion: rollbookVersion(),
    createdAt: now().toISOString(),
    source: dataDir,
    postgresVersion,
    migrations: facts.migrations,
    counts: facts.counts,
    data: { compression: "gzip", bytes: tarball.byteLength, sha256: sha256(tarball) },
  };
  const header = Buffer.from(`${BACKUP_FORMAT_LINE}\n${JSON.stringify(manifest)}\n`, "utf8");
  const partial = `${file}.partial-${process.pid}`;
  try {
    const handle = await open(partial, "wx");
    try {
      await handle.writeFile(header);
      await handle.writeFile(tarball);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  report("Writing the file", steps, steps);
  return manifest;
}

/**
 * Reads and checks a backup file: its format line, its manifest, the tarball's length and SHA-256,
 * and that every migration it names is one this code knows. Throws before anything is written.
 */
export async function readBackup(
  file: string,
): Promise<{ manifest: BackupManifest; tarball: Uint8Array }> {
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new RollbookError("not_found", `There is no file ${path}.`);
    if (code === "EISDIR")
      throw new RollbookError("invalid_input", `${path} is a directory, not a Rollbook backup.`);
    throw error;
  }
  const notABackup = () =>
    new RollbookError(
      "invalid_input",
      `${path} is not a Rollbook backup (it does not start with "${BACKUP_FORMAT_LINE}").`,
    );
  const corrupted = (why: string) =>
    new RollbookError(
      "invalid_input",
      `${path} is a damaged Rollbook backup (${why}); nothing was restored. Use another copy.`,
    );

  const firstLineEnd = bytes.indexOf(0x0a);
  if (firstLineEnd < 0 || firstLineEnd > 64) throw notABackup();
  const formatLine = bytes.subarray(0, firstLineEnd).toString("utf8");
  if (!formatLine.startsWith(FORMAT_PREFIX)) throw notABackup();
  if (formatLine !== BACKUP_FORMAT_LINE) {
    const version = formatLine.slice(FORMAT_PREFIX.length);
    if (/^\d+$/.test(version) && Number(version) > FORMAT_VERSION)
      throw new RollbookError(
        "conflict",
        `${path} is a backup in format ${version}, written by a newer Rollbook; this one reads format ${FORMAT_VERSION}. Upgrade Rollbook to restore it.`,
      );
    throw notABackup();
  }

  const manifestEnd = bytes.indexOf(0x0a, firstLineEnd + 1);
  if (manifestEnd < 0 || manifestEnd > MAX_HEADER_BYTES) throw corrupted("the manifest is cut off");
  let manifest: BackupManifest;
  try {
    const parsed = manifestSchema.safeParse(
      JSON.parse(bytes.subarray(firstLineEnd + 1, manifestEnd).toString("utf8")),
    );
    if (!parsed.success) throw new Error(parsed.error.message);
    manifest = parsed.data;
  } catch {
    throw corrupted("the manifest is unreadable");
  }

  const tarball: Uint8Array = bytes.subarray(manifestEnd + 1);
  if (tarball.byteLength !== manifest.data.bytes)
    throw corrupted(
      `the database is ${tarball.byteLength} bytes where the manifest says ${manifest.data.bytes}; the file is truncated or altered`,
    );
  if (sha256(tarball) !== manifest.data.sha256)
    throw corrupted("its checksum does not match the manifest");

  const unknown = manifest.migrations.filter((name) => !(name in migrations));
  if (unknown.length > 0)
    throw new RollbookError(
      "conflict",
      `${path} comes from a newer Rollbook (${manifest.rollbookVersion}): its database has migrations this version does not know (${unknown.join(", ")}). Upgrade Rollbook to restore it.`,
    );
  return { manifest, tarball };
}

/**
 * Restores a backup into the embedded database directory `dataDir`. The backup is checked whole,
 * then unpacked into a fresh directory beside `dataDir`, opened, and its migrations and every
 * table's row count compared with the manifest; only then does it take `dataDir`'s place. A
 * directory that already holds data is refused without `force`, and with it is moved aside (never
 * deleted), so a restore that fails at any step leaves the existing data as it was.
 */
export async function restoreEmbedded(options: RestoreOptions): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir);
  const report = options.onProgress ?? (() => {});
  const stamp = timestamp((options.now ?? (() => new Date()))());
  const steps = 4;

  report("Checking the backup", 0, steps);
  const { manifest, tarball } = await readBackup(options.file);
  const tar = gunzip(tarball, resolve(options.file));

  const occupied = await holdsData(dataDir);
  if (occupied && !options.force)
    throw new RollbookError(
      "conflict",
      `${dataDir} already holds data; nothing was restored. Restore into an empty directory (--data-dir), or add --force to replace it (the current data is kept beside it).`,
    );

  report("Unpacking the database", 1, steps);
  await mkdir(dirname(dataDir), { recursive: true });
  const staging = `${dataDir}.restoring-${stamp}`;
  await mkdir(staging);
  try {
    const restored = await openCopy(staging, tar, manifest);
    try {
      report("Checking the restored database", 2, steps);
      const problems = differences(
        { migrations: manifest.migrations, counts: manifest.counts },
        await factsOf(restored),
      );
      if (problems.length > 0)
        throw new RollbookError(
          "invalid_input",
          `The restored database does not match the backup's manifest (${problems.join("; ")}); nothing was restored.`,
        );
    } finally {
      await restored.close();
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  report("Putting the database in place", 3, steps);
  let previous: string | null = null;
  if (occupied) {
    previous = `${dataDir}.before-restore-${stamp}`;
    await rename(dataDir, previous);
  } else if (existsSync(dataDir)) {
    await rmdir(dataDir); // empty
  }
  try {
    await rename(staging, dataDir);
  } catch (error) {
    if (previous) await rename(previous, dataDir);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  report("Putting the database in place", steps, steps);
  return { manifest, dataDir, previous };
}

/** Why `rollbook backup` and `restore` do not handle a PostgreSQL server, and what to run instead. */
export function postgresBackupAdvice(location: string): string {
  return [
    `${location} is a PostgreSQL server; rollbook backup and restore handle the embedded database only.`,
    "Back the server up with PostgreSQL's own tools:",
    '  pg_dump --format=custom --file=rollbook.dump "$DATABASE_URL"',
    "and restore into a new, empty database, all or nothing:",
    '  pg_restore --exit-on-error --single-transaction --no-owner --dbname="$NEW_DATABASE_URL" rollbook.dump',
    "Register tables are append-only: restore the whole database, never single tables. See docs/backup.md.",
  ].join("\n");
}

interface DatabaseFacts {
  migrations: string[];
  counts: Record<string, number>;
}

async function factsOf(pglite: PGlite): Promise<DatabaseFacts> {
  const hasMigrations = await pglite.query<{ found: boolean }>(
    "select to_regclass('public.kysely_migration') is not null as found",
  );
  if (!hasMigrations.rows[0]?.found)
    throw new RollbookError(
      "invalid_input",
      "The database has no Rollbook migrations table: it is not a Rollbook database.",
    );
  const applied = await pglite.query<{ name: string }>(
    "select name from public.kysely_migration order by name",
  );
  // One statement counts every table; Postgres quotes the names itself (format %I), so no SQL is
  // put together here. query_to_xml runs each count: <row><n>123</n></row>.
  const tables = await pglite.query<{ name: string; xml: string }>(
    `select table_name as name,
            query_to_xml(format('select count(*) as n from %I.%I', table_schema, table_name),
                         false, true, '')::text as xml
     from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name, xml } of tables.rows) {
    const n = /<n>(\d+)<\/n>/.exec(xml)?.[1];
    if (n === undefined) throw new Error(`Could not count the rows of ${name}`);
    counts[name] = Number(n);
  }
  return { migrations: applied.rows.map((r) => r.name), counts };
}

function differences(expected: DatabaseFacts, found: DatabaseFacts): string[] {
  const problems: string[] = [];
  if (expected.migrations.join("\n") !== found.migrations.join("\n"))
    problems.push(
      `migrations ${found.migrations.length} where ${expected.migrations.length} were expected`,
    );
  const tables = [...new Set([...Object.keys(expected.counts), ...Object.keys(found.counts)])];
  for (const table of tables.sort()) {
    const want = expected.counts[table];
    const got = found.counts[table];
    if (want !== got)
      problems.push(`${table}: ${got ?? "missing"} rows where ${want ?? "none"} were expected`);
  }
  return problems;
}

/** Opens a PGlite data directory unpacked from a tarball into the empty directory `dir`. */
async function openCopy(dir: string, tar: Uint8Array, manifest?: BackupManifest): Promise<PGlite> {
  const pglite = new PGlite({
    dataDir: dir,
    // A copy backed by a plain ArrayBuffer: Blob takes no views of shared memory.
    loadDataDir: new Blob([new Uint8Array(tar)], { type: "application/x-tar" }),
  });
  try {
    await pglite.waitReady;
    return pglite;
  } catch (error) {
    if (!pglite.closed) await pglite.close().catch(() => {});
    const made = manifest
      ? ` (the backup was made with PostgreSQL ${manifest.postgresVersion})`
      : "";
    throw new RollbookError(
      "invalid_input",
      `The database in the backup could not be opened${made}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function gunzip(tarball: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(tarball);
  } catch {
    throw new RollbookError(
      "invalid_input",
      `${file} is a damaged Rollbook backup (its database does not decompress); nothing was restored.`,
    );
  }
}

async function holdsData(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory())
      throw new RollbookError("conflict", `${dir} exists and is not a directory.`);
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function timestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

let version: string | undefined;
function rollbookVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
  return version;
}
