import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supersededBy } from "../../src/app/policy/decide-proposal.ts";
import type { Pupil } from "../../src/db/schema.ts";
import type { Action } from "../../src/domain/policy/types.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * One pupil's overlapping proposals on My actions: accepting one settles those it supersedes
 * (the same trigger again, or a stage the case has now reached), dismissed with that reason and
 * noted in the chronology; a proposal with a step of its own is left for a decision.
 */
let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

const start = (stage: string): Action[] => [{ type: "start_stage", stage }];
const letter: Action[] = [{ type: "letter", letter: "trust_letter_1" } as Action];

async function propose(pupil: Pupil, trigger: string, actions: Action[], key = trigger) {
  const row = await server.database.db
    .insertInto("proposed_actions")
    .values({
      school_id: server.school.id,
      pupil_id: pupil.id,
      policy_version: 1,
      trigger_id: trigger,
      trigger_name: `Trigger ${trigger}`,
      actions: JSON.stringify(actions),
      explanation: "test",
      evidence: "[]",
      evidence_end: null,
      dedupe_key: `${key}@test`,
      manual_review: false,
      proposed_on: "2025-10-06",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function statusOf(id: number) {
  return server.database.db
    .selectFrom("proposed_actions")
    .select(["status", "decision_reason"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-10-06", "09:00");
  const head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("which proposals an accepted one supersedes", () => {
  it("the same trigger, or stage moves at or before the one accepted; never a step of its own", () => {
    const order = ["stage_1", "stage_2", "stage_3"];
    const others = [
      { id: 1, triggerId: "stage_1", actions: start("stage_1") },
      { id: 2, triggerId: "stage_3", actions: start("stage_3") },
      { id: 3, triggerId: "letter_only", actions: letter },
      { id: 4, triggerId: "stage_2", actions: letter },
      { id: 5, triggerId: "unknown_stage", actions: start("stage_9") },
    ];
    expect(
      supersededBy({ triggerId: "stage_2", actions: start("stage_2") }, others, order),
    ).toEqual([1, 4]);
    // A letter-only acceptance moves no stage: only its own trigger's repeats are settled.
    expect(supersededBy({ triggerId: "letter_only", actions: letter }, others, order)).toEqual([3]);
  });
});

describe("deciding one of a pupil's overlapping proposals", () => {
  it("settles the ones it supersedes, with the reason and a line in the chronology", async () => {
    const stage1 = await propose(bilal, "stage_1", start("stage_1"));
    const again = await propose(bilal, "stage_2", start("stage_2"), "stage_2-earlier-window");
    const stage2 = await propose(bilal, "stage_2", start("stage_2"));
    const ownStep = await propose(bilal, "praise", [{ type: "praise" } as Action]);
    const accepted = await office.send("POST", url(`/proposed-actions/${stage2}/accept`));
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: "accepted", superseded: [stage1, again] });
    expect(await statusOf(stage1)).toEqual({
      status: "dismissed",
      decision_reason: `Superseded by "Trigger stage_2" (proposal ${stage2}), accepted`,
    });
    expect((await statusOf(again)).status).toBe("dismissed");
    expect((await statusOf(ownStep)).status).toBe("proposed");
    // Gone from My actions; the one left is still there.
    const listed = (await office.get(url("/proposed-actions"))).json().proposedActions;
    expect(listed.map((p: { id: number }) => p.id)).toEqual([ownStep]);
    const caseId = accepted.json().caseId as number;
    const events = (await office.get(url(`/cases/${caseId}`))).json().events;
    expect(events.map((e: { summary: string }) => e.summary)).toContain(
      'Accepting "Trigger stage_2" settled "Trigger stage_1", "Trigger stage_2" (superseded)',
    );
    // A superseded proposal cannot then be accepted: it says who settled it.
    const late = await office.send("POST", url(`/proposed-actions/${stage1}/accept`));
    expect(late.statusCode).toBe(409);
  });

  it("in a bulk decision, skips the selected proposals an earlier acceptance settled", async () => {
    const stage3 = await propose(amelia, "stage_3", start("stage_3"));
    const stage1 = await propose(amelia, "stage_1", start("stage_1"));
    const decided = await office.send("POST", url("/proposed-actions/decide"), {
      proposalIds: [stage3, stage1],
      decision: "accept",
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      decided: [{ proposalId: stage3, status: "accepted", superseded: [stage1] }],
      refused: [],
      superseded: [stage1],
    });
  });

  it("My actions asks for less: the worklist without decisions, the proposals without their evidence", async () => {
    await propose(bilal, "later", letter);
    const all = (await office.get(url("/worklist?range=week"))).json().items;
    expect(all.some((i: { kind: string }) => i.kind === "decide_proposal")).toBe(true);
    const without = (await office.get(url("/worklist?range=week&decisions=false"))).json().items;
    expect(without.some((i: { kind: string }) => i.kind === "decide_proposal")).toBe(false);
    expect(without.length).toBeLessThan(all.length);
    const [plain] = (await office.get(url("/proposed-actions"))).json().proposedActions;
    expect(plain).not.toHaveProperty("evidence");
    const [full] = (await office.get(url("/proposed-actions?withEvidence=true"))).json()
      .proposedActions;
    expect(full.evidence).toEqual([]);
    expect((await office.get(url("/proposed-actions?withEvidence=maybe"))).statusCode).toBe(400);
  });
});
