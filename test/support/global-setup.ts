import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { preparePGliteTemplate, preparePostgresTemplate } from "./database.ts";

/**
 * Migrates the template every test file's database is cloned from, once per run, and compiles
 * the server when its sources changed, so the CLI tests run the same bundle `npm start` runs.
 */
export default async function setup(): Promise<void> {
  const root = join(import.meta.dirname, "../..");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--server"], {
    cwd: root,
    stdio: "inherit",
  });
  const url = process.env.TEST_DATABASE_URL;
  if (url) await preparePostgresTemplate(url);
  else await preparePGliteTemplate();
}
