import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The trust policy as written, through the API: a stage's weekly contact falls due on My
 * actions; the referrals panel explains each step's preconditions in the step's own words; a
 * safeguarding concern goes to social care whatever the attendance; proposals filter by stage,
 * year and flag and come grouped by pupil.
 */
let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
let caseId: number;

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-10-06", "09:00");
  const head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
  office = await server.as("office");
  const opened = await office.send("POST", url("/cases"), {
    pupilId: amelia.id,
    stageId: "stage_2",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().id;
});
afterAll(async () => {
  await server?.close();
});

describe("a stage's cadence and status", () => {
  it("shows the stage's status and puts its weekly contact on My actions a week after it began", async () => {
    const detail = (await office.get(url(`/cases/${caseId}`))).json();
    expect(detail.stageStatus).toBe("On an attendance plan");
    const today = (await office.get(url("/worklist?range=today"))).json().items;
    expect(today.filter((i: { kind: string }) => i.kind === "stage_contact")).toEqual([]);
    server.setNow("2025-10-08", "09:00");
    office = await server.as("office");
    const week = (await office.get(url("/worklist?range=week"))).json().items;
    expect(week.find((i: { kind: string }) => i.kind === "stage_contact")).toMatchObject({
      due: "2025-10-13",
      pupilId: amelia.id,
      summary: "Weekly contact with the family (On an attendance plan)",
    });
  });
});

describe("referrals with their preconditions explained", () => {
  it("says what each step needs first, and lists who counts as a parent", async () => {
    const ready = await office.get(url(`/cases/${caseId}/referrals`));
    expect(ready.statusCode, ready.body).toBe(200);
    const steps = Object.fromEntries(
      ready
        .json()
        .steps.map((s: { kind: string; ready: boolean; reasons: string[] }) => [s.kind, s]),
    );
    expect(steps.notice_to_improve.ready).toBe(false);
    expect(steps.notice_to_improve.reasons.join(" ")).toContain("support comes first");
    expect(steps.penalty_notice.reasons.join(" ")).toContain("threshold is not met");
    expect(steps.social_care.reasons.join(" ")).toMatch(/not below 50%/);
    // Nothing was written by asking: the chronology holds only the case's opening.
    const events = (await office.get(url(`/cases/${caseId}`))).json().events;
    expect(events.map((e: { kind: string }) => e.kind)).not.toContain("notice_to_improve");
  });

  it("never blocks a social care referral for a safeguarding concern by attendance", async () => {
    await server.database.db
      .updateTable("pupils")
      .set({ safeguarding_concern: true })
      .where("id", "=", amelia.id)
      .execute();
    const steps = (await office.get(url(`/cases/${caseId}/referrals`))).json().steps;
    expect(steps.find((s: { kind: string }) => s.kind === "social_care")).toMatchObject({
      ready: true,
      reasons: [],
    });
    const referred = await office.send("POST", url(`/cases/${caseId}/social-care-referral`), {
      reason: "Disclosure in school; home visit found no one in",
    });
    expect(referred.statusCode, referred.body).toBe(200);
  });
});

describe("My actions' proposals", () => {
  it("filter by stage, year group and flag, and come one pupil's together", async () => {
    const db = server.database.db;
    for (const [pupil, trigger] of [
      [bilal, "initial_warning"],
      [amelia, "stage_3"],
      [bilal, "stage_1"],
    ] as const) {
      await db
        .insertInto("proposed_actions")
        .values({
          school_id: server.school.id,
          pupil_id: pupil.id,
          policy_version: 1,
          trigger_id: trigger,
          trigger_name: trigger,
          actions: "[]",
          explanation: "test",
          evidence: "[]",
          evidence_end: null,
          dedupe_key: `${trigger}@test`,
          manual_review: false,
          proposed_on: trigger === "stage_1" ? "2025-10-06" : "2025-10-03",
        })
        .execute();
    }
    const list = async (query: string) =>
      (await office.get(url(`/proposed-actions?${query}`))).json();
    const grouped = await list("order=pupil");
    expect(grouped.proposedActions.map((p: { trigger_id: string }) => p.trigger_id)).toEqual(
      amelia.legal_surname <= bilal.legal_surname && amelia.id < bilal.id
        ? ["stage_3", "stage_1", "initial_warning"]
        : ["stage_1", "initial_warning", "stage_3"],
    );
    expect(grouped.filters.stages.map((s: { id: string }) => s.id)).toContain("stage_2");
    const atStage2 = await list("stageId=stage_2");
    expect(atStage2.proposedActions.map((p: { pupil_id: number }) => p.pupil_id)).toEqual([
      amelia.id,
    ]);
    expect((await list("stageId=none")).total).toBe(2);
    expect((await list("flag=safeguarding_concern")).total).toBe(1);
    const yearGroupId = grouped.filters.yearGroups[0]?.id as number;
    await db
      .updateTable("pupils")
      .set({ year_group_id: yearGroupId })
      .where("id", "=", amelia.id)
      .execute();
    await db
      .updateTable("pupils")
      .set({ year_group_id: null })
      .where("id", "=", bilal.id)
      .execute();
    const years = await db
      .selectFrom("pupils")
      .select(["id", "year_group_id"])
      .where("id", "in", [amelia.id, bilal.id])
      .execute();
    const year = (id: number) => years.find((y) => y.id === id)?.year_group_id;
    expect(grouped.filters.yearGroups.map((y: { id: number }) => y.id)).toContain(year(amelia.id));
    expect((await list(`yearGroupId=${year(amelia.id)}`)).total).toBe(
      [amelia.id, bilal.id, bilal.id].filter((id) => year(id) === year(amelia.id)).length,
    );
    const bad = await office.get(url("/proposed-actions?flag=moon"));
    expect(bad.statusCode).toBe(400);
  });
});
