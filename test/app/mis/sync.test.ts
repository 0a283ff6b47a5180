import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accessToSchool } from "../../../src/app/access/access.ts";
import { AccessRecord } from "../../../src/app/audit/access-record.ts";
import { decideMisConflict, listMisConflicts } from "../../../src/app/mis/conflicts.ts";
import { connectMis } from "../../../src/app/mis/connection.ts";
import { runMisSync } from "../../../src/app/mis/sync.ts";
import { WondeProvider } from "../../../src/app/mis/wonde/provider.ts";
import { runWriteback } from "../../../src/app/mis/writeback.ts";
import { operatorContext } from "../../../src/cli/context.ts";
import type { Database } from "../../../src/db/database.ts";
import { saveAcademicYear } from "../../../src/db/repositories/calendar.ts";
import { recordMarks } from "../../../src/db/repositories/marks.ts";
import { createSchool } from "../../../src/db/repositories/schools.ts";
import { createUser, grantsOf } from "../../../src/db/repositories/users.ts";
import { makeUpn } from "../../../src/domain/pupil.ts";
import { year2025 } from "../../support/builders.ts";
import { testDatabase } from "../../support/database.ts";
import { type FakeWonde, fakeWonde } from "../../support/fake-wonde.ts";

/**
 * A school switched on beside its MIS: the initial load through the imports, deltas and
 * deletions, marks in both directions, and disagreements left to the office.
 */
let database: Database;
let wonde: FakeWonde;
let schoolId: number;
let now = new Date("2025-11-12T12:00:00Z");
const clock = () => now;
const upn = (n: number) => makeUpn("383", "4999", 24, n);
const providers = () =>
  new WondeProvider(wonde.school, {
    baseUrl: wonde.base,
    token: wonde.token,
    sleep: async () => {},
  });
const sync = () => runMisSync(database.db, schoolId, { trigger: "test", clock, providers });
const connection = async () =>
  database.db
    .selectFrom("mis_connections")
    .selectAll()
    .where("school_id", "=", schoolId)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  database = await testDatabase();
  wonde = await fakeWonde({ perPage: 2 });
  const school = await createSchool(database.db, {
    name: "Synced School",
    phase: "secondary",
    urn: null,
  });
  schoolId = school.id;
  await saveAcademicYear(database.db, schoolId, year2025());
  const ctx = await operatorContext(database.db, schoolId);
  await connectMis(
    { ...ctx, clock },
    {
      provider: "wonde",
      providerSchoolId: wonde.school,
      baseUrl: wonde.base,
      tokenRef: "env:WONDE_TOKEN_TEST",
    },
  );
  wonde.students = [1, 2, 3, 4, 5].map((n) => ({
    id: `B${n}`,
    upn: upn(n),
    forename: `Pupil${n}`,
    surname: "Khan",
    form: n <= 3 ? "8C" : "9D",
    year: n <= 3 ? "Year 8" : "Year 9",
    fsm: n === 1,
    sen: n === 2 ? "K" : "N",
    contacts: [
      {
        forename: "Asha",
        surname: "Khan",
        relationship: "Mother",
        priority: 1,
        phone: "07700 900123",
      },
    ],
    updatedAt: "2025-11-01T09:00:00Z",
  }));
  // One pupil the MIS holds without a UPN: reported, and the others still go in.
  wonde.students.push({
    id: "B6",
    upn: "",
    forename: "No",
    surname: "Upn",
    updatedAt: "2025-11-01T09:00:00Z",
  });
  wonde.marks = [
    {
      id: "M1",
      student: "B1",
      date: "2025-11-10",
      session: "AM",
      code: "/",
      updatedAt: "2025-11-10T09:00:00Z",
    },
    {
      id: "M2",
      student: "B2",
      date: "2025-11-10",
      session: "AM",
      code: "I",
      updatedAt: "2025-11-10T09:00:00Z",
    },
    {
      id: "M3",
      student: "B1",
      date: "2025-11-08",
      session: "AM",
      code: "/",
      updatedAt: "2025-11-10T09:00:00Z",
    },
  ];
});
/** The attendance officer, a real account: amendments carry who made them. */
async function officeContext() {
  const userId = await createUser(database.db, {
    email: `office${Math.random()}@school.example`,
    name: "Ms Office",
    passwordHash: "not-a-real-hash",
    grants: [{ role: "attendance_officer", schoolId }],
  });
  const actor = {
    userId,
    name: "Ms Office",
    email: "office@school.example",
    grants: await grantsOf(database.db, userId),
  };
  const audit = new AccessRecord();
  return {
    db: database.db,
    access: await accessToSchool(database.db, actor, schoolId, audit),
    clock,
    audit,
  };
}

afterAll(async () => {
  await wonde.close();
  await database.close();
});
beforeEach(() => {
  wonde.requests = [];
});

describe("the initial load", () => {
  it("admits every pupil with a UPN, with forms, year groups, FSM, SEN, contacts and marks, and logs the run", async () => {
    const outcome = await sync();
    expect(outcome.state).toBe("done");
    expect(outcome.kind).toBe("initial");
    expect(outcome.counts).toMatchObject({
      read: 6,
      added: 5,
      contacts: 5,
      marksRead: 3,
      marksRecorded: 2,
    });
    expect(outcome.errors.some((e) => e.includes("MIS id B6") && e.includes("UPN"))).toBe(true);
    // A Saturday mark is not a school session: named, not taken.
    expect(outcome.errors.some((e) => e.includes("2025-11-08"))).toBe(true);
    const pupils = await database.db
      .selectFrom("pupils as p")
      .innerJoin("registration_groups as g", (j) =>
        j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
      )
      .select(["p.upn", "p.fsm", "p.sen_support", "g.name"])
      .where("p.school_id", "=", schoolId)
      .orderBy("p.upn")
      .execute();
    expect(pupils).toHaveLength(5);
    expect(pupils.find((p) => p.upn === upn(1))).toMatchObject({ fsm: true, name: "8C" });
    expect(pupils.find((p) => p.upn === upn(2))).toMatchObject({ sen_support: true });
    expect(pupils.find((p) => p.upn === upn(4))).toMatchObject({ name: "9D" });
    const contacts = await database.db
      .selectFrom("contacts")
      .selectAll()
      .where("school_id", "=", schoolId)
      .execute();
    expect(contacts[0]).toMatchObject({
      name: "Asha Khan",
      relationship: "Mother",
      phone: "07700 900123",
    });
    const history = await database.db
      .selectFrom("mark_history")
      .selectAll()
      .where("school_id", "=", schoolId)
      .execute();
    expect(history.map((h) => [h.code, h.source, h.changed_by])).toContainEqual([
      "I",
      "import",
      "MIS sync (Wonde)",
    ]);
    const run = await database.db
      .selectFrom("mis_sync_runs")
      .selectAll()
      .where("id", "=", outcome.runId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ state: "done", kind: "initial", step: "Finished" });
    expect(run.counts.added).toBe(5);
    expect((await connection()).synced_until?.toISOString()).toBe(now.toISOString());
  });
});

describe("deltas", () => {
  it("asks only for what changed since the last sync, updates it and takes deleted pupils off the roll", async () => {
    now = new Date("2025-11-13T12:00:00Z");
    const changed = wonde.students[2];
    if (changed) Object.assign(changed, { form: "8D", updatedAt: "2025-11-13T08:00:00Z" });
    wonde.deletions = [{ id: "B5", type: "student", deletedAt: "2025-11-13T07:00:00Z" }];
    const outcome = await sync();
    expect(outcome).toMatchObject({ state: "done", kind: "delta" });
    expect(outcome.counts).toMatchObject({ read: 1, changed: 1, left: 1 });
    const students = wonde.requests.find((r) => r.path.endsWith("/students"));
    expect(students?.query.get("updated_after")).toBe("2025-11-12 12:00:00");
    const left = await database.db
      .selectFrom("pupils")
      .select(["leaving_date"])
      .where("upn", "=", upn(5))
      .executeTakeFirstOrThrow();
    expect(left.leaving_date).toBe("2025-11-13");
  });

  it("stops on a refused token, records why, keeps the cursor and marks the connection", async () => {
    const before = (await connection()).synced_until;
    wonde.queued.push({
      status: 401,
      body: { error: "Unauthenticated", error_description: "Token revoked" },
    });
    const outcome = await sync();
    expect(outcome.state).toBe("failed");
    expect(outcome.errors.join(" ")).toMatch(/approve Rollbook in Wonde again/);
    expect((await connection()).state).toBe("token_refused");
    expect((await connection()).synced_until).toEqual(before);
    await database.db
      .updateTable("mis_connections")
      .set({ state: "active" })
      .where("school_id", "=", schoolId)
      .execute();
  });
});

describe("marks both ways", () => {
  it("writes back a register taken in Rollbook, and the next sync sees agreement, not a conflict", async () => {
    const pupil = await database.db
      .selectFrom("pupils")
      .select("id")
      .where("upn", "=", upn(3))
      .executeTakeFirstOrThrow();
    await database.db.transaction().execute((tx) =>
      recordMarks(
        tx,
        schoolId,
        [{ pupilId: pupil.id, date: "2025-11-13", session: "AM", code: "L", minutesLate: 12 }],
        {
          by: "Ms Tutor",
          at: now,
          source: "register",
          reason: null,
        },
      ),
    );
    const sent = await runWriteback(database.db, await connection(), now, providers);
    expect(sent).toMatchObject({ queued: 1, written: 1, refused: 0 });
    const post = wonde.requests.find((r) => r.method === "POST");
    expect(post?.body).toEqual({
      attendance: [
        {
          student_id: "B3",
          date: "2025-11-13",
          session: "AM",
          attendance_code_id: "C3",
          minutes_late: 12,
        },
      ],
    });
    now = new Date("2025-11-13T13:00:00Z");
    const outcome = await sync();
    expect(outcome.counts.conflicts).toBe(0);
  });

  it("never overwrites a mark both sides changed: the office sees it and decides", async () => {
    now = new Date("2025-11-14T12:00:00Z");
    const pupil = await database.db
      .selectFrom("pupils")
      .select("id")
      .where("upn", "=", upn(2))
      .executeTakeFirstOrThrow();
    // Rollbook's office amends the I to M; meanwhile the MIS changes it to C.
    await database.db.transaction().execute((tx) =>
      recordMarks(
        tx,
        schoolId,
        [{ pupilId: pupil.id, date: "2025-11-10", session: "AM", code: "M", minutesLate: null }],
        {
          by: "Office",
          at: now,
          source: "amendment",
          reason: "dentist letter",
        },
      ),
    );
    const mark = wonde.marks.find((m) => m.id === "M2");
    if (mark) Object.assign(mark, { code: "C", updatedAt: "2025-11-14T10:00:00Z" });
    const outcome = await sync();
    expect(outcome.counts.conflicts).toBe(1);
    const current = await database.db
      .selectFrom("session_marks")
      .select("code")
      .where("pupil_id", "=", pupil.id)
      .where("date", "=", "2025-11-10")
      .executeTakeFirstOrThrow();
    expect(current.code).toBe("M");
    // Rollbook's M is held, not sent over the MIS's C, until the office decides.
    const sent = await runWriteback(database.db, await connection(), now, providers);
    expect(sent.written).toBe(0);
    const ctx = await officeContext();
    const [conflict] = await listMisConflicts(ctx);
    expect(conflict).toMatchObject({
      pupil: "Pupil2 Khan",
      date: "2025-11-10",
      session: "AM",
      ours: "M",
      theirs: "C",
    });
    await decideMisConflict(ctx, {
      conflictId: conflict?.id ?? 0,
      decision: "take_theirs",
      reason: "the head authorised it",
    });
    const history = await database.db
      .selectFrom("mark_history")
      .select(["previous_code", "code", "reason", "source"])
      .where("pupil_id", "=", pupil.id)
      .where("date", "=", "2025-11-10")
      .orderBy("id")
      .execute();
    expect(history.map((h) => h.code)).toEqual(["I", "M", "C"]);
    expect(history.at(-1)).toMatchObject({
      previous_code: "M",
      source: "amendment",
      reason: "Taken from the MIS: the head authorised it",
    });
    expect(await listMisConflicts(ctx)).toEqual([]);
    await expect(
      decideMisConflict(ctx, {
        conflictId: conflict?.id ?? 0,
        decision: "keep_ours",
        reason: "again",
      }),
    ).rejects.toThrow(/already decided/);
  });
});
