import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { aCalendar } from "../support/builders.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The trust policy's stages on a scripted pupil: Amelia misses Mondays and Tuesdays all autumn,
 * improves completely in the spring, then declines again after Easter.
 */
let server: TestServer;
let office: Client;
let amelia: Pupil;
const calendar = aCalendar();
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function on(date: string, time = "17:30"): Promise<void> {
  server.setNow(date, time);
  office = await server.as("office");
}

async function evaluateAndAccept(date: string): Promise<string[]> {
  await on(date);
  await office.send("POST", url("/policy/evaluate"), {});
  const proposals = (await office.get(url("/proposed-actions"))).json().proposedActions as {
    id: number;
    pupil_id: number;
    trigger_id: string;
    manual_review: boolean;
  }[];
  const mine = proposals.filter((p) => p.pupil_id === amelia.id);
  for (const p of mine)
    expect((await office.send("POST", url(`/proposed-actions/${p.id}/accept`))).statusCode).toBe(
      200,
    );
  return mine.map((p) => p.trigger_id).sort();
}

const isStageChange = (trigger: string) => /^stage_\d$|^stage_improved$/.test(trigger);

async function openCase() {
  return (await office.get(url("/cases")))
    .json()
    .cases.find((c: { pupil_id: number }) => c.pupil_id === amelia.id);
}

beforeAll(async () => {
  server = await testServer();
  amelia = server.pupils[0] as Pupil;
  await on("2025-09-03");
  const head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
  const rows = ["upn,date,session,code"];
  for (const date of calendar.schoolDays("2025-09-03", "2026-05-22")) {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    const autumn = date < "2026-01-01";
    const decline = date >= "2026-04-20";
    const absent = (autumn && (day === 1 || day === 2)) || (decline && day !== 3);
    for (const session of ["AM", "PM"])
      rows.push(`${amelia.upn},${date},${session},${absent ? "O" : session === "AM" ? "/" : "\\"}`);
  }
  server.setNow("2026-05-22", "17:00");
  const importer = await server.as("office");
  expect(
    (
      await importer.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
        "content-type": "text/csv",
      })
    ).statusCode,
  ).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe("the trust policy's stages", () => {
  it("warns and starts Stage 1 (Letter 1) once there are enough sessions to judge", async () => {
    expect(await evaluateAndAccept("2025-09-12")).toEqual([]); // 16 sessions: too early to judge
    // Amelia has a social worker, who is told of every unauthorised absence.
    // Sixteen O sessions within 12 weeks also meet the trust's own penalty-notice rule (Stage 4).
    expect(await evaluateAndAccept("2025-09-30")).toEqual([
      "initial_warning",
      "notify_social_worker",
      "stage_1",
      "stage_4_penalty_notice",
    ]);
    expect(await openCase()).toMatchObject({ stage_id: "stage_1", stage_started_on: "2025-09-30" });
  });

  it("keeps monitoring while absence continues, and at the capped 8-week review moves to Stage 2: ISAP and Letter 2", async () => {
    expect((await evaluateAndAccept("2025-10-28")).filter(isStageChange)).toEqual([]);
    expect(
      (await office.get(url("/worklist?range=week")))
        .json()
        .items.some((i: { kind: string }) => i.kind === "case_review"),
    ).toBe(false);
    await on("2025-11-20", "09:00");
    const worklist = (await office.get(url("/worklist?range=week"))).json().items;
    expect(worklist).toContainEqual(
      expect.objectContaining({
        kind: "case_review",
        pupilId: amelia.id,
        due: "2025-11-25",
        overdue: false,
      }),
    );
    expect((await evaluateAndAccept("2025-11-25")).filter(isStageChange)).toEqual(["stage_2"]);
    expect(await openCase()).toMatchObject({ stage_id: "stage_2", stage_started_on: "2025-11-25" });
    const letters = (await office.get(url("/worklist?range=week")))
      .json()
      .items.filter((i: { kind: string }) => i.kind === "send_letter");
    expect(letters.map((i: { summary: string }) => i.summary)).toContain(
      'Send "Letter 2: Internal School Attendance Panel meeting" (Stage 2: no improvement by the end of the Stage 1 monitoring period)',
    );
  });

  it("closes the case when attendance improves at the Stage 2 review", async () => {
    // No absence at all in the spring term: the review four weeks into Stage 2 finds improvement.
    expect((await evaluateAndAccept("2026-01-06")).filter(isStageChange)).toEqual([
      "stage_improved",
    ]);
    expect(await openCase()).toBeUndefined();
  });

  it("proposes restarting from Stage 1 when attendance declines again (Stage 5), for a person to decide", async () => {
    await on("2026-05-22");
    await office.send("POST", url("/policy/evaluate"), {});
    const proposals = (await office.get(url("/proposed-actions"))).json().proposedActions as {
      id: number;
      pupil_id: number;
      trigger_id: string;
      manual_review: boolean;
      explanation: string;
    }[];
    const restart = proposals.find(
      (p) => p.pupil_id === amelia.id && p.trigger_id === "stage_5_decline",
    );
    expect(restart?.manual_review).toBe(true);
    expect(restart?.explanation).toContain(
      "the policy leaves this step to the school's discretion",
    );
    await office.send("POST", url(`/proposed-actions/${restart?.id}/accept`));
    const reopened = await openCase();
    expect(reopened).toMatchObject({ stage_id: "stage_1" });
    const detail = (await office.get(url(`/cases/${reopened.id}`))).json();
    expect(detail.events[0].summary).toMatch(
      /^Case reopened at Stage 1: Letter 1 and monitoring \(earlier case \d+ had closed\)$/,
    );
  });
});
