import { describe, expect, it } from "vitest";
import { firstStart } from "../../src/app/accounts/first-start.ts";
import { createDemoSchool } from "../../src/app/demo/create-demo-school.ts";
import { demoAccountsToShow } from "../../src/app/demo/demo-accounts.ts";
import { buildApp } from "../../src/server/app.ts";
import { testDatabase } from "../support/database.ts";

/** Finding 1 of issue 13: no deployment has a public administrator password. */
const ADMIN = { email: "Head.Of.IT@school.example", password: "a lantern by the gate" };
const today = "2026-01-14";

describe("the first start", () => {
  it("of an empty PostgreSQL database creates no demo and no account, and says how to add one", async () => {
    const database = await testDatabase();
    // The same database seen as a server deployment (DATABASE_URL): the kind is what decides.
    const result = await firstStart({ db: database.db, kind: "postgres" }, { today, admin: {} });
    expect(result).toEqual({ loadedDemo: false, demo: false, administrator: { kind: "missing" } });
    expect(await database.db.selectFrom("users").select("email").execute()).toEqual([]);
    expect(await database.db.selectFrom("schools").select("id").execute()).toEqual([]);
    await database.close();
  });

  it("takes the first administrator from the environment once, and never a default password", async () => {
    const database = await testDatabase();
    const postgres = { db: database.db, kind: "postgres" as const };
    const first = await firstStart(postgres, { today, admin: ADMIN });
    expect(first.administrator).toEqual({ kind: "created", email: "head.of.it@school.example" });
    const again = await firstStart(postgres, {
      today,
      admin: { email: "someone.else@school.example", password: "another long phrase" },
    });
    expect(again.administrator).toEqual({ kind: "exists" });
    const users = await database.db.selectFrom("users").select("email").execute();
    expect(users).toEqual([{ email: "head.of.it@school.example" }]);
    const app = await buildApp({ database, logLevel: "silent" });
    const demoLogin = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "admin@rollbook.example", password: "northfield-demo" },
    });
    expect(demoLogin.statusCode).toBe(401);
    const deployment = await app.inject({ method: "GET", url: "/api/auth/deployment" });
    expect(deployment.json()).toEqual({ demo: false, demoAccounts: [] });
    await app.close();
    await database.close();
  });

  it("refuses a weak administrator password from the environment, naming the rule", async () => {
    const database = await testDatabase();
    await expect(
      firstStart(
        { db: database.db, kind: "postgres" },
        { today, admin: { email: "a@school.example", password: "northfield-demo" } },
      ),
    ).rejects.toThrow(/data breaches/);
    await database.close();
  });

  it("of an empty embedded database loads the demo, recorded as a demo and shown as one", async () => {
    const database = await testDatabase();
    // Embedded whichever database the tests run on: the kind is what decides.
    const result = await firstStart(
      { db: database.db, kind: "pglite" },
      { today, admin: {}, demoPupilsPerForm: 1 },
    );
    expect(result).toMatchObject({ loadedDemo: true, demo: true, administrator: { kind: "demo" } });
    expect((await demoAccountsToShow(database.db)).map((a) => a.email)).toContain(
      "admin@rollbook.example",
    );
    const app = await buildApp({ database, logLevel: "silent" });
    const deployment = (await app.inject({ method: "GET", url: "/api/auth/deployment" })).json();
    expect(deployment.demo).toBe(true);
    expect(deployment.demoPassword).toBe("northfield-demo");
    expect(deployment.demoAccounts.length).toBeGreaterThan(5);
    await app.close();
    await database.close();
  }, 60_000);

  it("never loads the demo's shared-password accounts into a real deployment", async () => {
    const database = await testDatabase();
    await firstStart({ db: database.db, kind: "postgres" }, { today, admin: ADMIN });
    await expect(
      createDemoSchool(database.db, { seed: 1, today, pupilsPerForm: 1 }),
    ).rejects.toThrow(/real deployment/);
    expect(await database.db.selectFrom("schools").select("id").execute()).toEqual([]);
    await database.close();
  });
});
