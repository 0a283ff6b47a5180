import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicy } from "../../src/app/policy/evaluate-school.ts";
import { adoptPreset, savePolicy } from "../../src/app/policy/save-policy.ts";
import { amendMark } from "../../src/app/registers/amend-mark.ts";
import { operatorContext } from "../../src/cli/context.ts";
import type { Database } from "../../src/db/database.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { testDatabase } from "../support/database.ts";
import { aSchoolWithPupils } from "../support/school.ts";

/** The command line calls the server's use cases, so it is held to the same rules. */
let database: Database;
let schoolId: number;
let pupilId: number;

beforeAll(async () => {
  database = await testDatabase();
  const { school, pupils } = await aSchoolWithPupils(database.db);
  schoolId = school.id;
  pupilId = (pupils[0] as { id: number }).id;
});
afterAll(async () => {
  await database?.close();
});

describe("policy use cases from the command line", () => {
  it("adopts a preset and saves a document as the operator, each change in the access log", async () => {
    const ctx = await operatorContext(database.db, schoolId);
    const adopted = await adoptPreset(ctx, { preset: "trust_policy" });
    expect(adopted.version).toBe(1);
    await expect(adoptPreset(ctx, { preset: "no_such_policy" })).rejects.toThrow(
      /No preset "no_such_policy"; presets: .*trust_policy/,
    );
    await expect(savePolicy(ctx, { name: "half a policy" })).rejects.toMatchObject({
      code: "invalid_input",
    });
    const rows = await database.db
      .selectFrom("policies")
      .select(["version", "created_by"])
      .where("school_id", "=", schoolId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.created_by).toContain("operator (command line)");
    const logged = await database.db
      .selectFrom("access_log")
      .select(["actor", "what", "action"])
      .where("school_id", "=", schoolId)
      .execute();
    expect(logged).toEqual([
      { actor: "operator (command line)", what: "adopt policy preset", action: "change" },
    ]);
  });

  it("refuses to evaluate a day that has not happened, as the server does", async () => {
    const ctx = {
      ...(await operatorContext(database.db, schoolId)),
      clock: () => londonInstant("2025-09-30", "18:00"),
    };
    await expect(evaluatePolicy(ctx, { date: "2025-10-01" })).rejects.toThrow(
      "A policy cannot be evaluated for a day that has not happened yet",
    );
    expect((await evaluatePolicy(ctx, {})).asOf).toBe("2025-09-30");
    expect((await evaluatePolicy(ctx, { date: "2025-09-12" })).asOf).toBe("2025-09-12");
  });

  it("amends a mark as the operator, who has no account: the history names the command line", async () => {
    const ctx = await operatorContext(database.db, schoolId);
    const at = londonInstant("2025-09-10", "12:00");
    const amended = await amendMark(
      { ...ctx, clock: () => at },
      { pupilId, date: "2025-09-09", session: "AM", code: "I", reason: "Mother phoned: ill" },
    );
    expect(amended.version).toBe(1);
    const history = await database.db
      .selectFrom("mark_history")
      .select(["changed_by", "changed_by_user_id", "code"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .execute();
    expect(history).toEqual([
      { changed_by: expect.stringContaining("operator"), changed_by_user_id: null, code: "I" },
    ]);
  });
});
