import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-03", "08:50");
  const teacher = await server.as("teacher");
  const saved = await teacher.send(
    "PUT",
    `/api/schools/${server.school.id}/registers/${server.groups.g8C}/2025-09-03/AM`,
    {
      marks: [
        { pupilId: bilal.id, code: "N" },
        { pupilId: amelia.id, arrivedAt: "08:50" },
      ],
      allPresent: true,
    },
  );
  expect(saved.statusCode, saved.body).toBe(200);
  server.setNow("2025-09-03", "09:30");
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("the office's day", () => {
  it("lists registers due but not taken, with who owns them", async () => {
    const today = (await office.get(`/api/schools/${server.school.id}/office/today`)).json();
    expect(today.date).toBe("2025-09-03");
    expect(today.registersNotTaken).toEqual([
      { groupId: server.groups.g9C, group: "9C", session: "AM", pupils: 1, owners: [] },
    ]);
  });

  it("lists today's absences with no reason and today's lates", async () => {
    const today = (await office.get(`/api/schools/${server.school.id}/office/today`)).json();
    expect(today.unexplainedAbsences).toMatchObject([
      { pupilId: bilal.id, name: "Bilal Pupil", group: "8C", code: "N", session: "AM" },
    ]);
    expect(today.lates).toMatchObject([{ pupilId: amelia.id, code: "L", minutesLate: 10 }]);
  });

  it("counts school days since each N and flags those past the 5-school-day limit", async () => {
    server.setNow("2025-09-09", "09:30"); // Thu, Fri, Mon, Tue: 4 school days later
    office = await server.as("office");
    const notYet = (await office.get(`/api/schools/${server.school.id}/office/n-codes`)).json();
    expect(notYet.nCodes).toMatchObject([
      {
        pupilId: bilal.id,
        date: "2025-09-03",
        schoolDaysElapsed: 4,
        deadline: "2025-09-10",
        due: false,
      },
    ]);
    expect(
      (await office.get(`/api/schools/${server.school.id}/office/n-codes?dueOnly=true`)).json()
        .nCodes,
    ).toEqual([]);

    server.setNow("2025-09-10", "09:30");
    office = await server.as("office");
    const due = (
      await office.get(`/api/schools/${server.school.id}/office/n-codes?dueOnly=true`)
    ).json();
    expect(due.nCodes).toMatchObject([{ pupilId: bilal.id, schoolDaysElapsed: 5, due: true }]);
  });

  it("resolves an N to O by a person, keeping the original in the history", async () => {
    const [n] = (await office.get(`/api/schools/${server.school.id}/office/n-codes`)).json().nCodes;
    const resolved = await office.send(
      "POST",
      `/api/schools/${server.school.id}/marks/amendments`,
      {
        pupilId: bilal.id,
        date: n.date,
        session: n.session,
        code: "O",
        reason: "No reason received within 5 school days",
        baseVersion: n.version,
      },
    );
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(
      (await office.get(`/api/schools/${server.school.id}/office/n-codes`)).json().nCodes,
    ).toEqual([]);
    const history = (
      await office.get(`/api/schools/${server.school.id}/pupils/${bilal.id}/marks`)
    ).json().history;
    expect(
      history.map((h: { previousCode: string | null; code: string }) => [h.previousCode, h.code]),
    ).toEqual([
      [null, "N"],
      ["N", "O"],
    ]);
    expect(history[1]).toMatchObject({
      changedBy: "Mrs S. Office (attendance officer)",
      reason: "No reason received within 5 school days",
    });
  });

  it("refuses an amendment based on a stale version", async () => {
    const stale = await office.send("POST", `/api/schools/${server.school.id}/marks/amendments`, {
      pupilId: bilal.id,
      date: "2025-09-03",
      session: "AM",
      code: "I",
      reason: "Parent phoned",
      baseVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain("changed to O by someone else");
  });
});
