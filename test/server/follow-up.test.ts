import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queueFirstDayMessages } from "../../src/app/follow-up/first-day-messages.ts";
import { momentOf } from "../../src/app/registers/register.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const TOKEN = "inbound-token-for-school-a-0123456789";

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  server.setNow("2025-09-03", "08:45");
  const teacher = await server.as("teacher");
  office = await server.as("office");
  const head = await server.as("head");
  await head.send("PATCH", url("/messaging"), { inboundToken: TOKEN, smsSender: "SchoolA" });
  await office.send("POST", url(`/pupils/${bilal.id}/contacts`), {
    priority: 1,
    name: "Mrs B",
    relationship: "Mother",
    phone: "07700 900111",
  });
  await office.send("POST", url(`/pupils/${bilal.id}/contacts`), {
    priority: 2,
    name: "Mr B",
    relationship: "Father",
    phone: "07700 900112",
    email: "mr.b@home.invalid",
  });
  await office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
    priority: 1,
    name: "Ms A",
    relationship: "Mother",
    email: "ms.a@home.invalid",
  });
  await office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
    priority: 2,
    name: "Jo Worker",
    relationship: "Social worker",
    email: "jo.worker@council.invalid",
    parentalResponsibility: false,
  });
  await teacher.send("PUT", url(`/registers/${server.groups.g8C}/2025-09-03/AM`), {
    marks: [
      { pupilId: bilal.id, code: "N" },
      { pupilId: amelia.id, code: "N" },
    ],
    allPresent: true,
  });
});
afterAll(async () => {
  await server?.close();
});

describe("first-day absence follow-up", () => {
  it("queues a text to the first contact and tells the social worker once the register has closed", async () => {
    const { db } = server.database;
    const before = londonInstant("2025-09-03", "09:05");
    expect(
      await queueFirstDayMessages(db, server.school.id, "2025-09-03", momentOf(before), before),
    ).toEqual({ families: 0, socialWorkers: 0 });
    const after = londonInstant("2025-09-03", "09:12");
    expect(
      await queueFirstDayMessages(db, server.school.id, "2025-09-03", momentOf(after), after),
    ).toEqual({ families: 2, socialWorkers: 1 });
    expect(
      await queueFirstDayMessages(db, server.school.id, "2025-09-03", momentOf(after), after),
    ).toEqual({ families: 0, socialWorkers: 0 });
    const messages = await db
      .selectFrom("outbox")
      .select(["channel", "to_address", "purpose", "body", "html"])
      .orderBy("id")
      .execute();
    // Emails carry HTML beside their plain text; texts are text only.
    expect(messages[0]?.html).toContain("<h1");
    expect(messages[1]?.html).toContain("<h1");
    expect(messages[1]?.html).toContain("was not in school at registration today");
    expect(messages[2]?.html).toBeNull();
    expect(messages.map((m) => [m.channel, m.to_address, m.purpose])).toEqual([
      ["email", "jo.worker@council.invalid", "social_worker"],
      ["email", "ms.a@home.invalid", "first_day_absence"],
      ["sms", "07700 900111", "first_day_absence"],
    ]);
    expect(messages[2]?.body).toContain(
      "Bilal was not in school at registration today (3 Sep 2025)",
    );
  });

  it("lists the pupils to call with contacts in priority order and the steps due", async () => {
    server.setNow("2025-09-03", "09:35");
    office = await server.as("office");
    const list = (await office.get(url("/office/call-list"))).json().pupils;
    const entry = list.find((p: { pupilId: number }) => p.pupilId === bilal.id);
    expect(entry.contacts.map((c: { name: string }) => c.name)).toEqual(["Mrs B", "Mr B"]);
    expect(entry.day).toBe(1);
    expect(entry.steps).toEqual([
      {
        kind: "call",
        by: "09:30",
        done: false,
        overdue: true,
        why: "Call the contacts in priority order before 09:30 (0 of 2 tried)",
      },
    ]);
    const ameliaEntry = list.find((p: { pupilId: number }) => p.pupilId === amelia.id);
    expect(
      ameliaEntry.steps.map((s: { kind: string; done: boolean }) => `${s.kind}:${s.done}`),
    ).toEqual(["call:false", "notify_social_worker:true"]);
  });

  it("logs each attempt in one click, and records the reason given on the phone", async () => {
    const entryOf = async () =>
      (await office.get(url("/office/call-list")))
        .json()
        .pupils.find((p: { pupilId: number }) => p.pupilId === bilal.id);
    const [mrsB, mrB] = (await entryOf()).contacts as { id: number; name: string }[];
    const noAnswer = await office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
      method: "phone",
      contactId: mrsB?.id,
      withWhom: "Mrs B",
      outcome: "no answer",
    });
    expect(noAnswer.statusCode).toBe(201);
    // One of two contacts tried: calling in priority order is not done yet, and no text is due.
    const once = await entryOf();
    expect(once.steps).toEqual([
      {
        kind: "call",
        by: "09:30",
        done: false,
        overdue: true,
        why: "Call the contacts in priority order before 09:30 (1 of 2 tried)",
      },
    ]);
    expect(once.attemptsToday).toMatchObject([
      { method: "phone", contactId: mrsB?.id, withWhom: "Mrs B", outcome: "no answer" },
    ]);
    // A second call to the same contact does not count as trying the next one.
    await office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
      method: "phone",
      contactId: mrsB?.id,
      withWhom: "Mrs B",
      outcome: "left message",
    });
    expect((await entryOf()).steps[0]).toMatchObject({ kind: "call", done: false });
    // A contact of another pupil is refused with a clear reason.
    const stranger = await office.send("POST", url(`/office/call-list/${amelia.id}/outcome`), {
      method: "phone",
      contactId: mrB?.id,
      withWhom: "Mr B",
      outcome: "no answer",
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.message).toBe(
      `Contact ${mrB?.id} is not one of this pupil's contacts`,
    );
    await office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
      method: "phone",
      contactId: mrB?.id,
      withWhom: "Mr B",
      outcome: "no answer",
    });
    const steps = (await entryOf()).steps;
    expect(steps.map((s: { kind: string; done: boolean }) => `${s.kind}:${s.done}`)).toEqual([
      "call:true",
      "text:false",
    ]);
    const refused = await office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
      method: "phone",
      withWhom: "Mr B",
      outcome: "no answer",
      code: "I",
    });
    expect(refused.json().error.message).toBe(
      "A reason can only be recorded when the family was reached",
    );
    const reached = await office.send("POST", url(`/office/call-list/${bilal.id}/outcome`), {
      method: "phone",
      withWhom: "Mr B",
      outcome: "reason given",
      reason: "Tummy bug",
      code: "I",
    });
    expect(reached.json()).toMatchObject({ amended: 1 });
    const history = (await office.get(url(`/pupils/${bilal.id}/marks`))).json().history;
    expect(history.at(-1)).toMatchObject({
      previousCode: "N",
      code: "I",
      reason: "Mr B by phone: Tummy bug",
      source: "amendment",
    });
    expect(
      (await office.get(url("/office/call-list")))
        .json()
        .pupils.some((p: { pupilId: number }) => p.pupilId === bilal.id),
    ).toBe(false);
  });

  it("turns a parent's email reply into a pending reason the office accepts into the register", async () => {
    const wrong = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/email`,
      headers: { "x-rollbook-token": "guess" },
      payload: { from: "ms.a@home.invalid", text: "x" },
    });
    expect(wrong.statusCode).toBe(401);
    const reply = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/email`,
      headers: { "x-rollbook-token": TOKEN },
      payload: {
        from: "MS.A@home.invalid",
        text: "Sorry, Amelia is poorly with a temperature today",
      },
    });
    expect(reply.statusCode, reply.body).toBe(202);
    const [report] = (await office.get(url("/absence-reports"))).json().reports;
    expect(report).toMatchObject({
      pupil_id: amelia.id,
      // The office reads the child's name, never "Pupil 289".
      pupil_name: expect.stringContaining("Amelia"),
      suggested_code: "I",
      source: "email",
      reported_by: "Ms A (email reply)",
    });
    // Showing the list is logged against the pupils it showed.
    await vi.waitFor(async () => {
      const logged = await server.database.db
        .selectFrom("access_log")
        .select("pupil_ids")
        .where("school_id", "=", server.school.id)
        .where("what", "=", "GET /api/schools/:schoolId/absence-reports")
        .execute();
      expect(logged.map((r) => r.pupil_ids)).toContainEqual([amelia.id]);
    });
    const accepted = await office.send("POST", url(`/absence-reports/${report.id}/accept`), {
      code: "I",
    });
    // The morning's N becomes I, and the afternoon, not yet registered, is recorded as I in advance.
    expect(accepted.json()).toEqual({ amended: 2, planned: null });
    const history = (await office.get(url(`/pupils/${amelia.id}/marks`))).json().history;
    const reason =
      "Reported by email by Ms A (email reply): Sorry, Amelia is poorly with a temperature today";
    expect(history.slice(-2)).toMatchObject([
      { session: "AM", previousCode: "N", code: "I", reason },
      { session: "PM", previousCode: null, code: "I", reason },
    ]);
    expect(
      (await office.send("POST", url(`/absence-reports/${report.id}/accept`), { code: "I" }))
        .statusCode,
    ).toBe(409);
  });

  it("lets a parent report a future appointment in the portal; accepted, it pre-fills the register", async () => {
    const parent = await server.as("parent");
    const own = await parent.send("POST", url(`/pupils/${amelia.id}/absence-reports`), {
      fromDate: "2025-09-10",
      fromSession: "AM",
      toDate: "2025-09-10",
      toSession: "AM",
      reason: "Dentist appointment",
    });
    expect(own.statusCode).toBe(201);
    expect(
      (
        await parent.send("POST", url(`/pupils/${chloe.id}/absence-reports`), {
          fromDate: "2025-09-10",
          toDate: "2025-09-10",
          reason: "x",
        })
      ).statusCode,
    ).toBe(404);
    const report = (await office.get(url("/absence-reports")))
      .json()
      .reports.find((r: { id: number }) => r.id === own.json().id);
    expect(report.suggested_code).toBe("M");
    const accepted = (
      await office.send("POST", url(`/absence-reports/${report.id}/accept`), { code: "M" })
    ).json();
    expect(accepted.planned).toEqual(expect.any(Number));
    server.setNow("2025-09-10", "08:41");
    const teacher = await server.as("teacher");
    const register = (
      await teacher.get(url(`/registers/${server.groups.g8C}/2025-09-10/AM`))
    ).json();
    expect(
      register.pupils.find((p: { pupilId: number }) => p.pupilId === amelia.id).planned,
    ).toMatchObject({ code: "M" });
  });
});
