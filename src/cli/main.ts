#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { loadConfig } from "../config.ts";
import { isRollbookError } from "../domain/errors.ts";
import { registerAdmin } from "./admin.ts";
import { registerBackup } from "./backup.ts";
import { registerBenchmarks } from "./benchmarks.ts";
import { registerBounces } from "./bounces.ts";
import { registerCtf } from "./ctf.ts";
import { registerDemo } from "./demo.ts";
import { registerImport } from "./import.ts";
import { registerInit } from "./init.ts";
import { registerLetters } from "./letters.ts";
import { registerMis } from "./mis.ts";
import { registerPolicy } from "./policy.ts";
import { registerStart } from "./start.ts";
import { registerStats } from "./stats.ts";

const program = new Command("rollbook")
  .description("Rollbook: school attendance for England")
  .option(
    "--database-url <url>",
    "PostgreSQL server (default: DATABASE_URL, else the embedded database)",
  )
  .option(
    "--data-dir <dir>",
    "embedded database directory (default: ROLLBOOK_DATA_DIR or ./data/rollbook)",
  )
  .showHelpAfterError()
  .exitOverride();

registerInit(program);
registerImport(program);
registerCtf(program);
registerStats(program);
registerPolicy(program);
registerDemo(program);
registerStart(program);
registerBackup(program);
registerBenchmarks(program);
registerAdmin(program);
registerLetters(program);
registerBounces(program);
registerMis(program);

/** Errors a user can act on are printed plainly; anything else without a stack unless asked for. */
function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isRollbookError(error)) {
    process.stderr.write(`rollbook: ${error.message}\n`);
    return 2;
  }
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "3D000" || code === "28P01") {
    process.stderr.write(
      `rollbook: cannot use the PostgreSQL server: ${(error as Error).message}\n`,
    );
    return 3;
  }
  process.stderr.write(
    `rollbook: unexpected error: ${(error as Error).message ?? String(error)}\n`,
  );
  if (debugWanted()) process.stderr.write(`${(error as Error).stack}\n`);
  else process.stderr.write("(set ROLLBOOK_DEBUG=1 to see where it happened)\n");
  return 1;
}

function debugWanted(): boolean {
  try {
    return loadConfig().ROLLBOOK_DEBUG === "1";
  } catch {
    return false;
  }
}

program.parseAsync(process.argv).then(
  () => {},
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
