import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BACKUP_FORMAT_LINE,
  type BackupManifest,
  backupEmbedded,
  postgresBackupAdvice,
  readBackup,
  restoreEmbedded,
} from "../../src/app/backup.ts";
import { type Database, migrate, openDatabase } from "../../src/db/database.ts";
import { type MarkToRecord, recordMarks } from "../../src/db/repositories/marks.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { aSchoolWithPupils } from "../support/school.ts";

let dir: string;
let source: string;
let backup: string;
let manifest: BackupManifest;
/** Every table's rows in the original database, as JSON in a fixed order. */
let original: Record<string, string[]>;

const at = (time: string) => new Date(`2025-09-0${time}Z`);

async function allRows(database: Database): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(
    database.db,
  );
  const rows: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const result = await sql<{ row: string }>`
      select to_jsonb(t)::text as row from ${sql.table(name)} t order by 1`.execute(database.db);
    rows[name] = result.rows.map((r) => r.row);
  }
  return rows;
}

async function withEmbedded<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<RollbookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Rewrites a backup's manifest (the tarball and its checksum untouched). */
async function withManifest(
  change: (manifest: BackupManifest) => void,
  name: string,
): Promise<string> {
  const { manifest: copy, tarball } = await readBackup(backup);
  change(copy);
  const file = join(dir, name);
  await writeFile(
    file,
    Buffer.concat([
      Buffer.from(`${BACKUP_FORMAT_LINE}\n${JSON.stringify(copy)}\n`),
      Buffer.from(tarball),
    ]),
  );
  return file;
}

async function markCount(dataDir: string): Promise<number> {
  return withEmbedded(dataDir, async ({ db }) => {
    const row = await db
      .selectFrom("session_marks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollbook-backup-"));
  source = join(dir, "source");
  backup = join(dir, "school.backup");
  original = await withEmbedded(source, async (database) => {
    await migrate(database);
    const { school, pupils } = await aSchoolWithPupils(database.db, 3);
    const marks: MarkToRecord[] = pupils.flatMap((pupil) =>
      ["2025-09-03", "2025-09-04", "2025-09-05"].flatMap((date) =>
        (["AM", "PM"] as const).map((session) => ({
          pupilId: pupil.id,
          date,
          session,
          code: "/",
          minutesLate: null,
        })),
      ),
    );
    await database.db.transaction().execute((tx) =>
      recordMarks(tx, school.id, marks, {
        by: "Ms Tutor (form tutor)",
        at: at("3T08:45:00"),
        source: "register",
        reason: null,
      }),
    );
    const first = pupils[0];
    if (!first) throw new Error("no pupil");
    await database.db.transaction().execute((tx) =>
      recordMarks(
        tx,
        school.id,
        [{ pupilId: first.id, date: "2025-09-04", session: "PM", code: "M", minutesLate: null }],
        {
          by: "Mr Office (attendance officer)",
          at: at("5T10:00:00"),
          source: "amendment",
          reason: "Dentist letter brought in",
        },
      ),
    );
    return allRows(database);
  });
  manifest = await backupEmbedded({ dataDir: source, file: backup });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("backup of the embedded database", () => {
  it("writes one file whose manifest names the version, migrations and counts", async () => {
    expect((await readFile(backup)).subarray(0, BACKUP_FORMAT_LINE.length + 1).toString()).toBe(
      `${BACKUP_FORMAT_LINE}\n`,
    );
    expect(manifest.rollbookVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.migrations.length).toBeGreaterThan(0);
    expect(manifest.postgresVersion).toMatch(/^\d+\.\d+/);
    expect(manifest.counts.session_marks).toBe(18);
    expect(manifest.counts.mark_history).toBe(19);
    for (const [table, rows] of Object.entries(original))
      expect(manifest.counts[table], table).toBe(rows.length);
    expect(existsSync(`${backup}.partial-${process.pid}`)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.includes(".check-"))).toEqual([]);
  });

  it("refuses to overwrite a file, or to back up a directory with no database", async () => {
    expect((await refusal(backupEmbedded({ dataDir: source, file: backup }))).code).toBe(
      "conflict",
    );
    const missing = await refusal(
      backupEmbedded({ dataDir: join(dir, "nowhere"), file: join(dir, "x.backup") }),
    );
    expect(missing.code).toBe("not_found");
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
  });

  it("sends a PostgreSQL server to pg_dump and pg_restore", () => {
    const advice = postgresBackupAdvice("postgres://rollbook:***@db.example/rollbook");
    expect(advice).toContain("pg_dump --format=custom");
    expect(advice).toContain("pg_restore --exit-on-error --single-transaction");
  });
});

describe("restore of the embedded database", () => {
  it("restores every mark and every history entry, row for row", async () => {
    const target = join(dir, "restored");
    const result = await restoreEmbedded({ file: backup, dataDir: target });
    expect(result.previous).toBeNull();
    expect(result.manifest.counts).toEqual(manifest.counts);
    const restored = await withEmbedded(target, async (database) => {
      // The register's guards come back with it: history stays append-only.
      await expect(sql`delete from mark_history`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
      return allRows(database);
    });
    expect(restored.session_marks).toEqual(original.session_marks);
    expect(restored.mark_history).toEqual(original.mark_history);
    expect(restored.mark_history?.some((r) => r.includes("Dentist letter brought in"))).toBe(true);
    expect(restored).toEqual(original);
    expect((await readdir(dir)).filter((f) => f.includes(".restoring-"))).toEqual([]);
  });

  it("refuses a missing file, a file that is not a backup, and a damaged one", async () => {
    expect((await refusal(readBackup(join(dir, "absent.backup")))).code).toBe("not_found");

    const text = join(dir, "notes.txt");
    await writeFile(text, "register notes\n");
    const notBackup = await refusal(readBackup(text));
    expect(notBackup.code).toBe("invalid_input");
    expect(notBackup.message).toContain("is not a Rollbook backup");

    const bytes = await readFile(backup);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100] = (flipped[flipped.length - 100] ?? 0) ^ 0xff;
    await writeFile(join(dir, "flipped.backup"), flipped);
    const damaged = await refusal(readBackup(join(dir, "flipped.backup")));
    expect(damaged.code).toBe("invalid_input");
    expect(damaged.message).toContain("checksum");

    await writeFile(join(dir, "cut.backup"), bytes.subarray(0, bytes.length - 1000));
    expect((await refusal(readBackup(join(dir, "cut.backup")))).message).toContain("truncated");
  });

  it("refuses a backup from a newer schema", async () => {
    const newer = await withManifest(
      (m) => m.migrations.push("29991231_0000_from_the_future"),
      "newer.backup",
    );
    const error = await refusal(restoreEmbedded({ file: newer, dataDir: join(dir, "fresh") }));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("29991231_0000_from_the_future");
    expect(existsSync(join(dir, "fresh"))).toBe(false);
  });

  it("refuses a directory that holds data without --force, and leaves it alone", async () => {
    const target = join(dir, "occupied");
    await mkdir(target);
    await writeFile(join(target, "keep.txt"), "mine");
    const error = await refusal(restoreEmbedded({ file: backup, dataDir: target }));
    expect(error.code).toBe("conflict");
    expect(await readdir(target)).toEqual(["keep.txt"]);
  });

  it("with --force keeps the old data when the backup is damaged or does not verify", async () => {
    const target = join(dir, "restored"); // restored above: holds the school's 18 marks
    const bytes = await readFile(backup);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0xff;
    await writeFile(join(dir, "damaged.backup"), flipped);
    const damaged = await refusal(
      restoreEmbedded({ file: join(dir, "damaged.backup"), dataDir: target, force: true }),
    );
    expect(damaged.code).toBe("invalid_input");

    // The file is intact but the database in it is not what the manifest promises: it is opened
    // in a fresh directory, found wanting, and thrown away.
    const lying = await withManifest((m) => {
      m.counts.mark_history = (m.counts.mark_history ?? 0) + 1;
    }, "lying.backup");
    const unverified = await refusal(
      restoreEmbedded({ file: lying, dataDir: target, force: true }),
    );
    expect(unverified.code).toBe("invalid_input");
    expect(unverified.message).toContain("mark_history: 19 rows where 20 were expected");

    const siblings = (await readdir(dir)).filter((f) => f.startsWith("restored."));
    expect(siblings).toEqual([]);
    expect(await markCount(target)).toBe(18);
  });

  it("with --force swaps in the backup and keeps the old directory beside it", async () => {
    const target = join(dir, "replaced");
    await mkdir(target);
    await writeFile(join(target, "keep.txt"), "mine");
    const result = await restoreEmbedded({
      file: backup,
      dataDir: target,
      force: true,
      now: () => new Date("2026-03-02T09:30:00Z"),
    });
    expect(result.previous).toBe(`${target}.before-restore-20260302T093000Z`);
    expect(await readdir(result.previous ?? "")).toEqual(["keep.txt"]);
    expect(await markCount(target)).toBe(18);
  });
});
