import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/** School A on the trust policy, which lists its exceptional circumstances and refuses holidays. */
let server: TestServer;
let head: Client;
let parent: Client;
let amelia: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const circumstance = "Service personnel returning from or about to embark on a tour of duty abroad";

async function ask(fromDate: string): Promise<number> {
  const asked = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
    fromDate,
    toDate: fromDate,
    reason: "Her father returns from a six-month deployment that week",
  });
  expect(asked.statusCode, asked.body).toBe(201);
  return asked.json().id;
}

beforeAll(async () => {
  server = await testServer();
  amelia = server.pupils[0] as Pupil;
  head = await server.as("head");
  parent = await server.as("parent");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

describe("the policy's leave rules hold when the head decides", () => {
  it("asks which of the policy's exceptional circumstances applies, and records it", async () => {
    const id = await ask("2025-09-10");
    const decide = (body: object) =>
      head.send("POST", url(`/leave-requests/${id}/decide`), { authorise: true, ...body });
    const unnamed = await decide({ reason: "Authorised" });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.message).toContain(
      "Choose which of the policy's exceptional circumstances applies",
    );
    expect(unnamed.json().error.message).toContain(circumstance);
    const invented = await decide({ reason: "Authorised", circumstance: "A cheaper flight" });
    expect(invented.statusCode).toBe(400);
    // Nothing was decided by the refusals: the request still waits.
    const waiting = (await head.get(url("/leave-requests?status=pending"))).json().requests;
    expect(waiting.map((r: { id: number }) => r.id)).toContain(id);

    const decided = await decide({ reason: "Authorised for the homecoming", circumstance });
    expect(decided.statusCode, decided.body).toBe(200);
    const seen = (await parent.get(url("/leave-requests"))).json().requests;
    expect(seen.find((r: { id: number }) => r.id === id)).toMatchObject({
      status: "authorised",
      decision_reason: `${circumstance}. Authorised for the homecoming`,
    });
    const planned = await server.database.db
      .selectFrom("planned_absences")
      .select(["code", "reason"])
      .where("school_id", "=", server.school.id)
      .where("pupil_id", "=", amelia.id)
      .executeTakeFirstOrThrow();
    expect(planned.code).toBe("C");
    expect(planned.reason).toContain(`(${circumstance})`);
  });

  it("refuses to authorise a holiday where the policy says a holiday is never exceptional", async () => {
    const id = await ask("2025-09-17");
    const holiday = await head.send("POST", url(`/leave-requests/${id}/decide`), {
      authorise: true,
      reason: "Authorised",
      circumstance,
      holiday: true,
    });
    expect(holiday.statusCode).toBe(400);
    expect(holiday.json().error.message).toContain("does not treat a holiday as an exceptional");
    // Refusing needs no circumstance, and names the policy's refusal letter to write.
    const refused = await head.send("POST", url(`/leave-requests/${id}/decide`), {
      authorise: false,
      reason: "A holiday is not an exceptional circumstance",
      holiday: true,
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json().status).toBe("refused");
  });
});
