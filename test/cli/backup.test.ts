import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollbook as run } from "../support/cli.ts";

const rollbook = (...args: string[]) => run(args);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollbook-cli-backup-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rollbook backup and restore", () => {
  // The round trip itself is tested in test/app/backup.test.ts; these start no database.
  it("names a missing backup file and a directory with no database", async () => {
    const missing = await rollbook("--data-dir", join(dir, "db"), "restore", join(dir, "none"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`rollbook: There is no file ${join(dir, "none")}.\n`);

    const empty = await rollbook("--data-dir", join(dir, "db"), "backup", join(dir, "b.backup"));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`There is no Rollbook database in ${join(dir, "db")}`);
  });

  it("sends a PostgreSQL server to pg_dump, without showing its password", async () => {
    const result = await rollbook(
      "--database-url",
      "postgres://rollbook:secret@db.example/rollbook",
      "backup",
      join(dir, "server.backup"),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pg_dump --format=custom");
    expect(result.stderr).toContain("pg_restore");
    expect(result.stderr).not.toContain("secret");

    const restore = await rollbook(
      "--database-url",
      "postgres://rollbook@db.example/rollbook",
      "restore",
      join(dir, "server.backup"),
    );
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain("pg_restore --exit-on-error --single-transaction");
  });
});
