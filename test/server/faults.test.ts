import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/db/database.ts";
import { loadCalendar } from "../../src/db/repositories/calendar.ts";
import type { Pupil } from "../../src/db/schema.ts";
import {
  canRunPrivatePostgres,
  type PrivatePostgres,
  privatePostgres,
} from "../support/private-postgres.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The database server stops dead in the middle of the day and comes back: registers saved while it
 * is down get a clear "try again" and write nothing; the server carries on by itself once the
 * database returns. Needs a PostgreSQL server of its own (run as root in CI, with TEST_DATABASE_URL).
 */
describe.skipIf(!canRunPrivatePostgres())("the database stopping and returning", () => {
  let postgres: PrivatePostgres;
  let server: TestServer;
  let teacher: Client;
  let pupils: Pupil[];
  const register = () =>
    `/api/schools/${server.school.id}/registers/${server.groups.g8C}/2025-09-03/AM`;
  const counts = async () => {
    const { db } = server.database;
    const [marks, history] = await Promise.all([
      db
        .selectFrom("session_marks")
        .select(db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom("mark_history")
        .select(db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    return { marks: Number(marks.n), history: Number(history.n) };
  };

  /** What a client does with "try again": up to five tries, a moment apart. */
  async function retried<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt === 5 || !/Connection terminated/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  beforeAll(async () => {
    postgres = privatePostgres(55_000 + (process.pid % 1000));
    const database = await openDatabase({ url: postgres.url, poolSize: 4 });
    await migrate(database);
    server = await testServer(database);
    pupils = server.pupils;
    server.setNow("2025-09-03", "08:45");
    teacher = await server.as("teacher");
  }, 120_000);
  afterAll(async () => {
    await server?.close().catch(() => {});
    postgres?.destroy();
  });

  it("answers a save while the database is down with a retryable 503, and saves again when it is back", async () => {
    const [amelia, bilal] = pupils as [Pupil, Pupil];
    const first = await teacher.send("PUT", register(), {
      marks: [{ pupilId: amelia.id, code: "N" }],
    });
    expect(first.statusCode, first.body).toBe(200);
    const before = await counts();

    postgres.stop();
    const down = await teacher.send("PUT", register(), {
      marks: [{ pupilId: bilal.id, code: "L", minutesLate: 5 }],
    });
    expect(down.statusCode, down.body).toBe(503);
    expect(down.json().error).toMatchObject({ code: "database_unavailable" });
    expect(down.json().error.message).toMatch(/try again/i);
    const health = await server.app.inject({
      method: "GET",
      url: "/api/schools",
      headers: { cookie: teacher.cookie },
    });
    expect(health.statusCode).toBe(503);

    postgres.start();
    // The same server process, no restart: the pool reconnects by itself.
    const again = await teacher.send("PUT", register(), {
      marks: [{ pupilId: bilal.id, code: "L", minutesLate: 5 }],
    });
    expect(again.statusCode, again.body).toBe(200);
    const after = await counts();
    expect(after).toEqual({ marks: before.marks + 1, history: before.history + 1 });
  });

  it("leaves nothing half-written when the database dies in the middle of a large import", async () => {
    const [, , chloe] = pupils as [Pupil, Pupil, Pupil];
    server.setNow("2025-12-19", "16:00");
    const office = await server.as("office");
    const before = await counts();
    // A term of marks for one pupil: well over a hundred rows written in one transaction.
    const calendar = await loadCalendar(server.database.db, server.school.id);
    const days = calendar.schoolDays("2025-09-04", "2025-12-19");
    expect(days.length).toBeGreaterThan(60);
    const csv = [
      "upn,date,session,code,minutes_late",
      ...days.flatMap((date) => ["AM", "PM"].map((s) => `${chloe.upn},${date},${s},/,`)),
    ].join("\n");
    // Slow the write down (this test's own server only), so the database dies while the
    // import's transaction is open, not before or after it.
    await sql`create function slowly() returns trigger language plpgsql as $$
      begin perform pg_sleep(2); return null; end $$`.execute(server.database.db);
    await sql`create trigger slow_marks after insert on session_marks
      for each statement execute function slowly()`.execute(server.database.db);
    const importing = office.send("POST", `/api/schools/${server.school.id}/imports/marks`, csv, {
      "content-type": "text/csv",
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    postgres.stop();
    const answered = await importing;
    postgres.start();
    expect(answered.statusCode, answered.body).toBe(503);
    expect(answered.json().error.code).toBe("database_unavailable");
    // Connections that died with the server fail once more each, as a client's would: retry them.
    await retried(() => sql`drop trigger slow_marks on session_marks`.execute(server.database.db));
    // Nothing of the import is there, and a second try (the client's retry) imports it whole.
    expect(await retried(counts)).toEqual(before);
    const again = await retried(async () => {
      const response = await office.send(
        "POST",
        `/api/schools/${server.school.id}/imports/marks`,
        csv,
        { "content-type": "text/csv" },
      );
      if (response.statusCode === 503) throw new Error("Connection terminated: answered 503");
      return response;
    });
    expect(again.statusCode, again.body).toBe(200);
    expect((await counts()).marks - before.marks).toBe(days.length * 2);
  });
});
