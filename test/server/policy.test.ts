import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { runDailyEvaluation } from "../../src/jobs/daily-evaluation.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
let office: Client;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  server.setNow("2025-09-12", "16:00");
  head = await server.as("head");
  office = await server.as("office");
  [, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  // A week of term-time holiday for Bilal; Chloe ill on two days.
  const rows = ["upn,date,session,code"];
  for (const date of [
    "2025-09-03",
    "2025-09-04",
    "2025-09-05",
    "2025-09-08",
    "2025-09-09",
    "2025-09-10",
    "2025-09-11",
    "2025-09-12",
  ]) {
    for (const session of ["AM", "PM"]) {
      rows.push(`${bilal.upn},${date},${session},${date >= "2025-09-08" ? "G" : "/"}`);
      rows.push(
        `${chloe.upn},${date},${session},${date === "2025-09-04" || date === "2025-09-05" ? "I" : "/"}`,
      );
    }
  }
  const imported = await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe("the school's policy", () => {
  it("lists presets, and lets the head (not the office) adopt one", async () => {
    const presets = (await office.get("/api/policy-presets"))
      .json()
      .presets.map((p: { preset: string }) => p.preset);
    expect(presets).toEqual([
      "dfe_policy_on_a_page",
      "trust_policy",
      "primary_rag",
      "la_levels",
      "la_contract_process",
    ]);
    expect(
      (await office.send("POST", url("/policy/adopt"), { preset: "la_contract_process" }))
        .statusCode,
    ).toBe(403);
    const adopted = await head.send("POST", url("/policy/adopt"), {
      preset: "la_contract_process",
    });
    expect(adopted.statusCode).toBe(201);
    expect(adopted.json()).toEqual({
      version: 1,
      name: "Local authority attendance contract process (letters 1-9)",
    });
    expect((await office.get(url("/policy"))).json().policy.preset).toBe("la_contract_process");
  });

  it("refuses a policy that does not hang together, naming every problem", async () => {
    const policy = (await head.get(url("/policy"))).json().policy;
    const broken = {
      ...policy,
      bands: [...policy.bands].reverse(),
      triggers: [{ ...policy.triggers[0], inStage: "nowhere" }],
    };
    const response = await head.send("PUT", url("/policy"), broken);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.problems).toContain(
      'triggers[0] ("contract_invite").inStage: there is no stage "nowhere"',
    );
    const shape = await head.send("PUT", url("/policy"), { ...policy, target: 140 });
    expect(shape.json().error.message).toContain("body.target");
    const saved = await head.send("PUT", url("/policy"), {
      ...policy,
      name: "Our policy",
      target: 97,
    });
    expect(saved.json()).toEqual({ version: 2 });
    expect(
      (await head.get(url("/policy/versions")))
        .json()
        .versions.map((v: { version: number }) => v.version),
    ).toEqual([2, 1]);
  });
});

describe("evaluating the policy", () => {
  it("proposes actions with explanations naming the marks, and nothing twice", async () => {
    const first = await office.send("POST", url("/policy/evaluate"), {});
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      asOf: "2025-09-12",
      policyVersion: 2,
      proposed: 1,
      byTrigger: { national_penalty_notice: 1 },
    });
    const again = await office.send("POST", url("/policy/evaluate"), {});
    expect(again.json()).toMatchObject({ proposed: 0 });
    const list = (await office.get(url("/proposed-actions"))).json().proposedActions;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      pupil: "Bilal Pupil",
      trigger_id: "national_penalty_notice",
      status: "proposed",
    });
    expect(list[0].explanation).toContain(
      "10 sessions of G, N, O or U within the last 10 school weeks (8 Sep 2025 to 12 Sep 2025), at least 10: G on 8 Sep 2025 AM, G on 8 Sep 2025 PM",
    );
    expect(
      (await office.send("POST", url("/policy/evaluate"), { date: "2025-09-13" })).json().error
        .message,
    ).toContain("has not happened yet");
  });

  it("simulates a draft over past days without storing anything", async () => {
    const draft = (await head.get(url("/policy"))).json().policy;
    const lower = {
      ...draft,
      triggers: [
        {
          id: "two_days_illness",
          name: "Two days of illness",
          when: { kind: "absence_days", codes: ["I"], atLeast: 2, mode: "cumulative" },
          actions: [{ type: "letter", letter: "x" }],
          repeat: "once_per_year",
        },
      ],
    };
    const simulation = await office.send("POST", url("/policy/simulate"), {
      policy: lower,
      from: "2025-09-03",
      to: "2025-09-12",
    });
    expect(simulation.statusCode, simulation.body).toBe(200);
    expect(simulation.json()).toMatchObject({
      schoolDays: 8,
      totalProposals: 1,
      byTrigger: [{ triggerId: "two_days_illness", proposals: 1, pupils: 1 }],
    });
    expect(simulation.json().proposals[0]).toMatchObject({ date: "2025-09-05", pupilId: chloe.id });
    expect((await office.get(url("/proposed-actions"))).json().proposedActions).toHaveLength(1);
  });

  it("accepts a proposal once, and dismisses another only with a reason that keeps it from coming back", async () => {
    const [proposal] = (await office.get(url("/proposed-actions"))).json().proposedActions;
    const accepted = await office.send("POST", url(`/proposed-actions/${proposal.id}/accept`));
    expect(accepted.json()).toMatchObject({ status: "accepted" });
    const twice = await office.send("POST", url(`/proposed-actions/${proposal.id}/accept`));
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain(
      "already accepted by Mrs S. Office (attendance officer)",
    );
    expect(
      (
        await (
          await server.as("teacher")
        ).send("POST", url(`/proposed-actions/${proposal.id}/dismiss`), { reason: "x" })
      ).statusCode,
    ).toBe(403);
  });

  it("opens a case when a proposal starting a stage is accepted", async () => {
    const policy = (await head.get(url("/policy"))).json().policy;
    const quick = {
      ...policy,
      triggers: [
        ...policy.triggers,
        {
          id: "below_85",
          name: "Below 85%",
          when: { kind: "attendance", below: 85, period: "year_to_date" },
          inStage: "none",
          actions: [
            { type: "letter", letter: "la_1_contract_invite" },
            { type: "start_stage", stage: "contract_invite" },
          ],
          repeat: "once_per_year",
        },
      ],
    };
    expect((await head.send("PUT", url("/policy"), quick)).statusCode).toBe(201);
    expect((await office.send("POST", url("/policy/evaluate"), {})).json().byTrigger).toEqual({
      below_85: 2,
    });
    const proposals = (await office.get(url("/proposed-actions"))).json().proposedActions;
    const proposal = proposals.find((p: { pupil_id: number }) => p.pupil_id === bilal.id);
    const other = proposals.find((p: { pupil_id: number }) => p.pupil_id === chloe.id);
    const dismissedWithout = await office.send(
      "POST",
      url(`/proposed-actions/${proposal.id}/dismiss`),
      { reason: " " },
    );
    expect(dismissedWithout.statusCode).toBe(400);
    const accepted = (
      await office.send("POST", url(`/proposed-actions/${proposal.id}/accept`))
    ).json();
    expect(accepted.caseId).toEqual(expect.any(Number));
    const stored = await server.database.db
      .selectFrom("attendance_cases")
      .selectAll()
      .where("id", "=", accepted.caseId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      pupil_id: bilal.id,
      status: "open",
      stage_id: "contract_invite",
      baseline_attended: 6,
      baseline_possible: 16,
    });
    // The last day of the evidence, for windows after the absence that began the stage.
    const { evidence_end } = await server.database.db
      .selectFrom("proposed_actions")
      .select("evidence_end")
      .where("id", "=", proposal.id)
      .executeTakeFirstOrThrow();
    expect(stored.stage_evidence_end).toBe(evidence_end);
    const events = await server.database.db
      .selectFrom("case_events")
      .select(["kind", "summary"])
      .where("case_id", "=", accepted.caseId)
      .orderBy("id")
      .execute();
    expect(events).toEqual([
      { kind: "case_opened", summary: "Case opened at Attendance contract meeting invited" },
      {
        kind: "action_agreed",
        summary: 'Send "LA letter 1: invitation to an attendance contract meeting"',
      },
    ]);
    const dismissed = await office.send("POST", url(`/proposed-actions/${other.id}/dismiss`), {
      reason: "Illness with a doctor's note: no letter",
    });
    expect(dismissed.json()).toMatchObject({ status: "dismissed" });
    expect((await office.send("POST", url("/policy/evaluate"), {})).json().proposed).toBe(0);
    const record = (await office.get(url("/proposed-actions?status=dismissed"))).json()
      .proposedActions[0];
    expect(record).toMatchObject({
      decision_reason: "Illness with a doctor's note: no letter",
      decided_by: "Mrs S. Office (attendance officer)",
    });
  });
});

describe("the daily evaluation job", () => {
  it("runs once per school day after 17:00, never twice", async () => {
    const { db } = server.database;
    expect(await runDailyEvaluation(db, londonInstant("2025-09-12", "16:59"))).toEqual([]);
    const ran = await runDailyEvaluation(db, londonInstant("2025-09-12", "17:05"));
    expect(ran.map((r) => r.schoolId)).toEqual([server.school.id]);
    expect(await runDailyEvaluation(db, londonInstant("2025-09-12", "18:00"))).toEqual([]);
    expect(await runDailyEvaluation(db, londonInstant("2025-09-13", "18:00"))).toEqual([]); // Saturday
  });
});
