import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMis } from "../../../src/app/mis/connection.ts";
import { WondeProvider } from "../../../src/app/mis/wonde/provider.ts";
import { operatorContext } from "../../../src/cli/context.ts";
import type { Database } from "../../../src/db/database.ts";
import { saveAcademicYear } from "../../../src/db/repositories/calendar.ts";
import { createSchool } from "../../../src/db/repositories/schools.ts";
import { makeUpn } from "../../../src/domain/pupil.ts";
import { runMisJobs } from "../../../src/jobs/mis-sync.ts";
import { year2025 } from "../../support/builders.ts";
import { testDatabase } from "../../support/database.ts";
import { type FakeWonde, fakeWonde } from "../../support/fake-wonde.ts";

/** The scheduler's MIS job (src/jobs/mis-sync.ts): a sync every ten minutes, writeback each tick. */
let database: Database;
let wonde: FakeWonde;
let schoolId: number;
const at = (minutes: number) => new Date(Date.parse("2025-11-12T12:00:00Z") + minutes * 60_000);
const providers = () =>
  new WondeProvider(wonde.school, {
    baseUrl: wonde.base,
    token: wonde.token,
    sleep: async () => {},
  });

beforeAll(async () => {
  database = await testDatabase();
  wonde = await fakeWonde();
  wonde.students = [
    {
      id: "B1",
      upn: makeUpn("383", "4999", 24, 1),
      forename: "Ada",
      surname: "Lee",
      updatedAt: "2025-11-01T09:00:00Z",
    },
  ];
  const school = await createSchool(database.db, {
    name: "Job School",
    phase: "secondary",
    urn: null,
  });
  schoolId = school.id;
  await saveAcademicYear(database.db, schoolId, year2025());
  await connectMis(await operatorContext(database.db, schoolId), {
    provider: "wonde",
    providerSchoolId: wonde.school,
    baseUrl: wonde.base,
    tokenRef: "env:WONDE_TOKEN_JOB_TEST",
  });
});
afterAll(async () => {
  await wonde.close();
  await database.close();
});

describe("the MIS job", () => {
  it("loads a newly connected school, then syncs again only once ten minutes have passed", async () => {
    const first = await runMisJobs(database.db, at(0), providers);
    expect(first).toHaveLength(1);
    expect(first[0]?.sync).toMatchObject({ kind: "initial", state: "done" });
    expect((await runMisJobs(database.db, at(5), providers))[0]?.sync).toBeNull();
    expect((await runMisJobs(database.db, at(10), providers))[0]?.sync).toMatchObject({
      kind: "delta",
    });
    const runs = await database.db
      .selectFrom("mis_sync_runs")
      .select("trigger")
      .where("school_id", "=", schoolId)
      .execute();
    expect(runs.map((r) => r.trigger)).toEqual(["schedule", "schedule"]);
  });

  it("leaves a school whose token was refused until it is connected again", async () => {
    await database.db
      .updateTable("mis_connections")
      .set({ state: "token_refused" })
      .where("school_id", "=", schoolId)
      .execute();
    expect(await runMisJobs(database.db, at(30), providers)).toEqual([]);
  });
});
