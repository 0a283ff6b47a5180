import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { importBenchmarks } from "../benchmarks/import-benchmarks.ts";

/**
 * Rows of DfE's published 2025/26 year-to-date attendance statistics (England, the regions and
 * five local authorities, Leeds among them), bundled so the demo school has benchmarks at once.
 */
export const DEMO_BENCHMARKS_FILE = join(
  checkoutRoot(import.meta.dirname),
  "src/app/demo/dfe-attendance-ytd-2025-26-sample.csv",
);

/**
 * The folder holding package.json above `from`: this module runs from src/app/demo under tsx and
 * from dist/cli once bundled for `npm start`, so the sample is found from the checkout's root.
 */
function checkoutRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, "package.json"))) return dir;
  return from;
}
const DEMO_PERIOD = "202526";

/**
 * Imports the bundled DfE sample unless figures for its year are already stored (a real import
 * is never replaced by the sample). Returns whether it imported.
 */
export async function loadDemoBenchmarks(db: Kysely<DB>, at: Date): Promise<boolean> {
  const stored = await db
    .selectFrom("attendance_benchmarks")
    .select("time_period")
    .where("time_period", "=", DEMO_PERIOD)
    .executeTakeFirst();
  if (stored) return false;
  await importBenchmarks(db, await readFile(DEMO_BENCHMARKS_FILE, "utf8"), {
    by: "Rollbook demo (DfE's published sample)",
    at,
  });
  return true;
}
