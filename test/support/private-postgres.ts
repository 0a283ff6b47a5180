import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian puts the server binaries (the newest version installed). */
function binaries(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().at(-1);
  return version ? join(root, version, "bin") : null;
}

export const canRunPrivatePostgres = (): boolean =>
  Boolean(binaries()) && process.getuid?.() === 0 && Boolean(process.env.TEST_DATABASE_URL);

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/**
 * A PostgreSQL server of the test's own, on its own port and directory, so a test can stop and
 * start it without disturbing the shared server other tests use. Runs as the postgres user.
 */
export function privatePostgres(port: number): PrivatePostgres {
  const bin = binaries() as string;
  const dir = mkdtempSync(join(tmpdir(), "rollbook-pg-"));
  const idOf = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  chownSync(dir, idOf("-u"), idOf("-g"));
  const asPostgres = (command: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], {
      stdio: "pipe",
    });
  asPostgres("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
  const pgctl = (...args: string[]) =>
    asPostgres("pg_ctl", ["-D", join(dir, "data"), "-l", join(dir, "log"), ...args]);
  const start = () =>
    pgctl("-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start");
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // Immediate: the server goes as if it had crashed, mid-transaction.
    stop: () => pgctl("-w", "-m", "immediate", "stop"),
    start,
    destroy: () => {
      try {
        pgctl("-w", "-m", "immediate", "stop");
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
