import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pupilReport } from "../../src/app/attendance-statistics.ts";
import { demoAccountsToShow } from "../../src/app/demo/demo-accounts.ts";
import { createDemoTrust, type DemoTrustSummary } from "../../src/app/demo/demo-trust.ts";
import { schoolsInScope } from "../../src/app/oversight/overview.ts";
import type { Database } from "../../src/db/database.ts";
import { currentPolicy } from "../../src/db/repositories/policies.ts";
import { findUserByEmail, grantsOf } from "../../src/db/repositories/users.ts";
import { testDatabase } from "../support/database.ts";

const TODAY = "2026-11-25";
let database: Database;
let demo: DemoTrustSummary;

beforeAll(async () => {
  database = await testDatabase();
  demo = await createDemoTrust(database.db, { seed: 5, today: TODAY, pupilsPerForm: 2 });
}, 180_000);
afterAll(async () => {
  await database?.close();
});

const actorFor = async (email: string) => {
  const user = await findUserByEmail(database.db, email);
  if (!user) throw new Error(`no demo account ${email}`);
  return {
    userId: user.id,
    name: user.name,
    email,
    grants: await grantsOf(database.db, user.id),
  };
};

describe("the demo trust", () => {
  it("is a secondary, a primary and a special school of one trust in one local authority", async () => {
    const schools = await database.db
      .selectFrom("schools")
      .select(["name", "phase", "trust_id", "la_code"])
      .orderBy("id")
      .execute();
    expect(schools.map((s) => [s.name, s.phase])).toEqual([
      ["Northfield Academy", "secondary"],
      ["Riverside Primary School", "primary"],
      ["Brook House School", "special"],
    ]);
    expect(new Set(schools.map((s) => s.trust_id)).size).toBe(1);
    expect(new Set(schools.map((s) => s.la_code))).toEqual(new Set(["383"]));
  });

  it("gives each school its own policy, its own pupils and registers taken", async () => {
    const ids = [demo.northfield.school.id, ...demo.schools.map((s) => s.school.id)];
    const policies = await Promise.all(ids.map((id) => currentPolicy(database.db, id)));
    const names = policies.map((p) => p?.policy.name);
    expect(names.every((n) => typeof n === "string")).toBe(true);
    expect(new Set(names).size).toBe(3);
    for (const id of ids) {
      const counts = await database.db
        .selectFrom("pupils")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("school_id", "=", id)
        .executeTakeFirstOrThrow();
      const registers = await database.db
        .selectFrom("registers_taken")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("school_id", "=", id)
        .executeTakeFirstOrThrow();
      expect(Number(counts.n), `pupils of school ${id}`).toBeGreaterThan(5);
      expect(Number(registers.n), `registers of school ${id}`).toBeGreaterThan(100);
    }
    const [primary, special] = demo.schools;
    expect(primary?.pupils).toBe(14); // Years 1 to 6 and last year's Year 6, two classes of one
    expect(special?.pupils).toBe(7); // Years 7 to 11 and last year's leavers, and the joiner
    expect(primary?.marks).toBeGreaterThan(2_000);
  });

  it("follows one pupil who left Northfield and joined Brook House a week later", async () => {
    const mover = demo.mover;
    if (!mover) throw new Error("the demo has no pupil who moved");
    expect(mover.to).toBe("Brook House School");
    const enrolments = await database.db
      .selectFrom("pupils as p")
      .innerJoin("schools as s", "s.id", "p.school_id")
      .select(["s.name", "p.id", "p.school_id", "p.admission_date", "p.leaving_date"])
      .where("p.upn", "=", mover.upn)
      .orderBy("p.admission_date")
      .execute();
    expect(enrolments.map((e) => [e.name, e.leaving_date])).toEqual([
      ["Northfield Academy", mover.left],
      ["Brook House School", null],
    ]);
    expect(enrolments[1]?.admission_date).toBe(mover.joins);
    const [before, after] = await Promise.all(
      enrolments.map((e) =>
        pupilReport(database.db, e.school_id, e.id, { from: "2026-09-01", to: TODAY }),
      ),
    );
    expect(before?.statistics.possible).toBeGreaterThan(0);
    expect(after?.statistics.possible).toBeGreaterThan(0);
    // No marks at Northfield after the day they left.
    const late = await database.db
      .selectFrom("session_marks")
      .select("date")
      .where("school_id", "=", enrolments[0]?.school_id as number)
      .where("pupil_id", "=", enrolments[0]?.id as number)
      .where("date", ">", mover.left)
      .execute();
    expect(late).toEqual([]);
  });

  it("lets the trust and the LA officer oversee all three, and lists each school's head on the sign-in page", async () => {
    for (const email of ["trust@riverside.example", "la@leeds.example"]) {
      const schools = await schoolsInScope(database.db, await actorFor(email), {});
      expect(schools, email).toHaveLength(3);
    }
    const shown = await demoAccountsToShow(database.db);
    const heads = shown.filter((a) => a.role === "head_of_school").map((a) => a.school);
    expect(heads).toEqual(["Northfield Academy", "Riverside Primary School", "Brook House School"]);
    const tutor = await actorFor("tutor.3r@riverside-primary.example");
    expect(tutor.grants).toMatchObject([{ role: "teacher", schoolId: demo.schools[0]?.school.id }]);
  });
});
