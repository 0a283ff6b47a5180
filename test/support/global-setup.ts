import { preparePGliteTemplate, preparePostgresTemplate } from "./database.ts";

/** Migrates the template every test file's database is cloned from, once per run. */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) await preparePostgresTemplate(url);
  else await preparePGliteTemplate();
}
