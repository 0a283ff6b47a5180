import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { savePolicyVersion } from "../../src/db/repositories/policies.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { LA_CONTRACT_PROCESS_POLICY as LA_CONTRACT_PROCESS } from "../../src/domain/policy/presets/la-contract-process.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * "Any further unauthorised absence after the notice to improve was issued", through the API:
 * the notice issued on Monday 13 October after five days of O; one more O on 22 October. The
 * daily evaluation and the simulation both propose on the 22nd, on that one mark only.
 */
let server: TestServer;
let office: Client;
let head: Client;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

const policy: Policy = {
  ...LA_CONTRACT_PROCESS,
  triggers: [
    {
      id: "further_absence_after_notice",
      name: "Further unauthorised absence after the notice to improve",
      when: {
        kind: "code_count",
        codes: ["G", "N", "O", "U"],
        atLeast: 1,
        window: { after: "notice_to_improve" },
      },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
    },
  ],
};

beforeAll(async () => {
  server = await testServer();
  [, bilal] = server.pupils as [Pupil, Pupil];
  const { db } = server.database;
  await writeAttendance(db, server.school.id, bilal.id, "2025-09-03", "2025-10-24", [
    ...daysOf("2025-10-06", 5, "O"),
    ["2025-10-22", "AM", "O"],
  ]);
  await savePolicyVersion(db, server.school.id, policy, "test");
  server.setNow("2025-10-13", "10:00");
  office = await server.as("office");
  const opened = await office.send("POST", url("/cases"), {
    pupilId: bilal.id,
    stageId: "contract",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  // The notice to improve needs a contract meeting held first.
  await db
    .insertInto("meetings")
    .values({
      school_id: server.school.id,
      case_id: opened.json().id,
      kind: "attendance_contract_meeting",
      invited_on: "2025-09-20",
      scheduled_for: new Date("2025-09-29T09:00:00Z"),
      format: "in_person",
      attendees: JSON.stringify([]),
      status: "held",
      recorded_by: "test",
    })
    .execute();
  const notice = await office.send("POST", url(`/cases/${opened.json().id}/notice-to-improve`), {});
  expect(notice.statusCode, notice.body).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

interface Proposal {
  trigger_id: string;
  proposed_on: string;
  evidence: { date: string; session: string; code: string }[];
  explanation: string;
}

async function evaluateOn(date: string): Promise<Proposal[]> {
  server.setNow(date, "17:30");
  head = await server.as("head");
  const run = await head.send("POST", url("/policy/evaluate"), { date });
  expect(run.statusCode, run.body).toBe(200);
  const listed = await head.get(url("/proposed-actions?withEvidence=true"));
  expect(listed.statusCode, listed.body).toBe(200);
  return (listed.json().proposedActions as Proposal[]).filter(
    (p) => p.trigger_id === "further_absence_after_notice",
  );
}

describe("a window after the notice to improve, live and simulated", () => {
  it("proposes nothing on the five days of O that led to the notice", async () => {
    expect(await evaluateOn("2025-10-13")).toEqual([]);
    expect(await evaluateOn("2025-10-21")).toEqual([]);
  });

  it("proposes on the first further absence, with only that mark as evidence", async () => {
    const [proposal, ...more] = await evaluateOn("2025-10-22");
    expect(more).toEqual([]);
    expect(proposal?.proposed_on).toBe("2025-10-22");
    expect(proposal?.evidence).toEqual([{ date: "2025-10-22", session: "AM", code: "O" }]);
    expect(proposal?.explanation).toContain("since the notice to improve (after 13 Oct 2025)");
  });

  it("the simulation over the same days proposes the same, on the same day", async () => {
    const simulated = await head.send("POST", url("/policy/simulate"), {
      policy,
      from: "2025-10-06",
      to: "2025-10-24",
    });
    expect(simulated.statusCode, simulated.body).toBe(200);
    const mine = (
      simulated.json().proposals as {
        date: string;
        pupilId: number;
        triggerId: string;
        explanation: string;
      }[]
    ).filter((p) => p.triggerId === "further_absence_after_notice");
    expect(mine.map((p) => [p.date, p.pupilId])).toEqual([["2025-10-22", bilal.id]]);
    const [live] = await evaluateOn("2025-10-22");
    expect(mine[0]?.explanation).toBe(live?.explanation);
  });
});
