import { spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `rollbook` as a user does, through bin/rollbook.js: the compiled server the test run built
 * once (test/support/global-setup.ts), so these tests also prove the bundle `npm start` runs, and
 * each run starts in a fraction of the time compiling the TypeScript would take. `input` is typed
 * at the command's prompts; the embedded database is used unless `env` says otherwise.
 */
export function rollbook(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/rollbook.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
