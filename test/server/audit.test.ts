import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { purgeExpired } from "../../src/app/audit/retention.ts";
import { refreshQueuedSnapshots } from "../../src/app/oversight/snapshots.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-03", "08:45");
  const teacher = await server.as("teacher");
  await teacher.send("PUT", url(`/registers/${server.groups.g8C}/2025-09-03/AM`), {
    marks: [{ pupilId: bilal.id, code: "N" }],
    allPresent: true,
  });
  [head, office] = await Promise.all([server.as("head"), server.as("office")]);
  await office.send("POST", url("/marks/amendments"), {
    pupilId: bilal.id,
    date: "2025-09-03",
    session: "AM",
    code: "I",
    reason: "Mother rang: ill",
  });
});
afterAll(async () => {
  await server?.close();
});

const logFor = (pupilId: number) =>
  server.database.db
    .selectFrom("access_log")
    .select(["actor", "action", "what", "status", "pupil_id"])
    .where("school_id", "=", server.school.id)
    .where("pupil_id", "=", pupilId)
    .orderBy("id")
    .execute();

describe("access log", () => {
  it("records who viewed or changed which pupil, refusals included", async () => {
    await office.get(url(`/pupils/${bilal.id}`));
    await (await server.as("otherTeacher")).get(url(`/pupils/${amelia.id}`));
    // The log is written after each response has gone.
    const bilalLog = await vi.waitFor(async () => {
      const rows = await logFor(bilal.id);
      expect(rows.some((r) => r.action === "view")).toBe(true);
      return rows;
    });
    expect(bilalLog).toContainEqual({
      actor: "Mrs S. Office",
      action: "change",
      what: "POST /api/schools/:schoolId/marks/amendments",
      status: 200,
      pupil_id: bilal.id,
    });
    expect(bilalLog).toContainEqual({
      actor: "Mrs S. Office",
      action: "view",
      what: "GET /api/schools/:schoolId/pupils/:pupilId",
      status: 200,
      pupil_id: bilal.id,
    });
    await vi.waitFor(async () =>
      expect(await logFor(amelia.id)).toContainEqual({
        actor: "Mr O. Other",
        action: "view",
        what: "GET /api/schools/:schoolId/pupils/:pupilId",
        status: 403,
        pupil_id: amelia.id,
      }),
    );
  });

  it("is shown to the head, not to a teacher", async () => {
    const shown = await head.get(url(`/pupils/${bilal.id}/access-log`));
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json().entries.length).toBeGreaterThanOrEqual(2);
    expect(
      (await (await server.as("teacher")).get(url(`/pupils/${bilal.id}/access-log`))).statusCode,
    ).toBe(403);
  });

  it("cannot be changed or deleted, even by the database owner, outside a purge", async () => {
    const { db } = server.database;
    await expect(sql`update access_log set actor = 'someone else'`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from access_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe("subject access export", () => {
  it("gives the head everything held on the pupil, with the register history, and logs it", async () => {
    const response = await head.get(url(`/pupils/${bilal.id}/subject-access`));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-disposition"]).toContain(`subject-access-${bilal.upn}.json`);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    const held = response.json();
    expect(held.pupil).toMatchObject({ id: bilal.id, upn: bilal.upn });
    expect(held.register.marks).toEqual([
      expect.objectContaining({ date: "2025-09-03", session: "AM", code: "I" }),
    ]);
    expect(
      held.register.history.map((h: { previous_code: string | null; code: string }) => [
        h.previous_code,
        h.code,
      ]),
    ).toEqual([
      [null, "N"],
      ["N", "I"],
    ]);
    expect(held.accessLog.length).toBeGreaterThan(0);
    expect(JSON.stringify(held)).not.toContain(amelia.upn);
    await vi.waitFor(async () =>
      expect(await logFor(bilal.id)).toContainEqual(
        expect.objectContaining({ action: "export", status: 200 }),
      ),
    );
  });

  it("tells exports from views by the route matched, not by how the address is spelt", async () => {
    const dsl = await server.as("dsl");
    // An address dressed up as an export is still a view of the pupil page...
    const dressed = await dsl.get(url(`/pupils/${amelia.id}?then=/subject-access&format=pdf.x`));
    expect(dressed.statusCode, dressed.body).toBe(200);
    // ...and the head's export is an export, however the query is written.
    const exported = await head.get(url(`/pupils/${amelia.id}/subject-access?`));
    expect(exported.statusCode, exported.body).toBe(200);
    await vi.waitFor(async () => {
      const rows = (await logFor(amelia.id)).filter((r) => r.actor !== "Mrs S. Office");
      expect(rows).toContainEqual(
        expect.objectContaining({ actor: "Ms D. Lead", action: "view", status: 200 }),
      );
      expect(rows).toContainEqual(
        expect.objectContaining({ actor: "Mr H. Head", action: "export", status: 200 }),
      );
    });
    expect(
      (await logFor(amelia.id)).filter((r) => r.actor === "Ms D. Lead" && r.action === "export"),
    ).toEqual([]);
  });

  it("is refused to the office, teachers and parents", async () => {
    for (const person of ["office", "teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(
        url(`/pupils/${amelia.id}/subject-access`),
      );
      expect([403, 404], person).toContain(response.statusCode);
    }
  });
});

describe("retention", () => {
  it("never sets registers below six years", async () => {
    const refused = await head.send("PUT", url("/retention/registers"), { keepYears: 5 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe(
      "Register entries must be kept at least 6 years; 5 was asked for",
    );
    expect(
      (await office.send("PUT", url("/retention/registers"), { keepYears: 7 })).statusCode,
    ).toBe(403);
    const set = await head.send("PUT", url("/retention/registers"), { keepYears: 6 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().rules).toEqual([
      expect.objectContaining({ kind: "registers", keep_years: 6 }),
    ]);
  });

  it("purges register entries older than the rule, keeps the rest, and the database refuses anything younger than six years", async () => {
    const { db } = server.database;
    const schoolId = server.school.id;
    // An entry from 2018, recorded then: past six years.
    await db
      .insertInto("session_marks")
      .values({
        school_id: schoolId,
        pupil_id: amelia.id,
        date: "2018-10-03",
        session: "AM",
        code: "I",
        minutes_late: null,
        recorded_by: "Old register",
        recorded_at: new Date("2018-10-03T08:50:00Z"),
        recorded_by_user_id: null,
      })
      .execute();
    await db
      .insertInto("mark_history")
      .values({
        school_id: schoolId,
        pupil_id: amelia.id,
        date: "2018-10-03",
        session: "AM",
        previous_code: null,
        code: "I",
        minutes_late: null,
        changed_by: "Old register",
        changed_at: new Date("2018-10-03T08:50:00Z"),
        reason: null,
        source: "register",
        changed_by_user_id: null,
      })
      .execute();
    const before = await db
      .selectFrom("mark_history")
      .select("id")
      .where("school_id", "=", schoolId)
      .execute();
    const preview = await head.send("PUT", url("/retention/access_log"), { keepYears: 2 });
    expect(preview.json().wouldPurge).toEqual({ registers: 2, access_log: 0 });
    // The preview removed nothing.
    expect(
      await db.selectFrom("mark_history").select("id").where("school_id", "=", schoolId).execute(),
    ).toHaveLength(before.length);

    expect(await purgeExpired(db, schoolId, "2026-11-25")).toEqual({ registers: 2, access_log: 0 });
    const left = await db
      .selectFrom("session_marks")
      .select("date")
      .where("school_id", "=", schoolId)
      .execute();
    expect(left.map((m) => m.date)).not.toContain("2018-10-03");
    expect(left.map((m) => m.date)).toContain("2025-09-03");

    // Even with the purge door open, this year's entries stay.
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select set_config('rollbook.purge', 'on', true)`.execute(trx);
        await trx.deleteFrom("mark_history").where("school_id", "=", schoolId).execute();
      }),
    ).rejects.toThrow(/append-only/);
    // And without it, nothing goes at all.
    await expect(
      db.deleteFrom("session_marks").where("date", "=", "2025-09-03").execute(),
    ).rejects.toThrow(/append-only/);
  });
});

describe("an access log that cannot be steered or lost", () => {
  const rowsFor = (what: string) =>
    server.database.db
      .selectFrom("access_log")
      .select(["pupil_id", "pupil_ids", "status", "action"])
      .where("school_id", "=", server.school.id)
      .where("what", "=", what)
      .orderBy("id")
      .execute();
  const ameliaAm = () =>
    server.database.db
      .selectFrom("session_marks")
      .select(["code"])
      .where("school_id", "=", server.school.id)
      .where("pupil_id", "=", amelia.id)
      .where("date", "=", "2025-09-03")
      .where("session", "=", "AM")
      .executeTakeFirstOrThrow();

  it("writes a change's row in the change's own transaction: when the row cannot be written, nothing is saved", async () => {
    const { db } = server.database;
    server.setNow("2025-09-03", "08:50");
    const teacher = await server.as("teacher");
    const register = url(`/registers/${server.groups.g8C}/2025-09-03/AM`);
    const before = await ameliaAm();
    // The log cannot be written (a full disk, a lost connection between the two writes).
    await sql`create function refuse_access_log_for_test() returns trigger language plpgsql as $$
      begin raise exception 'the access log cannot be written'; end $$`.execute(db);
    await sql`create trigger access_log_down before insert on access_log
      for each row execute function refuse_access_log_for_test()`.execute(db);
    try {
      const saved = await teacher.send("PUT", register, {
        marks: [{ pupilId: amelia.id, code: "N", baseVersion: 1 }],
      });
      expect(saved.statusCode, saved.body).toBeGreaterThanOrEqual(500);
      const amended = await office.send("POST", url("/marks/amendments"), {
        pupilId: amelia.id,
        date: "2025-09-03",
        session: "AM",
        code: "M",
        reason: "Dentist",
      });
      expect(amended.statusCode, amended.body).toBeGreaterThanOrEqual(500);
      const contact = await office.send("POST", url(`/pupils/${amelia.id}/contact-log`), {
        happenedAt: "2025-09-03T07:30:00Z",
        method: "phone",
        withWhom: "Mother",
        outcome: "no answer",
      });
      expect(contact.statusCode, contact.body).toBeGreaterThanOrEqual(500);
    } finally {
      await sql`drop trigger access_log_down on access_log`.execute(db);
      await sql`drop function refuse_access_log_for_test()`.execute(db);
    }
    expect(await ameliaAm()).toEqual(before);
    expect(
      await db
        .selectFrom("contact_log")
        .select("id")
        .where("school_id", "=", server.school.id)
        .where("pupil_id", "=", amelia.id)
        .execute(),
    ).toEqual([]);

    // With the log back, the save and its row are there together when the answer arrives.
    const saved = await teacher.send("PUT", register, {
      marks: [{ pupilId: amelia.id, code: "N", baseVersion: 1 }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await ameliaAm()).toEqual({ code: "N" });
    expect(
      await rowsFor("PUT /api/schools/:schoolId/registers/:groupId/:date/:session"),
    ).toContainEqual({ pupil_id: null, pupil_ids: [amelia.id], status: 200, action: "change" });
  });

  it("logs a change whose body names a pupil id no database could hold", async () => {
    const planned = await office.send("POST", url("/planned-absences"), {
      pupilId: amelia.id,
      startDate: "2025-09-10",
      endDate: "2025-09-10",
      code: "M",
      reason: "Hospital appointment",
    });
    expect(planned.statusCode, planned.body).toBe(201);
    const cancelled = await office.send(
      "POST",
      url(`/planned-absences/${planned.json().id}/cancel`),
      { pupilId: 1e308 },
    );
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await vi.waitFor(async () =>
      expect(
        await rowsFor("POST /api/schools/:schoolId/planned-absences/:absenceId/cancel"),
        // The pupil is the planned absence's, as the use case found it; never the body's.
      ).toEqual([{ pupil_id: amelia.id, pupil_ids: null, status: 200, action: "change" }]),
    );
  });

  it("records which pupils a trust's conversation list and a UPN look-up showed, in each school", async () => {
    const trust = await server.as("trust");
    // The scheduler's recount, off the request path.
    await refreshQueuedSnapshots(server.database.db, "2025-09-03", new Date());
    // The list of schools names no pupil; a school's page names those it sends, and only those.
    const list = await trust.get("/api/oversight/conversation-list");
    expect(list.statusCode, list.body).toBe(200);
    expect(await rowsFor("GET /api/oversight/conversation-list")).toEqual([]);
    const page = await trust.get(`/api/oversight/conversation-list/${server.school.id}`);
    expect(page.statusCode, page.body).toBe(200);
    const shown = page
      .json()
      .pupils.map((p: { pupilId: number }) => p.pupilId)
      .sort((a: number, b: number) => a - b);
    expect(shown).toContain(bilal.id);
    await vi.waitFor(async () =>
      expect(await rowsFor("GET /api/oversight/conversation-list/:schoolId")).toEqual([
        { pupil_id: null, pupil_ids: shown, status: 200, action: "view" },
      ]),
    );
    expect((await trust.get(`/api/oversight/pupils/${bilal.upn}`)).statusCode).toBe(200);
    await vi.waitFor(async () =>
      expect(await rowsFor("GET /api/oversight/pupils/:upn")).toEqual([
        { pupil_id: null, pupil_ids: [bilal.id], status: 200, action: "view" },
      ]),
    );
    // The head sees the trust's reads in Bilal's access log.
    const seen = (await head.get(url(`/pupils/${bilal.id}/access-log`))).json().entries;
    expect(seen).toContainEqual(
      expect.objectContaining({ actor: "Ms T. Trust", what: "GET /api/oversight/pupils/:upn" }),
    );
  });
});
