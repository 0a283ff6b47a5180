import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/app/accounts/passwords.ts";
import { openDatabase } from "../../src/db/database.ts";

/** `rollbook admin`: a real deployment's first administrator, and accounts from the server itself. */
const ROOT = join(import.meta.dirname, "../..");
let dir: string;

function rollbook(
  stdin: string | null,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "--data-dir", join(dir, "db"), ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: "" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (stdin !== null) child.stdin.end(stdin);
    else child.stdin.end();
  });
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
