import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The head refused Amelia's leave for Monday and Tuesday 8-9 September 2025; Bilal has a planned
 * medical appointment on the Monday morning; Chloe has nothing planned.
 */
let server: TestServer;
let head: Client;
let teacher: Client;
let office: Client;
let parent: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const register = (date: string, session: "AM" | "PM") =>
  url(`/registers/${server.groups.g8C}/${date}/${session}`);

interface Row {
  pupilId: number;
  mark: { code: string } | null;
  planned: { code: string } | null;
  suggestion: { code: string; leaveRequestId: number; reason: string } | null;
}
const row = (rows: Row[], pupil: Pupil) => rows.find((r) => r.pupilId === pupil.id) as Row;

let refusedId: number;

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  head = await server.as("head");
  office = await server.as("office");
  parent = await server.as("parent");
  const asked = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
    fromDate: "2025-09-08",
    toDate: "2025-09-09",
    reason: "A family holiday in Spain",
  });
  expect(asked.statusCode, asked.body).toBe(201);
  refusedId = asked.json().id;
  const refused = await head.send("POST", url(`/leave-requests/${refusedId}/decide`), {
    authorise: false,
    reason: "A holiday is not an exceptional circumstance",
    holiday: true,
  });
  expect(refused.statusCode, refused.body).toBe(200);
  const planned = await office.send("POST", url("/planned-absences"), {
    pupilId: bilal.id,
    startDate: "2025-09-08",
    startSession: "AM",
    endDate: "2025-09-08",
    endSession: "AM",
    code: "M",
    reason: "Hospital appointment",
  });
  expect(planned.statusCode, planned.body).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

describe("refused leave on the register", () => {
  it("suggests G for the pupil on every session the refused leave covers, with the reason", async () => {
    server.setNow("2025-09-08", "08:45");
    teacher = await server.as("teacher");
    for (const [date, session] of [
      ["2025-09-08", "AM"],
      ["2025-09-08", "PM"],
      ["2025-09-09", "PM"],
    ] as const) {
      const loaded = await teacher.get(register(date, session));
      expect(loaded.statusCode, loaded.body).toBe(200);
      const rows = loaded.json().pupils as Row[];
      const suggestion = row(rows, amelia).suggestion;
      expect(suggestion?.code).toBe("G");
      expect(suggestion?.leaveRequestId).toBe(refusedId);
      expect(suggestion?.reason).toContain("was refused by");
      expect(suggestion?.reason).toContain("A holiday is not an exceptional circumstance");
      // The tutor still chooses: nothing is pre-filled.
      expect(row(rows, amelia).mark).toBeNull();
      expect(row(rows, chloe).suggestion).toBeNull();
    }
    // Outside the refused dates there is no suggestion.
    const wednesday = (await teacher.get(register("2025-09-10", "AM"))).json().pupils as Row[];
    expect(row(wednesday, amelia).suggestion).toBeNull();
  });

  it("does not mark the pupil with refused leave present when everyone else is", async () => {
    server.setNow("2025-09-08", "08:50");
    const saved = await teacher.send("PUT", register("2025-09-08", "AM"), {
      marks: [],
      allPresent: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().created).toBe(2);
    const rows = saved.json().register.pupils as Row[];
    expect(row(rows, chloe).mark?.code).toBe("/");
    // A planned absence gives its own code, never present.
    expect(row(rows, bilal).mark?.code).toBe("M");
    // Amelia is left for the tutor, still with G suggested.
    expect(row(rows, amelia).mark).toBeNull();
    expect(row(rows, amelia).suggestion?.code).toBe("G");
    const stored = await server.database.db
      .selectFrom("session_marks")
      .select("code")
      .where("school_id", "=", server.school.id)
      .where("pupil_id", "=", amelia.id)
      .where("date", "=", "2025-09-08")
      .execute();
    expect(stored).toEqual([]);
  });

  it("takes the tutor's choice: G when away, or present when the pupil came in after all", async () => {
    server.setNow("2025-09-08", "08:55");
    const away = await teacher.send("PUT", register("2025-09-08", "AM"), {
      marks: [{ pupilId: amelia.id, code: "G" }],
    });
    expect(away.statusCode, away.body).toBe(200);
    expect(row(away.json().register.pupils, amelia).mark?.code).toBe("G");
    server.setNow("2025-09-09", "08:45");
    teacher = await server.as("teacher");
    const came = await teacher.send("PUT", register("2025-09-09", "AM"), {
      marks: [{ pupilId: amelia.id, code: "/" }],
      allPresent: true,
    });
    expect(came.statusCode, came.body).toBe(200);
    expect(row(came.json().register.pupils, amelia).mark?.code).toBe("/");
  });
});
