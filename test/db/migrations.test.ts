import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, migrate, openDatabase } from "../../src/db/database.ts";
import { migrations } from "../../src/db/migrations/index.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import { PRESETS } from "../../src/domain/policy/presets/index.ts";

/** Data migrations, run over rows saved before them: a fresh database stopped at the migration before. */
let database: Database;

beforeAll(async () => {
  database = await openDatabase({});
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: "public",
  });
  const { error } = await migrator.migrateTo("20261201_1300_integrity");
  if (error) throw error;
});

afterAll(async () => {
  await database?.close();
});

it("names the notice-to-improve stage in policies saved before the field existed", async () => {
  const { db } = database;
  const school = await createSchool(db, {
    name: "Saved Before",
    phase: "secondary",
    localAuthority: { code: "383", name: "Leeds" },
  });
  const withStage = structuredClone(PRESETS.la_contract_process);
  if (withStage?.casework) delete withStage.casework.noticeToImproveStage;
  const withoutStage = structuredClone(PRESETS.primary_rag);
  for (const [version, document] of [withStage, withoutStage].entries()) {
    await sql`insert into policies (school_id, version, name, document, created_by)
              values (${school.id}, ${version + 1}, 'saved', ${JSON.stringify(document)}, 'test')`.execute(
      db,
    );
  }
  await migrate(database);
  const saved = await sql<{ version: number; stage: string | null }>`
    select version, document -> 'casework' ->> 'noticeToImproveStage' as stage
    from policies where school_id = ${school.id} order by version`.execute(db);
  expect(saved.rows).toEqual([
    { version: 1, stage: "notice_to_improve" },
    { version: 2, stage: null },
  ]);
});
