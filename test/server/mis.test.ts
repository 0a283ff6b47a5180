import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUpn } from "../../src/domain/pupil.ts";
import type { MisStatusView } from "../../src/server/mis/mis.schema.ts";
import { type FakeWonde, fakeWonde } from "../support/fake-wonde.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/** Settings > MIS through the API: connect, run now with progress, the run's counts, conflicts. */
let server: TestServer;
let wonde: FakeWonde;
let head: Client;
const TOKEN_ENV = "WONDE_TOKEN_SERVER_TEST";

beforeAll(async () => {
  server = await testServer();
  server.setNow("2025-11-12", "12:00");
  wonde = await fakeWonde();
  process.env[TOKEN_ENV] = wonde.token;
  wonde.students = [1, 2].map((n) => ({
    id: `B${n}`,
    upn: makeUpn("383", "4999", 24, 900 + n),
    forename: `Synced${n}`,
    surname: "Pupil",
    updatedAt: "2025-11-01T09:00:00Z",
  }));
  head = await server.as("head");
});
afterAll(async () => {
  delete process.env[TOKEN_ENV];
  await wonde?.close();
  await server?.close();
});

const base = () => `/api/schools/${server.school.id}/mis`;

describe("the MIS settings", () => {
  it("says when no MIS is connected, and refuses a token given in place of its name", async () => {
    const status = await head.get(base());
    expect(status.statusCode).toBe(200);
    expect(status.json().connection).toBeNull();
    const bad = await head.send("PUT", base(), {
      provider: "wonde",
      providerSchoolId: wonde.school,
      baseUrl: wonde.base,
      tokenRef: "abc123-the-token-itself",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/env:NAME/);
  });

  it("connects, runs a sync now and shows its progress and counts", async () => {
    const connected = await head.send("PUT", base(), {
      provider: "wonde",
      providerSchoolId: wonde.school,
      baseUrl: wonde.base,
      tokenRef: `env:${TOKEN_ENV}`,
    });
    expect(connected.statusCode).toBe(200);
    const started = await head.send("POST", `${base()}/sync`);
    expect(started.statusCode).toBe(202);
    let status: MisStatusView | null = null;
    for (let i = 0; i < 100; i++) {
      status = (await head.get(base())).json() as MisStatusView;
      if (status.runs[0]?.state !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status?.connection).toMatchObject({ state: "active", tokenRef: `env:${TOKEN_ENV}` });
    expect(status?.runs[0]).toMatchObject({
      id: started.json().runId,
      state: "done",
      kind: "initial",
    });
    expect(status?.runs[0]?.counts).toMatchObject({ read: 2, added: 2 });
    expect((await head.get(`${base()}/conflicts`)).json()).toEqual({ conflicts: [] });
  });

  it("is the head's and the administrator's: a teacher cannot see or run it", async () => {
    const teacher = await server.as("teacher");
    expect((await teacher.get(base())).statusCode).toBe(403);
    expect((await teacher.send("POST", `${base()}/sync`)).statusCode).toBe(403);
    const decided = await head.send("POST", `${base()}/conflicts/999/decide`, {
      decision: "take_theirs",
      reason: "checked",
    });
    expect(decided.statusCode).toBe(404);
  });
});
