import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/app/accounts/passwords.ts";
import { openDatabase } from "../../src/db/database.ts";
import { type CliResult, rollbook as run } from "../support/cli.ts";

/** `rollbook admin`: a real deployment's first administrator, and accounts from the server itself. */
let dir: string;

function rollbook(stdin: string | null, ...args: string[]): Promise<CliResult> {
  return run(["--data-dir", join(dir, "db"), ...args], { input: stdin ?? "" });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollbook-admin-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rollbook admin", () => {
  it("creates an administrator with a password from standard input, refusing a breached one, and resets it", async () => {
    // The first command also creates and migrates the embedded database: the slow part.
    const weak = await rollbook(
      "password1234\n",
      "admin",
      "create",
      "--email",
      "it@school.example",
      "--password-stdin",
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/most often found in data breaches/);
    const made = await rollbook(
      "a lighthouse in fog\n",
      "admin",
      "create",
      "--email",
      "IT@school.example",
      "--name",
      "Ms I. Tee",
      "--password-stdin",
    );
    expect(made.stderr).toBe("");
    expect(made.stdout).toMatch(/^Created administrator it@school\.example/);
    const reset = await rollbook(
      "the owl and the pussycat\n",
      "admin",
      "reset-password",
      "--email",
      "it@school.example",
      "--password-stdin",
    );
    expect(reset.stdout).toMatch(/New password set for it@school\.example/);
    const database = await openDatabase({ dataDir: join(dir, "db") });
    const user = await database.db
      .selectFrom("users")
      .select(["password_hash", "disabled"])
      .where("email", "=", "it@school.example")
      .executeTakeFirstOrThrow();
    const deployment = await database.db.selectFrom("deployment").select("demo").execute();
    await database.close();
    expect(await verifyPassword(user.password_hash, "the owl and the pussycat")).toBe(true);
    // An administrator of one's own makes this a real deployment: no demo accounts will follow.
    expect(deployment).toEqual([{ demo: false }]);
  }, 240_000);
});
