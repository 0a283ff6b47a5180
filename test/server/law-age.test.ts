import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schoolDashboard } from "../../src/app/dashboard.ts";
import { evaluateSchool } from "../../src/app/policy/evaluate-school.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { notOfCompulsorySchoolAge } from "../../src/domain/age.ts";
import { NATIONAL_PENALTY_NOTICE_TRIGGER } from "../../src/domain/policy/presets/national.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { aCalendar } from "../support/builders.ts";
import { aPupilRegister, evaluate, indexFor } from "../support/policy.ts";
import { type TestServer, testServer } from "../support/server.ts";

/**
 * The law's age rule: penalty notices, notices to improve and prosecution, and persistent and
 * severe absence in DfE figures, are for pupils of compulsory school age only. Dev is a Reception
 * child here (born 1 June 2021: 4 on 31 August 2025, of compulsory school age from 31 August 2026).
 */
const RECEPTION_DOB = "2021-06-01";
let server: TestServer;
let dev: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  [, , chloe, dev] = server.pupils as [Pupil, Pupil, Pupil, Pupil];
  const { db } = server.database;
  await db
    .updateTable("pupils")
    .set({ date_of_birth: RECEPTION_DOB })
    .where("id", "=", dev.id)
    .execute();
  // A week of term-time holiday each, then present: 10 sessions of G, the national threshold.
  for (const pupil of [dev, chloe])
    await writeAttendance(db, server.school.id, pupil.id, "2025-09-03", "2025-09-19", [
      ...daysOf("2025-09-08", 5, "G"),
      ...daysOf("2025-09-15", 3, "G"),
    ]);
  server.setNow("2025-09-03", "08:30");
  const head = await server.as("head");
  const adopted = await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" });
  expect(adopted.statusCode, adopted.body).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

describe("compulsory school age", () => {
  it("names the rule when a child is not yet of compulsory school age", () => {
    expect(notOfCompulsorySchoolAge(RECEPTION_DOB, "2025-09-12")).toMatch(
      /not of compulsory school age on 2025-09-12: it starts on 2026-08-31.*Education Act 1996 s8/,
    );
    expect(notOfCompulsorySchoolAge("2020-06-01", "2025-09-12")).toBeNull();
    expect(notOfCompulsorySchoolAge("2009-10-15", "2026-07-01")).toMatch(/past compulsory/);
  });

  it("never proposes a penalty notice for a Reception child, but does for a Year 8 pupil", async () => {
    const policy: Policy = {
      name: "national",
      target: 96,
      bands: [{ id: "all", name: "All", colour: "#000", min: 0 }],
      stages: [],
      triggers: [NATIONAL_PENALTY_NOTICE_TRIGGER],
    };
    const index = indexFor(aCalendar());
    const codes = aPupilRegister(index, "2025-09-12", daysOf("2025-09-08", 5, "G"));
    expect(evaluate(policy, index, "2025-09-12", codes, { dateOfBirth: RECEPTION_DOB })).toEqual(
      [],
    );
    expect(
      evaluate(policy, index, "2025-09-12", codes, { dateOfBirth: "2020-06-01" }),
    ).toHaveLength(1);

    const { db } = server.database;
    await evaluateSchool(db, server.school.id, "2025-09-12");
    const proposed = await db
      .selectFrom("proposed_actions")
      .select(["pupil_id", "trigger_id"])
      .where("school_id", "=", server.school.id)
      .where("trigger_id", "=", NATIONAL_PENALTY_NOTICE_TRIGGER.id)
      .execute();
    expect(proposed.map((p) => p.pupil_id)).toEqual([chloe.id]);
  });

  it("refuses a penalty-notice referral and a notice to improve for a Reception child, naming the age rule", async () => {
    server.setNow("2025-09-19", "10:00");
    const office = await server.as("office");
    const opened = await office.send("POST", url("/cases"), {
      pupilId: dev.id,
      stageId: "notice_to_improve",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id as number;
    const contact = await server.database.db
      .insertInto("contacts")
      .values({
        school_id: server.school.id,
        pupil_id: dev.id,
        priority: 1,
        name: "Dana Parent",
        relationship: "mother",
        parental_responsibility: true,
        phone: "07700900001",
        email: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const referral = await office.send("POST", url(`/cases/${caseId}/penalty-notice-referral`), {
      contactIds: [contact.id],
    });
    expect(referral.statusCode).toBe(400);
    expect(referral.json().error.message).toContain(
      "not of compulsory school age on 2025-09-19: it starts on 2026-08-31",
    );
    const notice = await office.send("POST", url(`/cases/${caseId}/notice-to-improve`), {});
    expect(notice.statusCode).toBe(400);
    expect(notice.json().error.message).toContain("penalty notices and prosecution apply only");
  });

  it("never counts a Reception child as persistently or severely absent in the dashboard's figures", async () => {
    const dashboard = await schoolDashboard(server.database.db, server.school.id, {
      from: "2025-09-03",
      to: "2025-09-19",
    });
    const row = (p: Pupil) => dashboard.pupils.find((r) => r.pupilId === p.id);
    expect(row(chloe)).toMatchObject({ persistentlyAbsent: true, severelyAbsent: true });
    expect(row(dev)).toMatchObject({ persistentlyAbsent: false, severelyAbsent: false });
    expect(dashboard.overall.persistentAbsentees).toBe(1);
    expect(dashboard.overall.persistentAbsenceRate).toEqual({ numerator: 1, denominator: 1 });
    const office = await server.as("office");
    const own = await office.get(url(`/pupils/${dev.id}/statistics?from=2025-09-03&to=2025-09-19`));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().statistics).toMatchObject({ persistentlyAbsent: false, absence: 16 });
    // Their absence still counts in the school's absence rate.
    expect(dashboard.overall.absence).toBe(32);
  });
});
