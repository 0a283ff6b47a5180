import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact, Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
let dev: Pupil;
let ameliasFather: Contact;
let devsFather: Contact;

const url = (query = "") => `/api/schools/${server.school.id}/office/contact-check${query}`;

async function addContact(pupil: Pupil, contact: Record<string, unknown>): Promise<Contact[]> {
  const saved = await office.send(
    "POST",
    `/api/schools/${server.school.id}/pupils/${pupil.id}/contacts`,
    { address: "1 Church Lane, Leeds", ...contact },
  );
  expect(saved.statusCode, saved.body).toBe(200);
  return saved.json().contacts;
}

async function logCall(pupil: Pupil, contact: Contact, outcome: string) {
  const logged = await office.send(
    "POST",
    `/api/schools/${server.school.id}/office/call-list/${pupil.id}/outcome`,
    { method: "phone", contactId: contact.id, withWhom: contact.name, outcome },
  );
  expect(logged.statusCode, logged.body).toBe(201);
}

async function outboxMessage(
  schoolId: number,
  m: { key: string; channel?: "email" | "sms"; to: string; status: "failed" | "sent"; at: Date },
) {
  await server.database.db
    .insertInto("outbox")
    .values({
      school_id: schoolId,
      idempotency_key: m.key,
      channel: m.channel ?? "email",
      to_address: m.to,
      body: "Your child is not in school today",
      purpose: "first_day_absence",
      status: m.status,
      last_error: m.status === "failed" ? "550 5.1.1 mailbox unavailable" : null,
      next_attempt_at: m.at,
      created_at: m.at,
      sent_at: m.status === "sent" ? m.at : null,
    })
    .execute();
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe, dev] = server.pupils as [Pupil, Pupil, Pupil, Pupil];
  server.setNow("2025-09-03", "08:50");
  office = await server.as("office");
  const mother = (surname: string) => ({
    priority: 1,
    name: `Sarah ${surname}`,
    relationship: "Mother",
    phone: "07700 900111",
  });
  const father = (surname: string, means: { phone?: string; email?: string }) => ({
    priority: 2,
    name: `Tom ${surname}`,
    relationship: "Father",
    ...means,
  });
  await addContact(amelia, mother("Pupil"));
  ameliasFather = (
    await addContact(amelia, father("Pupil", { phone: "07700 900222" }))
  )[1] as Contact;
  await addContact(bilal, mother("Pupil"));
  await addContact(dev, mother("Dev"));
  devsFather = (
    await addContact(dev, father("Dev", { email: "tom.dev@example.com" }))
  )[1] as Contact;
  // Dev's father's email bounced on Monday. At the other school, a text to the mothers' number
  // failed: that is not this school's evidence.
  await outboxMessage(server.school.id, {
    key: "first-day:dev",
    to: "tom.dev@example.com",
    status: "failed",
    at: londonInstant("2025-09-01", "09:40"),
  });
  await outboxMessage(server.other.id, {
    key: "first-day:zara",
    channel: "sms",
    to: "07700 900111",
    status: "failed",
    at: londonInstant("2025-09-01", "09:40"),
  });
  await logCall(amelia, ameliasFather, "wrong number");
});
afterAll(async () => {
  await server?.close();
});

describe("the contact check", () => {
  it("lists pupils on roll with fewer than two working contacts, with the reasons", async () => {
    const response = await office.get(url());
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json();
    // Eve joins in October: not on roll today. School B's pupil is not School A's business.
    expect(answer).toMatchObject({ minimum: 2, pupilsOnRoll: 4, belowMinimum: 4 });
    expect(
      answer.pupils.map((p: { name: string; workingContacts: number; reasons: string[] }) => [
        p.name,
        p.workingContacts,
        p.reasons,
      ]),
    ).toEqual([
      ["Chloe Pupil", 0, ["No contacts recorded"]],
      [
        "Amelia Pupil",
        1,
        ["Tom Pupil (father): phone reported as wrong number on 3 Sep 2025; no email"],
      ],
      ["Bilal Pupil", 1, ["Only one contact recorded"]],
      [
        "Dev Pupil",
        1,
        [
          "Tom Dev (father): email to tom.dev@example.com failed on 1 Sep 2025 (last error: 550 5.1.1 mailbox unavailable); no phone",
        ],
      ],
    ]);
    expect(answer.pupils[0].pupilId).toBe(chloe.id);
    expect(answer.pupils[3]).toMatchObject({
      pupilId: dev.id,
      upn: dev.upn,
      registrationGroup: "9C",
    });
  });

  it("answers with what the office needs and nothing more about the pupil or the contacts", async () => {
    const [pupil] = (await office.get(url()))
      .json()
      .pupils.filter((p: { pupilId: number }) => p.pupilId === dev.id);
    expect(Object.keys(pupil).sort()).toEqual(
      [
        "belowMinimum",
        "contacts",
        "name",
        "pupilId",
        "reasons",
        "registrationGroup",
        "upn",
        "workingContacts",
      ].sort(),
    );
    expect(pupil.contacts[1]).toEqual({
      id: devsFather.id,
      priority: 2,
      name: "Tom Dev",
      relationship: "Father",
      phone: null,
      email: "tom.dev@example.com",
      working: false,
      problems: [
        "email to tom.dev@example.com failed on 1 Sep 2025 (last error: 550 5.1.1 mailbox unavailable)",
      ],
    });
  });

  it("stops listing a pupil once the number is shown to work or the email is delivered", async () => {
    server.setNow("2025-09-03", "11:00");
    office = await server.as("office");
    await logCall(amelia, ameliasFather, "reached");
    await outboxMessage(server.school.id, {
      key: "first-day:dev:2",
      to: "tom.dev@example.com",
      status: "sent",
      at: londonInstant("2025-09-02", "09:40"),
    });
    const names = (await office.get(url())).json().pupils.map((p: { name: string }) => p.name);
    expect(names).toEqual(["Chloe Pupil", "Bilal Pupil"]);
  });

  it("answers for one pupil, for their page", async () => {
    const one = (await office.get(url(`?pupilId=${chloe.id}`))).json();
    expect(one.pupils.map((p: { reasons: string[] }) => p.reasons)).toEqual([
      ["No contacts recorded"],
    ]);
    expect(one.belowMinimum).toBe(1);
    expect((await office.get(url("?pupilId=0"))).statusCode).toBe(400);
  });

  it("takes the minimum from the query: 1 to 5", async () => {
    const one = (await office.get(url("?minimum=1"))).json();
    expect(one.minimum).toBe(1);
    expect(one.pupils.map((p: { name: string }) => p.name)).toEqual(["Chloe Pupil"]);
    const three = (await office.get(url("?minimum=3"))).json();
    expect(three.pupils).toHaveLength(4);
    for (const bad of ["?minimum=9", "?minimum=0", "?minimum=1.5", "?minimum=two"]) {
      const response = await office.get(url(bad));
      expect(response.statusCode, bad).toBe(400);
    }
  });

  it("is for the office: a teacher and a parent are refused", async () => {
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url());
      expect(response.statusCode, person).toBe(403);
    }
    expect((await (await server.as("head")).get(url())).statusCode).toBe(200);
  });
});
