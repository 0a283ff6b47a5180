import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, testServer } from "../support/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  await server?.close();
});

describe("the condition kinds the policy editor shows", () => {
  it("come with the presets, each described in words from the engine's own registry", async () => {
    const head = await server.as("head");
    const response = await head.get("/api/policy-presets");
    expect(response.statusCode).toBe(200);
    const { conditionKinds } = response.json() as {
      conditionKinds: { kind: string; title: string; summary: string; fields: unknown[] }[];
    };
    expect(conditionKinds.map((k) => k.kind)).toEqual([
      "attendance",
      "band",
      "code_count",
      "absence_days",
      "weekday_pattern",
      "spells",
      "improvement",
      "band_change",
      "review_due",
      "flag",
      "penalty_notices",
      "history",
      "refused_leave_taken",
      "in_stage",
      "all",
      "any",
      "not",
    ]);
    expect(conditionKinds[0]).toMatchObject({
      title: "Attendance ({period})",
      fields: expect.arrayContaining([
        expect.objectContaining({ path: "below", label: "below (%)", adjustable: true }),
      ]),
    });
  });
});
