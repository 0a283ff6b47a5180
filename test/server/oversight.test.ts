import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshQueuedSnapshots } from "../../src/app/oversight/snapshots.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { recordMarks } from "../../src/db/repositories/marks.ts";
import { insertPupils } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { Pupil, School } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { year2025 } from "../support/builders.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let trust: Client;
let la: Client;
let sister: School;
let bilal: Pupil;
const on = "2025-09-03";

beforeAll(async () => {
  server = await testServer();
  const { db } = server.database;
  const [amelia, pupilB] = server.pupils as [Pupil, Pupil];
  bilal = pupilB;
  server.setNow(on, "08:45");
  const teacher = await server.as("teacher");
  // School A, 8C: Amelia ill, Bilal no reason, Chloe present (3 possible, 2 absent).
  await teacher.send(
    "PUT",
    `/api/schools/${server.school.id}/registers/${server.groups.g8C}/${on}/AM`,
    {
      marks: [
        { pupilId: amelia.id, code: "I" },
        { pupilId: bilal.id, code: "N" },
      ],
      allPresent: true,
    },
  );
  // A second school of Trust T (in another LA), where Bilal was enrolled before: same UPN.
  sister = await createSchool(db, {
    name: "School C",
    phase: "primary",
    trustName: "Trust T",
    localAuthority: { code: "384", name: "Wakefield" },
  });
  await saveAcademicYear(db, sister.id, year2025());
  const [before] = await insertPupils(db, [
    {
      school_id: sister.id,
      upn: bilal.upn,
      legal_forename: "Bilal",
      legal_surname: "Pupil",
      preferred_forename: null,
      preferred_surname: null,
      date_of_birth: bilal.date_of_birth,
      sex: "M",
      year_group_id: null,
      registration_group_id: null,
      admission_date: "2024-09-01",
      leaving_date: null,
    },
  ]);
  await recordMarks(
    db,
    sister.id,
    [
      { pupilId: before?.id as number, date: on, session: "AM", code: "/", minutesLate: null },
      { pupilId: before?.id as number, date: on, session: "PM", code: "\\", minutesLate: null },
    ],
    { by: "School C register", at: londonInstant(on, "09:00"), source: "register", reason: null },
  );
  // The scheduler's recount, as it runs each minute under `npm start`.
  await refreshQueuedSnapshots(db, on, londonInstant(on, "09:05"));
  [trust, la] = await Promise.all([server.as("trust"), server.as("la")]);
});
afterAll(async () => {
  await server?.close();
});

describe("trust and local-authority overview", () => {
  it("sets the trust's schools side by side and sums their counts for the trust", async () => {
    const response = await trust.get("/api/oversight/schools");
    expect(response.statusCode, response.body).toBe(200);
    const { schools, total } = response.json();
    expect(schools.map((s: { name: string }) => s.name)).toEqual(["School A", "School C"]);
    const [a, c] = schools;
    expect(a.statistics).toMatchObject({
      possible: 3,
      attendance: 1,
      enrolments: 3,
      persistentAbsentees: 2,
    });
    expect(c.statistics).toMatchObject({ possible: 2, attendance: 2, enrolments: 1 });
    // 3 of 5 sessions attended across the trust: summed, not the average of 33% and 100%.
    expect(total.attendanceRate).toEqual({ numerator: 3, denominator: 5 });
    expect(total.enrolments).toBe(4);
  });

  it("shows the local authority its own schools only, and refuses another LA or trust", async () => {
    const mine = await la.get("/api/oversight/schools?laCode=383");
    expect(mine.json().schools.map((s: { name: string }) => s.name)).toEqual(["School A"]);
    expect((await la.get("/api/oversight/schools?laCode=999")).statusCode).toBe(403);
    expect(
      (await trust.get(`/api/oversight/schools?trustId=${server.other.trust_id}`)).statusCode,
    ).toBe(403);
    for (const person of ["head", "teacher", "parent"] as const) {
      const response = await (await server.as(person)).get("/api/oversight/schools");
      expect(response.statusCode, person).toBe(403);
    }
  });

  it("counts pupils for the termly conversation by concern, and sends one school's a page at a time", async () => {
    const response = await la.get("/api/oversight/conversation-list?laCode=383&atRiskBelow=92");
    expect(response.statusCode, response.body).toBe(200);
    const [school, ...others] = response.json().schools;
    expect(others).toEqual([]);
    expect(school).toMatchObject({ school: "School A", freshness: "current" });
    expect(school.counts).toEqual({ severelyAbsent: 2, persistentlyAbsent: 0, atRisk: 0 });
    // The list of schools sends counts, not pupils.
    expect(school.pupils).toBeUndefined();
    const page = await la.get(
      `/api/oversight/conversation-list/${school.schoolId}?laCode=383&atRiskBelow=92&limit=1`,
    );
    expect(page.statusCode, page.body).toBe(200);
    const first = page.json();
    expect(first).toMatchObject({ total: 2, offset: 0, limit: 1 });
    const next = (
      await la.get(`/api/oversight/conversation-list/${school.schoolId}?limit=1&offset=1`)
    ).json();
    expect(
      [...first.pupils, ...next.pupils].map((p: { name: string; concern: string }) => [
        p.name,
        p.concern,
      ]),
    ).toEqual([
      ["Amelia Pupil", "severely_absent"],
      ["Bilal Pupil", "severely_absent"],
    ]);
    expect(
      (await la.get(`/api/oversight/conversation-list/${school.schoolId}?offset=5`)).json(),
    ).toMatchObject({ total: 2, pupils: [] });
    expect((await la.get(`/api/oversight/conversation-list/${sister.id}`)).statusCode).toBe(403);
    expect((await la.get("/api/oversight/conversation-list?atRiskBelow=80")).statusCode).toBe(400);
  });

  it("follows a pupil who moved between the trust's schools, each enrolment counted on its own", async () => {
    const response = await trust.get(`/api/oversight/pupils/${bilal.upn}`);
    expect(response.statusCode, response.body).toBe(200);
    const { enrolments, together } = response.json();
    expect(enrolments.map((e: { school: string }) => e.school)).toEqual(["School A", "School C"]);
    expect(enrolments[0].statistics).toMatchObject({ possible: 1, absence: 1 });
    expect(enrolments[1].statistics).toMatchObject({ possible: 2, absence: 0 });
    expect(together).toMatchObject({
      possible: 3,
      absence: 1,
      enrolments: 2,
      persistentAbsentees: 1,
    });
    // The LA of School A sees only its own enrolment of him.
    const fromLa = (await la.get(`/api/oversight/pupils/${bilal.upn}`)).json();
    expect(fromLa.enrolments).toHaveLength(1);
    expect((await trust.get("/api/oversight/pupils/A999999999999")).statusCode).toBe(404);
  });

  it("reads stored snapshots and never recounts a school in the request", async () => {
    const { db } = server.database;
    const stored = await db
      .selectFrom("school_snapshots")
      .select(["school_id", "computed_at"])
      .execute();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    await trust.get("/api/oversight/schools");
    const again = await db
      .selectFrom("school_snapshots")
      .select(["school_id", "computed_at"])
      .execute();
    expect(again).toEqual(stored);
  });
});

describe("a trust's and a local authority's schools against DfE's statistics", () => {
  beforeAll(async () => {
    const sample = readFileSync(
      new URL("../fixtures/dfe-attendance-ytd-2025-26-sample.csv", import.meta.url),
      "utf8",
    );
    const imported = await (await server.as("admin")).send("POST", "/api/benchmarks", sample, {
      "content-type": "text/csv",
    });
    expect(imported.statusCode, imported.body).toBe(200);
  });

  it("sums the trust's schools phase by phase, each beside England's row for that phase", async () => {
    const response = await trust.get("/api/oversight/benchmarks");
    expect(response.statusCode, response.body).toBe(200);
    const { comparisons, notCompared } = response.json();
    expect(notCompared).toEqual([]);
    type Row = { level: string; name: string; possibleSessions: number };
    const summary = comparisons.map(
      (c: { educationPhase: string; schools: string[]; rows: Row[] }) => [
        c.educationPhase,
        c.schools,
        c.rows.map((r) => r.level),
      ],
    );
    expect(summary).toEqual([
      ["Secondary", ["School A"], ["Schools", "National"]],
      ["Primary", ["School C"], ["Schools", "National"]],
    ]);
    // One school summed alone is that school's own comparison row.
    const own = (
      await (await server.as("head")).get(`/api/schools/${server.school.id}/benchmarks`)
    ).json();
    const { level: _l, name: _n, ...figures } = own.rows[0];
    expect(comparisons[0].rows[0]).toMatchObject(figures);
    expect(comparisons[0].rows[0].possibleSessions).toBe(3);
    expect(comparisons[1].rows[0].possibleSessions).toBe(2);
    expect(comparisons[0].rows[1].name).toBe("England");
  });

  it("gives a local authority its own DfE row beside its schools, and refuses schools' staff", async () => {
    for (const url of ["/api/oversight/benchmarks?laCode=383", "/api/oversight/benchmarks"]) {
      const response = await la.get(url);
      expect(response.statusCode, response.body).toBe(200);
      const [secondary, ...others] = response.json().comparisons;
      expect(others).toEqual([]);
      expect(secondary.rows.map((r: { level: string; name: string }) => [r.level, r.name])).toEqual(
        [
          ["Schools", "1 secondary school"],
          ["Local authority", "Leeds"],
          ["National", "England"],
        ],
      );
    }
    expect((await (await server.as("head")).get("/api/oversight/benchmarks")).statusCode).toBe(403);
  });
});

describe("overview figures kept current off the request path", () => {
  it("queues a school in the save's own transaction and shows it stale, not recounted, until the recount", async () => {
    const { db } = server.database;
    const [amelia] = server.pupils as [Pupil];
    const before = (await trust.get("/api/oversight/schools")).json().schools[0];
    expect(before.freshness).toBe("current");
    server.setNow(on, "13:40");
    const teacher = await server.as("teacher");
    const saved = await teacher.send(
      "PUT",
      `/api/schools/${server.school.id}/registers/${server.groups.g8C}/${on}/PM`,
      { marks: [{ pupilId: amelia.id, code: "I" }], allPresent: true },
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const queued = await db.selectFrom("snapshot_queue").selectAll().execute();
    expect(queued.map((q) => [q.school_id, q.academic_year])).toEqual([[server.school.id, 2025]]);
    const stale = (await trust.get("/api/oversight/schools")).json().schools[0];
    expect(stale).toMatchObject({ name: "School A", freshness: "stale" });
    expect(stale.staleSince).not.toBeNull();
    // The figures shown are the last counted ones: the request counted nothing.
    expect(stale.statistics).toEqual(before.statistics);
    const lists = (await la.get("/api/oversight/conversation-list?laCode=383")).json();
    expect(lists.schools[0].freshness).toBe("stale");

    const run = await refreshQueuedSnapshots(db, on, londonInstant(on, "13:41"));
    expect(run.refreshed.map((r) => [r.schoolId, r.why])).toEqual([[server.school.id, "marked"]]);
    const after = (await trust.get("/api/oversight/schools")).json().schools[0];
    expect(after.freshness).toBe("current");
    expect(after.statistics.possible).toBe(before.statistics.possible + 3);
    expect(await db.selectFrom("snapshot_queue").selectAll().execute()).toEqual([]);
  });

  it("recounts nothing when no marks changed, and a school never counted says so", async () => {
    const { db } = server.database;
    expect((await refreshQueuedSnapshots(db, on, londonInstant(on, "13:42"))).refreshed).toEqual(
      [],
    );
    const added = await createSchool(db, {
      name: "School D",
      phase: "primary",
      trustName: "Trust T",
      localAuthority: { code: "383", name: "Leeds" },
    });
    const rows = (await trust.get("/api/oversight/schools")).json().schools;
    expect(rows.find((r: { name: string }) => r.name === "School D")).toMatchObject({
      freshness: "not_counted",
      statistics: { possible: 0 },
    });
    const stored = await db.selectFrom("school_snapshots").select("school_id").execute();
    expect(stored.map((s) => s.school_id)).not.toContain(added.id);
    const run = await refreshQueuedSnapshots(db, on, londonInstant(on, "13:43"));
    expect(run.refreshed.map((r) => [r.schoolId, r.why])).toEqual([[added.id, "not_counted"]]);
  });

  it("does not queue a save that was refused and rolled back", async () => {
    const { db } = server.database;
    const refused = await (await server.as("teacher")).send(
      "PUT",
      `/api/schools/${server.school.id}/registers/${server.groups.g8C}/${on}/PM`,
      { marks: [{ pupilId: 999_999, code: "I" }], allPresent: false },
    );
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(await db.selectFrom("snapshot_queue").selectAll().execute()).toEqual([]);
  });
});
