import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";
import { NOTIFY_API_KEY, TWILIO_SID, TWILIO_TOKEN } from "../support/sms-providers.ts";

let server: TestServer;
let office: Client;
let head: Client;
let amelia: Pupil;
let bilal: Pupil;

const CALLBACK_TOKEN = "notify-callback-token-0123456789";
const TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a";
const PUBLIC = "http://127.0.0.1:3000";
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function message(key: string, m: { to: string; status: string; providerId?: string }) {
  await server.database.db
    .insertInto("outbox")
    .values({
      school_id: server.school.id,
      idempotency_key: key,
      channel: "sms",
      to_address: m.to,
      body: "Your child is not in school today",
      purpose: "first_day_absence",
      status: m.status as "sent",
      provider_id: m.providerId ?? null,
      last_error: m.status === "not_sent" ? "not sent: no provider" : null,
      next_attempt_at: new Date("2025-09-03T07:00:00Z"),
      created_at: new Date("2025-09-03T07:00:00Z"),
      sent_at: m.status === "sent" ? new Date("2025-09-03T07:00:00Z") : null,
    })
    .execute();
}

function twilioPost(path: string, params: Record<string, string>, signature?: string) {
  const address = `/api/inbound/${server.school.id}/twilio/${path}`;
  return server.app.inject({
    method: "POST",
    url: address,
    headers: {
      // As Twilio sends it, with its charset.
      "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
      "x-twilio-signature":
        signature ?? twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC}${address}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

function notifyPost(path: string, payload: unknown, token = CALLBACK_TOKEN) {
  return server.app.inject({
    method: "POST",
    url: `/api/inbound/${server.school.id}/notify/${path}`,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

async function contactCheckReasons(pupil: Pupil): Promise<string[]> {
  const check = await office.get(url(`/office/contact-check?pupilId=${pupil.id}&minimum=1`));
  expect(check.statusCode, check.body).toBe(200);
  return check.json().pupils.flatMap((p: { reasons: string[] }) => p.reasons);
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-03", "09:30");
  office = await server.as("office");
  head = await server.as("head");
  for (const [pupil, phone] of [
    [amelia, "07700 900301"],
    [bilal, "07700 900302"],
  ] as const) {
    const saved = await office.send("POST", url(`/pupils/${pupil.id}/contacts`), {
      priority: 1,
      name: `Parent of ${pupil.legal_forename}`,
      relationship: "Mother",
      phone,
    });
    expect(saved.statusCode, saved.body).toBe(200);
  }
});
afterAll(async () => {
  await server?.close();
});

describe("choosing an SMS provider", () => {
  it("takes GOV.UK Notify's or Twilio's keys and never shows a secret back in full", async () => {
    const notify = await head.send("PUT", url("/messaging/sms"), {
      provider: "notify",
      notify: { apiKey: NOTIFY_API_KEY, templateId: TEMPLATE, callbackToken: CALLBACK_TOKEN },
    });
    expect(notify.statusCode, notify.body).toBe(200);
    expect(notify.body).not.toContain(NOTIFY_API_KEY.slice(-36));
    expect(notify.body).not.toContain(CALLBACK_TOKEN);
    expect(notify.json()).toMatchObject({
      provider: "notify",
      notify: { apiKey: `…${NOTIFY_API_KEY.slice(-4)}`, templateId: TEMPLATE },
      callbacks: {
        notifyReceipts: `${PUBLIC}/api/inbound/${server.school.id}/notify/status`,
      },
    });
    // Twilio chosen later: Notify's keys are kept, and a secret left out is kept too.
    const chosen = await head.send("PUT", url("/messaging/sms"), {
      provider: "twilio",
      twilio: { accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: "+447700900001" },
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    const again = await head.send("PUT", url("/messaging/sms"), {
      provider: "twilio",
      twilio: { from: "SchoolA" },
    });
    expect(again.json()).toMatchObject({
      provider: "twilio",
      twilio: { accountSid: TWILIO_SID, authToken: `…${TWILIO_TOKEN.slice(-4)}`, from: "SchoolA" },
    });
    expect(again.body).not.toContain(TWILIO_TOKEN);
    const school = await server.database.db
      .selectFrom("schools")
      .select(["twilio_auth_token", "notify_api_key"])
      .where("id", "=", server.school.id)
      .executeTakeFirstOrThrow();
    expect(school).toEqual({ twilio_auth_token: TWILIO_TOKEN, notify_api_key: NOTIFY_API_KEY });
  });

  it("refuses unusable settings with a clear message, and anyone but the head", async () => {
    const bad = await head.send("PUT", url("/messaging/sms"), {
      provider: "notify",
      notify: { apiKey: "not-a-key" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("GOV.UK Notify API key");
    const other = (await server.as("otherHead")).send("PUT", url("/messaging/sms"), {
      provider: "log",
    });
    expect((await other).statusCode).toBe(403);
    expect((await office.get(url("/messaging/sms"))).statusCode).toBe(403);
  });
});

describe("what did not reach a family", () => {
  it("counts a message not sent for want of a provider for the office, not against the address", async () => {
    await message("none-1", { to: "07700 900301", status: "not_sent" });
    const summary = await office.get(url("/outbox/summary"));
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json()).toMatchObject({ notSent: 1, failed: 0 });
    const listed = await office.get(url("/outbox?status=not_sent"));
    expect(listed.json().messages).toMatchObject([
      { status: "not_sent", last_error: "not sent: no provider" },
    ]);
    expect((await contactCheckReasons(amelia)).join(" ")).not.toContain("failed");
  });
});

describe("sending again", () => {
  async function idOf(key: string): Promise<number> {
    const row = await server.database.db
      .selectFrom("outbox")
      .select("id")
      .where("school_id", "=", server.school.id)
      .where("idempotency_key", "=", key)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it("queues a message not sent for want of a provider, and never one already sent", async () => {
    await message("again-none", { to: "07700 900399", status: "not_sent" });
    await message("again-sent", { to: "07700 900399", status: "sent", providerId: "p-again" });
    const notSent = await idOf("again-none");
    const sent = await idOf("again-sent");
    const teacher = await (await server.as("teacher")).send("POST", url("/outbox/send-again"), {
      messageIds: [notSent],
    });
    expect(teacher.statusCode).toBe(403);
    const refused = await office.send("POST", url("/outbox/send-again"), {
      messageIds: [notSent, sent],
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain("Only 1 of 2");
    // Refused as a whole: the message not sent is still not sent.
    const still = await server.database.db
      .selectFrom("outbox")
      .select("status")
      .where("id", "=", notSent)
      .executeTakeFirstOrThrow();
    expect(still.status).toBe("not_sent");
    const again = await office.send("POST", url("/outbox/send-again"), { messageIds: [notSent] });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ queued: 1 });
    const rows = await server.database.db
      .selectFrom("outbox")
      .select(["id", "status", "attempts", "last_error"])
      .where("id", "in", [notSent, sent])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { id: notSent, status: "queued", attempts: 0, last_error: null },
      { id: sent, status: "sent", attempts: 0, last_error: null },
    ]);
  });
});

describe("delivery receipts", () => {
  it("refuses a Notify callback without the school's token before reading its body", async () => {
    // A body that would be a 400 if parsed: the token is checked first.
    const wrong = await notifyPost("status", "{not json", "guess-guess-guess");
    expect(wrong.statusCode).toBe(401);
    const none = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/notify/status`,
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(none.statusCode).toBe(401);
  });

  it("marks a text delivered, or failed for good against the address (Notify)", async () => {
    await message("notify-ok", { to: "07700 900302", status: "sent", providerId: "n-ok" });
    await message("notify-dead", { to: "07700 900301", status: "sent", providerId: "n-dead" });
    const ok = await notifyPost("status", {
      id: "n-ok",
      reference: "x",
      to: "+447700900302",
      status: "delivered",
      created_at: "2025-09-03T08:00:00.000Z",
      completed_at: "2025-09-03T08:00:05.000Z",
      sent_at: "2025-09-03T08:00:01.000Z",
      notification_type: "sms",
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ updated: 1 });
    const dead = await notifyPost("status", { id: "n-dead", status: "permanent-failure" });
    expect(dead.json()).toEqual({ updated: 1 });
    const rows = await server.database.db
      .selectFrom("outbox")
      .select(["provider_id", "delivery", "failure"])
      .where("provider_id", "in", ["n-ok", "n-dead"])
      .orderBy("provider_id")
      .execute();
    expect(rows).toEqual([
      { provider_id: "n-dead", delivery: "permanent_failure", failure: "address" },
      { provider_id: "n-ok", delivery: "delivered", failure: null },
    ]);
    expect((await contactCheckReasons(amelia)).join(" ")).toContain("text to 07700 900301 failed");
    expect((await contactCheckReasons(bilal)).join(" ")).not.toContain("failed");
  });

  it("validates Twilio's signature with Twilio's library, and maps its statuses", async () => {
    await message("twilio-1", { to: "07700 900302", status: "sent", providerId: "SM1" });
    const forged = await twilioPost(
      "status",
      { MessageSid: "SM1", MessageStatus: "delivered" },
      "bm90IGEgc2lnbmF0dXJl",
    );
    expect(forged.statusCode).toBe(401);
    const unsigned = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/twilio/status`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "MessageSid=SM1&MessageStatus=delivered",
    });
    expect(unsigned.statusCode).toBe(401);
    const undelivered = await twilioPost("status", {
      MessageSid: "SM1",
      MessageStatus: "undelivered",
      ErrorCode: "30003",
      AccountSid: TWILIO_SID,
    });
    expect(undelivered.statusCode, undelivered.body).toBe(200);
    const row = await server.database.db
      .selectFrom("outbox")
      .select(["delivery", "failure", "last_error"])
      .where("provider_id", "=", "SM1")
      .executeTakeFirstOrThrow();
    // Unreachable handset (30003) is not the number's fault for good.
    expect(row).toEqual({
      delivery: "failed",
      failure: null,
      last_error: "Twilio: undelivered (error 30003)",
    });
  });
});

describe("replies", () => {
  it("turns a text to the school's Twilio number into a pending reason for the office", async () => {
    const reply = await twilioPost("replies", {
      From: "+447700900302",
      To: "+447700900001",
      Body: "Bilal has a temperature, keeping him home",
      MessageSid: "SMreply1",
      AccountSid: TWILIO_SID,
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers["content-type"]).toContain("text/xml");
    expect(reply.body).toContain("<Response></Response>");
    const reports = (await office.get(url("/absence-reports"))).json().reports;
    expect(reports).toMatchObject([
      { pupil_id: bilal.id, source: "sms", status: "pending", suggested_code: "I" },
    ]);
  });

  it("turns a text to the school's Notify number into a pending reason too", async () => {
    const reply = await notifyPost("replies", {
      id: "r1",
      source_number: "447700900301",
      destination_number: "07797800000",
      message: "Amelia has a dentist appointment this morning",
      date_received: "2025-09-03T08:30:00.000Z",
    });
    expect(reply.statusCode, reply.body).toBe(202);
    const reports = (await office.get(url("/absence-reports"))).json().reports;
    expect(reports.map((r: { pupil_id: number }) => r.pupil_id)).toContain(amelia.id);
  });

  it("holds each caller to a rate", async () => {
    let last = 0;
    for (let i = 0; i < 125 && last !== 429; i++)
      last = (await twilioPost("replies", { From: "+1", Body: "x" }, "x")).statusCode;
    expect(last).toBe(429);
  });
});

describe("emailing a letter", () => {
  async function letterFor(pupil: Pupil): Promise<number> {
    const { id } = await server.database.db
      .insertInto("letters")
      .values({
        school_id: server.school.id,
        pupil_id: pupil.id,
        letter_id: "first-concern",
        template_version: 1,
        addressee: "Parent",
        content: "Dear Parent/Carer,\n\nWe are concerned about attendance.",
        merge_data: JSON.stringify({}),
        pdf: Buffer.from("%PDF-1.4\n%%EOF\n"),
        docx: Buffer.from("docx"),
        issued_on: "2025-09-03",
        issued_by: "Office",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  }

  it("queues it once per address, as HTML and text with the PDF attached", async () => {
    await office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
      priority: 2,
      name: "Father of Amelia",
      relationship: "Father",
      email: "father@home.example",
    });
    const letter = await letterFor(amelia);
    const first = await office.send("POST", url(`/letters/${letter}/email`), {});
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toEqual({ queued: true, to: "father@home.example" });
    const again = await office.send("POST", url(`/letters/${letter}/email`), {});
    expect(again.json()).toEqual({ queued: false, to: "father@home.example" });
    const queued = await server.database.db
      .selectFrom("outbox")
      .select(["letter_id", "html", "body", "channel"])
      .where("school_id", "=", server.school.id)
      .where("letter_id", "=", letter)
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ letter_id: letter, channel: "email" });
    expect(queued[0]?.html).toContain("We are concerned about attendance.");
    expect(queued[0]?.body).toContain("attached as a PDF");
  });

  it("says so when no contact has an email address, and is not for a teacher", async () => {
    const letter = await letterFor(bilal);
    const none = await office.send("POST", url(`/letters/${letter}/email`), {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain("post the letter");
    const teacher = await (await server.as("teacher")).send(
      "POST",
      url(`/letters/${letter}/email`),
      {},
    );
    expect(teacher.statusCode).toBe(403);
  });
});
