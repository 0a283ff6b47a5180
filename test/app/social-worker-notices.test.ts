import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueFirstDayMessages } from "../../src/app/follow-up/first-day-messages.ts";
import { queueSocialWorkerNotices } from "../../src/app/follow-up/social-worker-notices.ts";
import { momentOf } from "../../src/app/registers/register.ts";
import { recordMarks } from "../../src/db/repositories/marks.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { type TestServer, testServer } from "../support/server.ts";

/**
 * "The social worker is notified of every unauthorised absence": Amelia has a social worker. Marks
 * are recorded on the day, afterwards for an earlier day, and changed; each unauthorised absence
 * (and each change of its reason) is told once, however often the job runs.
 */
let server: TestServer;
let amelia: Pupil;
let bilal: Pupil;

async function mark(
  pupil: Pupil,
  date: string,
  session: "AM" | "PM",
  code: string,
  at: Date,
): Promise<void> {
  await server.database.db.transaction().execute((tx) =>
    recordMarks(
      tx,
      server.school.id,
      [{ pupilId: pupil.id, date, session, code, minutesLate: null }],
      {
        by: "office",
        at,
        source: code === "N" ? "register" : "amendment",
        reason: code === "N" ? null : "reason given by the family",
      },
    ),
  );
}

async function run(date: string, time: string): Promise<number> {
  const instant = londonInstant(date, time);
  return queueSocialWorkerNotices(server.database.db, server.school.id, momentOf(instant), instant);
}

async function notices() {
  return server.database.db
    .selectFrom("outbox")
    .select(["idempotency_key", "to_address", "subject", "body"])
    .where("purpose", "=", "social_worker")
    .orderBy("id")
    .execute();
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  const { db } = server.database;
  await db
    .insertInto("contacts")
    .values([
      {
        school_id: server.school.id,
        pupil_id: amelia.id,
        priority: 2,
        name: "Jo Worker",
        relationship: "Social worker",
        email: "jo.worker@council.invalid",
        phone: null,
        parental_responsibility: false,
      },
      {
        school_id: server.school.id,
        pupil_id: bilal.id,
        priority: 2,
        name: "Sam Worker",
        relationship: "Social worker",
        email: "sam.worker@council.invalid",
        phone: null,
        parental_responsibility: false,
      },
    ])
    .execute();
});
afterAll(async () => {
  await server?.close();
});

describe("the social worker is told of every unauthorised absence", () => {
  it("tells of today's N once the register has closed, once however often the job runs", async () => {
    await mark(amelia, "2025-09-08", "AM", "N", londonInstant("2025-09-08", "08:50"));
    expect(await run("2025-09-08", "09:00")).toBe(0); // the register is still open
    expect(await run("2025-09-08", "09:15")).toBe(1);
    expect(await run("2025-09-08", "09:30")).toBe(0);
    const [first] = await notices();
    expect(first?.to_address).toBe("jo.worker@council.invalid");
    expect(first?.body).toContain(
      "Amelia was absent on 8 Sep 2025 (AM), recorded as no reason yet (N)",
    );
  });

  it("tells again when the N becomes O, with the new reason, and only once", async () => {
    await mark(amelia, "2025-09-08", "AM", "O", londonInstant("2025-09-09", "11:00"));
    expect(await run("2025-09-09", "11:05")).toBe(1);
    expect(await run("2025-09-09", "15:00")).toBe(0);
    const last = (await notices()).at(-1);
    expect(last?.subject).toBe("Absence reason changed: Amelia, 8 Sep 2025 (AM)");
    expect(last?.body).toContain(
      "It is now recorded as Absent in other or unknown circumstances (O, unauthorised)",
    );
  });

  it("tells of a G entered afterwards for an earlier day", async () => {
    await mark(amelia, "2025-09-04", "PM", "G", londonInstant("2025-09-10", "12:00"));
    expect(await run("2025-09-10", "12:05")).toBe(1);
    const last = (await notices()).at(-1);
    expect(last?.idempotency_key).toBe(`social-worker:${amelia.id}:2025-09-04:PM:G`);
    expect(last?.body).toContain(
      "absent on 4 Sep 2025 (PM), recorded as Holiday not authorised by the school (G, unauthorised) (recorded on 10 Sep 2025)",
    );
  });

  it("tells when a notified absence is then authorised, but says nothing of absences never unauthorised", async () => {
    await mark(amelia, "2025-09-04", "PM", "I", londonInstant("2025-09-11", "10:00"));
    await mark(amelia, "2025-09-05", "AM", "M", londonInstant("2025-09-11", "10:00"));
    expect(await run("2025-09-11", "10:05")).toBe(1);
    expect((await notices()).at(-1)?.body).toContain("It is now recorded as Illness");
  });

  it("tells no one about a pupil without a social worker, even with a social worker contact", async () => {
    await mark(bilal, "2025-09-11", "AM", "O", londonInstant("2025-09-11", "10:00"));
    expect(await run("2025-09-11", "10:10")).toBe(0);
  });

  it("runs with the first-day messages, for today's run only", async () => {
    await mark(amelia, "2025-09-12", "AM", "U", londonInstant("2025-09-12", "09:20"));
    const instant = londonInstant("2025-09-12", "09:25");
    const { db } = server.database;
    expect(
      await queueFirstDayMessages(db, server.school.id, "2025-09-12", momentOf(instant), instant),
    ).toEqual({ families: 0, socialWorkers: 1 });
    expect((await notices()).map((n) => n.idempotency_key.split(":").slice(2).join(":"))).toEqual([
      "2025-09-08:AM:N",
      "2025-09-08:AM:O",
      "2025-09-04:PM:G",
      "2025-09-04:PM:I",
      "2025-09-12:AM:U",
    ]);
  });
});
