import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { aCalendar } from "../support/builders.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/** My actions in bulk: every proposal counted and paged, many decided with one reason. */
let server: TestServer;
let office: Client;
let pupils: Pupil[];
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  pupils = server.pupils.slice(0, 3);
  server.setNow("2025-10-10", "10:00");
  const head = await server.as("head");
  office = await server.as("office");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" })).statusCode,
  ).toBe(201);
  const rows = ["upn,date,session,code"];
  for (const date of aCalendar().schoolDays("2025-09-03", "2025-10-09")) {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    for (const pupil of pupils)
      for (const session of ["AM", "PM"])
        rows.push(
          `${pupil.upn},${date},${session},${day === 1 || day === 2 ? "O" : session === "AM" ? "/" : "\\"}`,
        );
  }
  const imported = await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
  expect((await office.send("POST", url("/policy/evaluate"), {})).statusCode).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe("proposals in bulk", () => {
  it("counts every proposal and pages through them", async () => {
    const all = (await office.get(url("/proposed-actions?limit=1000"))).json();
    expect(all.total).toBe(all.proposedActions.length);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const first = (await office.get(url("/proposed-actions?limit=2"))).json();
    const rest = (await office.get(url("/proposed-actions?limit=1000&offset=2"))).json();
    expect(first.total).toBe(all.total);
    expect(first.proposedActions).toHaveLength(2);
    expect(
      [...first.proposedActions, ...rest.proposedActions].map((p: { id: number }) => p.id),
    ).toEqual(all.proposedActions.map((p: { id: number }) => p.id));
    const trigger = all.proposedActions[0].trigger_id;
    const one = (await office.get(url(`/proposed-actions?triggerId=${trigger}`))).json();
    expect(one.total).toBe(
      all.proposedActions.filter((p: { trigger_id: string }) => p.trigger_id === trigger).length,
    );
  });

  it("dismisses many with one reason, and reports the ones already decided", async () => {
    const all = (await office.get(url("/proposed-actions?limit=1000"))).json().proposedActions;
    const ids = all.slice(0, 2).map((p: { id: number }) => p.id);
    const noReason = await office.send("POST", url("/proposed-actions/decide"), {
      proposalIds: ids,
      decision: "dismiss",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toBe("Say why the proposals are dismissed");
    const dismissed = await office.send("POST", url("/proposed-actions/decide"), {
      proposalIds: ids,
      decision: "dismiss",
      reason: "Already known to the EWO",
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json().decided.map((d: { status: string }) => d.status)).toEqual([
      "dismissed",
      "dismissed",
    ]);
    const stored = await server.database.db
      .selectFrom("proposed_actions")
      .select(["status", "decision_reason"])
      .where("id", "in", ids)
      .execute();
    expect(stored).toEqual([
      { status: "dismissed", decision_reason: "Already known to the EWO" },
      { status: "dismissed", decision_reason: "Already known to the EWO" },
    ]);
    const remaining = all.slice(2).map((p: { id: number }) => p.id);
    const accepted = await office.send("POST", url("/proposed-actions/decide"), {
      proposalIds: [ids[0], ...remaining],
      decision: "accept",
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().decided).toHaveLength(remaining.length);
    expect(accepted.json().refused).toEqual([
      { proposalId: ids[0], reason: expect.stringMatching(/was already dismissed/) },
    ]);
    expect((await office.get(url("/proposed-actions"))).json().total).toBe(0);
  });
});
