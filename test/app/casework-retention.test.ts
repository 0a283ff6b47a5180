import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/app/audit/retention.ts";
import type { Database } from "../../src/db/database.ts";
import { addCaseEvent } from "../../src/db/repositories/cases.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { testDatabase } from "../support/database.ts";
import { aSchoolWithPupils } from "../support/school.ts";

/**
 * Casework is kept for ever unless the school sets a retention period; then a case closed before
 * the cut-off goes with everything recorded on it, and nothing of a case still open or closed since.
 */
let database: Database;
let schoolId: number;
let pupils: Pupil[];

async function caseFor(
  pupil: Pupil,
  on: { opened: string; closed: string | null },
  reopenedFrom: number | null = null,
): Promise<number> {
  const { db } = database;
  const { id } = await db
    .insertInto("attendance_cases")
    .values({
      school_id: schoolId,
      pupil_id: pupil.id,
      status: on.closed ? "closed" : "open",
      stage_id: "stage_1",
      stage_started_on: on.opened,
      baseline_attended: 80,
      baseline_possible: 100,
      opened_on: on.opened,
      opened_by: "Mrs S. Office",
      closed_on: on.closed,
      outcome: on.closed ? "improved" : null,
      policy_version: 1,
      reopened_from: reopenedFrom,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await addCaseEvent(db, schoolId, id, {
    on: on.opened,
    by: "Mrs S. Office",
    kind: "case_opened",
    summary: "Case opened",
  });
  const meeting = await db
    .insertInto("meetings")
    .values({
      school_id: schoolId,
      case_id: id,
      kind: "parent_meeting",
      invited_on: on.opened,
      scheduled_for: new Date(`${on.opened}T14:00:00Z`),
      format: "in_person",
      location: "School office",
      attendees: JSON.stringify(["Mother"]),
      recorded_by: "Mrs S. Office",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  expect(meeting.id).toBeGreaterThan(0);
  const call = await db
    .insertInto("contact_log")
    .values({
      school_id: schoolId,
      pupil_id: pupil.id,
      case_id: id,
      happened_at: new Date(`${on.opened}T09:00:00Z`),
      method: "phone",
      direction: "outgoing",
      with_whom: "Mother",
      outcome: "no answer",
      recorded_by: "Mrs S. Office",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // A correction of the call, recorded the same day.
  await db
    .insertInto("contact_log")
    .values({
      school_id: schoolId,
      pupil_id: pupil.id,
      case_id: id,
      happened_at: new Date(`${on.opened}T09:00:00Z`),
      method: "phone",
      direction: "outgoing",
      with_whom: "Mother",
      outcome: "left message",
      corrects: call.id,
      recorded_by: "Mrs S. Office",
    })
    .execute();
  return id;
}

const left = async (table: "attendance_cases" | "case_events" | "meetings" | "contact_log") =>
  (await database.db.selectFrom(table).select("id").where("school_id", "=", schoolId).execute())
    .length;

beforeAll(async () => {
  database = await testDatabase();
  ({
    school: { id: schoolId },
    pupils,
  } = await aSchoolWithPupils(database.db, 3));
});
afterAll(async () => {
  await database?.close();
});

describe("casework retention", () => {
  it("keeps casework for ever without a rule, then purges only cases closed before the cut-off", async () => {
    const [a, b, c] = pupils as [Pupil, Pupil, Pupil];
    const old = await caseFor(a, { opened: "2017-09-20", closed: "2018-03-01" });
    // A later case that reopened the old one keeps its own record.
    const reopened = await caseFor(a, { opened: "2024-09-20", closed: null }, old);
    await caseFor(b, { opened: "2023-01-10", closed: "2024-06-01" });
    await caseFor(c, { opened: "2016-01-10", closed: null });
    const all = {
      cases: await left("attendance_cases"),
      events: await left("case_events"),
      meetings: await left("meetings"),
      calls: await left("contact_log"),
    };
    expect(all).toEqual({ cases: 4, events: 4, meetings: 4, calls: 8 });

    expect(await purgeExpired(database.db, schoolId, "2026-11-25")).toEqual({});
    expect(await left("attendance_cases")).toBe(4);

    await database.db
      .insertInto("retention_rules")
      .values({
        school_id: schoolId,
        kind: "casework",
        keep_years: 6,
        set_by: "Mr H. Head",
        set_at: new Date(),
      })
      .execute();
    // The case closed in March 2018 with its event, meeting, call and the call's correction.
    expect(await purgeExpired(database.db, schoolId, "2026-11-25")).toEqual({ casework: 5 });
    expect(await left("attendance_cases")).toBe(3);
    expect(await left("case_events")).toBe(3);
    expect(await left("meetings")).toBe(3);
    expect(await left("contact_log")).toBe(6);
    const kept = await database.db
      .selectFrom("attendance_cases")
      .select(["id", "reopened_from"])
      .where("id", "=", reopened)
      .executeTakeFirstOrThrow();
    expect(kept.reopened_from).toBeNull();
  });

  it("still refuses to change or delete casework outside a purge", async () => {
    await expect(
      database.db.deleteFrom("case_events").where("school_id", "=", schoolId).execute(),
    ).rejects.toThrow(/append-only casework record/);
  });
});
