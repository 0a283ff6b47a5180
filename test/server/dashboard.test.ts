import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
let office: Client;
let parent: Client;
let amelia: Pupil;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-03", "08:45");
  const teacher = await server.as("teacher");
  // 8C this morning: Amelia ill, Bilal no reason yet, Chloe present (Eve is not on roll until October).
  await teacher.send("PUT", url(`/registers/${server.groups.g8C}/2025-09-03/AM`), {
    marks: [
      { pupilId: amelia.id, code: "I" },
      { pupilId: bilal.id, code: "N" },
    ],
    allPresent: true,
  });
  [head, office, parent] = await Promise.all([
    server.as("head"),
    server.as("office"),
    server.as("parent"),
  ]);
});
afterAll(async () => {
  await server?.close();
});

describe("school dashboard", () => {
  it("sums the day's marks by group, cohort and weekday, from integer counts", async () => {
    const response = await head.get(url("/dashboard?from=2025-09-03&to=2025-09-03"));
    expect(response.statusCode, response.body).toBe(200);
    const dashboard = response.json();
    expect(dashboard.overall).toMatchObject({
      enrolments: 3,
      possible: 3,
      attendanceRate: { numerator: 1, denominator: 3 },
      unauthorisedAbsenceRate: { numerator: 1, denominator: 3 },
    });
    expect(dashboard.byRegistrationGroup.map((g: { label: string }) => g.label)).toEqual(["8C"]);
    const social = dashboard.cohorts.find((c: { cohort: string }) => c.cohort === "Social worker");
    expect(social.statistics.enrolments).toBe(1);
    expect(social.others.enrolments).toBe(2);
    expect(
      dashboard.weekdays.find((d: { weekday: string }) => d.weekday === "Wednesday"),
    ).toMatchObject({
      possible: 3,
      absence: 2,
    });
    // Two of three absent on one morning is not "two severely absent": a day has no such figure.
    expect(dashboard.absenceMeasures).toMatchObject({ counted: false, sessions: 2 });
    expect(dashboard.overall.severeAbsentees).toBeNull();
    expect(dashboard.overall.persistentAbsenceRate).toBeNull();
    expect(dashboard.pupils.map((p: { severelyAbsent: unknown }) => p.severelyAbsent)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it("is refused to teachers and parents", async () => {
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url("/dashboard"));
      expect(response.statusCode, person).toBe(403);
    }
  });
});

describe("pupil calendar", () => {
  it("gives each day's codes with the category each counts in", async () => {
    const response = await office.get(
      url(`/pupils/${amelia.id}/calendar?from=2025-09-01&to=2025-09-05`),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().days).toEqual([
      { date: "2025-09-03", am: "I", pm: null, amCategory: "authorised", pmCategory: null },
    ]);
  });

  it("covers the whole school year unless a range is asked for, the days to come included", async () => {
    // The clock says 3 September 2025: "to date" would end the heat map there.
    const response = await office.get(url(`/pupils/${amelia.id}/calendar`));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().range.from).toBe("2025-08-01");
    expect(response.json().range.to > "2026-07-01").toBe(true);
  });

  it("shows a parent their own child only", async () => {
    expect((await parent.get(url(`/pupils/${amelia.id}/calendar`))).statusCode).toBe(200);
    expect((await parent.get(url(`/pupils/${bilal.id}/calendar`))).statusCode).toBe(404);
  });
});

describe("leave of absence requests", () => {
  const leave = {
    fromDate: "2025-09-10",
    toDate: "2025-09-11",
    reason: "Her grandfather's funeral in Glasgow",
  };

  it("lets a parent ask for their own child, in advance, with a reason", async () => {
    expect(
      (await parent.send("POST", url(`/pupils/${bilal.id}/leave-requests`), leave)).statusCode,
    ).toBe(404);
    const past = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
      ...leave,
      fromDate: "2025-09-03",
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toContain("in advance");
    const vague = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), {
      ...leave,
      reason: "away",
    });
    expect(vague.statusCode).toBe(400);
    const created = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), leave);
    expect(created.statusCode, created.body).toBe(201);
    const mine = await parent.get(url("/leave-requests"));
    expect(mine.json().requests).toHaveLength(1);
    expect(mine.json().requests[0]).toMatchObject({ pupil_id: amelia.id, status: "pending" });
  });

  it("is decided by the head only, once; authorised leave is coded C on the registers", async () => {
    const [request] = (await head.get(url("/leave-requests?status=pending"))).json().requests;
    // The head sees whose request it is by name, not "Pupil 289".
    expect(request.pupil_name).toBe("Amelia Pupil");
    const decide = (client: Client, authorise: boolean) =>
      client.send("POST", url(`/leave-requests/${request.id}/decide`), {
        authorise,
        reason: "Authorised: a family funeral",
      });
    expect((await decide(office, true)).statusCode).toBe(403);
    expect((await decide(parent, true)).statusCode).toBe(403);
    const decided = await decide(head, true);
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: "authorised" });
    const again = await decide(head, false);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain("already authorised");
    server.setNow("2025-09-10", "08:45");
    const teacher = await server.as("teacher");
    const register = await teacher.get(url(`/registers/${server.groups.g8C}/2025-09-10/AM`));
    const row = register.json().pupils.find((p: { pupilId: number }) => p.pupilId === amelia.id);
    expect(row.planned).toMatchObject({ code: "C" });
    const seen = (await (await server.as("parent")).get(url("/leave-requests"))).json().requests[0];
    expect(seen).toMatchObject({
      status: "authorised",
      decision_reason: "Authorised: a family funeral",
    });
  });

  it("takes one decision when two are made at the same moment", async () => {
    const asked = await (await server.as("parent")).send(
      "POST",
      url(`/pupils/${amelia.id}/leave-requests`),
      {
        ...leave,
        fromDate: "2025-09-17",
        toDate: "2025-09-17",
      },
    );
    const id = asked.json().id;
    const [first, second] = [await server.as("head"), await server.as("head")];
    const decisions = await Promise.all([
      first.send("POST", url(`/leave-requests/${id}/decide`), { authorise: true, reason: "Yes" }),
      second.send("POST", url(`/leave-requests/${id}/decide`), { authorise: false, reason: "No" }),
    ]);
    expect(decisions.map((d) => d.statusCode).sort()).toEqual([200, 409]);
    const planned = await server.database.db
      .selectFrom("planned_absences")
      .select("id")
      .where("pupil_id", "=", amelia.id)
      .where("start_date", "=", "2025-09-17")
      .execute();
    expect(planned.length).toBe(decisions[0]?.statusCode === 200 ? 1 : 0);
  });
});

describe("policy presets", () => {
  it("gives a whole preset to start a draft from, and names the presets when asked for another", async () => {
    head = await server.as("head");
    const preset = await head.get("/api/policy-presets/dfe_policy_on_a_page");
    expect(preset.statusCode, preset.body).toBe(200);
    expect(preset.json().policy.triggers.length).toBeGreaterThan(0);
    const missing = await head.get("/api/policy-presets/nonsense");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain("presets:");
  });
});

// Last in the file: signing in on a later clock ends the earlier sessions as expired.
describe("persistent and severe absence on the dashboard", () => {
  it("counts persistent and severe absence over the year to date once it has held enough sessions", async () => {
    server.setNow("2025-10-01", "16:00");
    const late = await server.as("head");
    const response = await late.get(url("/dashboard?period=year_to_date"));
    expect(response.statusCode, response.body).toBe(200);
    const dashboard = response.json();
    expect(dashboard.absenceMeasures.counted).toBe(true);
    expect(dashboard.absenceMeasures.label).toMatch(/^This year to date \(/);
    // Amelia and Bilal missed the one session they have marks for: 100% of their possible sessions.
    expect(dashboard.overall.severeAbsentees).toBe(2);
    expect(
      dashboard.pupils.filter((p: { severelyAbsent: boolean }) => p.severelyAbsent),
    ).toHaveLength(2);
  });
});
