import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { dropFilledTemplates, preparePGliteTemplate, preparePostgresTemplate } from "./database.ts";

/**
 * Migrates the template every test file's database is cloned from, once per run, and compiles
 * the server when its sources changed, so the CLI tests run the same bundle `npm start` runs.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = join(import.meta.dirname, "../..");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--server"], {
    cwd: root,
    stdio: "inherit",
  });
  const url = process.env.TEST_DATABASE_URL;
  if (url) await preparePostgresTemplate(url);
  else await preparePGliteTemplate();
  // The workers inherit it: what a file fills once (filledTestDatabase) is shared by this run only.
  const run = `r${process.pid}${Date.now()}`;
  process.env.ROLLBOOK_TEST_RUN = run;
  return () => dropFilledTemplates(run);
}
