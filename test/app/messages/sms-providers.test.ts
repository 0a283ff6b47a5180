import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { transportsFrom } from "../../../src/app/messages/configure.ts";
import { deliverDue, enqueue } from "../../../src/app/messages/outbox.ts";
import {
  NotifySmsTransport,
  type Transports,
  TwilioSmsTransport,
  WebhookSmsTransport,
} from "../../../src/app/messages/transports.ts";
import { loadConfig } from "../../../src/config.ts";
import type { Database } from "../../../src/db/database.ts";
import { createSchool } from "../../../src/db/repositories/schools.ts";
import { testDatabase } from "../../support/database.ts";
import {
  type FakeProvider,
  fakeProvider,
  NOTIFY_API_KEY,
  TWILIO_SID,
  TWILIO_TOKEN,
} from "../../support/sms-providers.ts";
import { selfSignedCertificate } from "../../support/tls.ts";

const TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a";
const log = { info: () => {} } as unknown as FastifyBaseLogger;

let database: Database;
let notify: FakeProvider;
let twilio: FakeProvider;
let transports: Transports;

beforeAll(async () => {
  database = await testDatabase();
  notify = await fakeProvider("notify");
  twilio = await fakeProvider("twilio");
  transports = transportsFrom(
    loadConfig({
      NOTIFY_BASE_URL: notify.url,
      TWILIO_BASE_URL: twilio.url,
      PUBLIC_URL: "https://rollbook.school.example",
    }),
    log,
  );
});
afterAll(async () => {
  await notify?.close();
  await twilio?.close();
  await database?.close();
});
beforeEach(() => {
  notify.seen.length = 0;
  twilio.seen.length = 0;
});

let schools = 0;
async function schoolWith(provider: "notify" | "twilio" | "log"): Promise<number> {
  const school = await createSchool(database.db, { name: `SMS ${++schools}`, phase: "primary" });
  await database.db
    .updateTable("schools")
    .set({
      sms_provider: provider,
      notify_api_key: NOTIFY_API_KEY,
      notify_sms_template_id: TEMPLATE,
      twilio_account_sid: TWILIO_SID,
      twilio_auth_token: TWILIO_TOKEN,
      twilio_from: "+447700900001",
    })
    .where("id", "=", school.id)
    .execute();
  return school.id;
}

const at = (minutes: number) => new Date(Date.UTC(2025, 8, 3, 9, minutes));

async function text(schoolId: number, key: string, to = "07700 900123"): Promise<void> {
  await enqueue(
    database.db,
    {
      schoolId,
      idempotencyKey: key,
      channel: "sms",
      to,
      body: "Amy is not in school today. Please call the office.",
      purpose: "first_day_absence",
    },
    at(0),
  );
}

async function row(schoolId: number, key: string) {
  return database.db
    .selectFrom("outbox")
    .select(["status", "failure", "last_error", "attempts", "provider_id"])
    .where("school_id", "=", schoolId)
    .where("idempotency_key", "=", key)
    .executeTakeFirstOrThrow();
}

describe("texts through GOV.UK Notify (its own client, against a local Notify)", () => {
  it("sends to the number in E.164 with the school's template, signed with its key", async () => {
    const school = await schoolWith("notify");
    await text(school, "n1");
    expect((await deliverDue(database.db, transports, at(0))).sent).toBe(1);
    expect(notify.seen).toEqual([
      {
        path: "/v2/notifications/sms",
        authorised: true,
        body: {
          phone_number: "+447700900123",
          template_id: TEMPLATE,
          personalisation: { message: "Amy is not in school today. Please call the office." },
          reference: `${school}-n1`,
        },
      },
    ]);
    expect(await row(school, "n1")).toMatchObject({ status: "sent", failure: null });
    expect((await row(school, "n1")).provider_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives up at once on a number Notify refuses (400), against the address", async () => {
    const school = await schoolWith("notify");
    await text(school, "n400");
    notify.script(400);
    expect((await deliverDue(database.db, transports, at(0))).failed).toBe(1);
    const sent = await row(school, "n400");
    expect(sent).toMatchObject({ status: "failed", failure: "address", attempts: 1 });
    expect(sent.last_error).toContain("Not a UK mobile number");
  });

  it("gives up at once on a refused API key (403), blaming the provider not the family", async () => {
    const school = await schoolWith("notify");
    await database.db
      .updateTable("schools")
      .set({ notify_api_key: `wrong-${NOTIFY_API_KEY.slice(0, -4)}0000` })
      .where("id", "=", school)
      .execute();
    await text(school, "n403");
    expect((await deliverDue(database.db, transports, at(0))).failed).toBe(1);
    const sent = await row(school, "n403");
    expect(sent).toMatchObject({ status: "failed", failure: "provider" });
    expect(sent.last_error).toContain("API key not found");
  });

  it("retries 429 and 5xx with backoff, and never sends twice once it went", async () => {
    const school = await schoolWith("notify");
    await text(school, "nretry");
    notify.script(429, 500);
    expect(await deliverDue(database.db, transports, at(0))).toMatchObject({ retried: 1 });
    expect((await row(school, "nretry")).last_error).toContain("429");
    // Not due again before its backoff (1 minute).
    expect(await deliverDue(database.db, transports, at(0))).toMatchObject({ retried: 0 });
    expect(await deliverDue(database.db, transports, at(1))).toMatchObject({ retried: 1 });
    expect((await row(school, "nretry")).last_error).toContain("500");
    expect(await deliverDue(database.db, transports, at(3))).toMatchObject({ sent: 1 });
    for (const minute of [4, 10, 60])
      expect(await deliverDue(database.db, transports, at(minute))).toMatchObject({ sent: 0 });
    expect(notify.seen).toHaveLength(3);
    expect(notify.seen.map((r) => r.body.reference)).toEqual([
      `${school}-nretry`,
      `${school}-nretry`,
      `${school}-nretry`,
    ]);
    expect(await row(school, "nretry")).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("waits as long as Notify's Retry-After asks before trying again", async () => {
    const school = await schoolWith("notify");
    await text(school, "nwait");
    notify.script(429);
    notify.retryAfter = 600;
    try {
      await deliverDue(database.db, transports, at(200));
    } finally {
      notify.retryAfter = null;
    }
    expect((await row(school, "nwait")).status).toBe("retry");
    // The backoff alone would try again after a minute; Notify asked for ten.
    await deliverDue(database.db, transports, at(201));
    await deliverDue(database.db, transports, at(209));
    expect(await row(school, "nwait")).toMatchObject({ status: "retry", attempts: 1 });
    await deliverDue(database.db, transports, at(210));
    expect(await row(school, "nwait")).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("retries when Notify does not answer in time", async () => {
    const school = await schoolWith("notify");
    await text(school, "nhang");
    notify.script("hang");
    const impatient: Transports = {
      ...transports,
      sms: (s) =>
        new NotifySmsTransport(
          s.notifyApiKey as string,
          s.notifySmsTemplateId as string,
          notify.url,
          300,
        ),
    };
    expect(await deliverDue(database.db, impatient, at(0))).toMatchObject({ retried: 1 });
    expect((await row(school, "nhang")).last_error).toContain("did not answer");
  });
});

describe("texts through Twilio (its own client, against a local Twilio)", () => {
  it("sends to the number in E.164 from the school's number, asking for delivery receipts", async () => {
    const school = await schoolWith("twilio");
    await text(school, "t1", "+44 (0)7700 900456");
    expect((await deliverDue(database.db, transports, at(0))).sent).toBe(1);
    expect(twilio.seen).toEqual([
      {
        path: `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`,
        authorised: true,
        body: {
          To: "+447700900456",
          From: "+447700900001",
          Body: "Amy is not in school today. Please call the office.",
          StatusCallback: `https://rollbook.school.example/api/inbound/${school}/twilio/status`,
        },
      },
    ]);
    expect((await row(school, "t1")).provider_id).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("gives up at once on an invalid number (21211) against the address, on bad credentials against the provider", async () => {
    const school = await schoolWith("twilio");
    await text(school, "t400");
    twilio.script(400);
    await deliverDue(database.db, transports, at(0));
    const refused = await row(school, "t400");
    expect(refused).toMatchObject({ status: "failed", failure: "address", attempts: 1 });
    expect(refused.last_error).toContain("21211");

    await database.db
      .updateTable("schools")
      .set({ twilio_auth_token: "not-the-token" })
      .where("id", "=", school)
      .execute();
    await text(school, "t401");
    await deliverDue(database.db, transports, at(0));
    expect(await row(school, "t401")).toMatchObject({ status: "failed", failure: "provider" });
  });

  it("waits as long as Twilio's Retry-After asks before trying again", async () => {
    const school = await schoolWith("twilio");
    await text(school, "twait");
    twilio.script(429);
    twilio.retryAfter = 300;
    try {
      await deliverDue(database.db, transports, at(300));
    } finally {
      twilio.retryAfter = null;
    }
    await deliverDue(database.db, transports, at(304));
    expect(await row(school, "twait")).toMatchObject({ status: "retry", attempts: 1 });
    await deliverDue(database.db, transports, at(305));
    expect(await row(school, "twait")).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("retries 429, 5xx and no answer, then sends once", async () => {
    const school = await schoolWith("twilio");
    await text(school, "tretry");
    twilio.script(429, 503);
    expect(await deliverDue(database.db, transports, at(0))).toMatchObject({ retried: 1 });
    expect(await deliverDue(database.db, transports, at(1))).toMatchObject({ retried: 1 });
    expect(await deliverDue(database.db, transports, at(3))).toMatchObject({ sent: 1 });
    expect(await deliverDue(database.db, transports, at(30))).toMatchObject({ sent: 0 });
    expect(twilio.seen).toHaveLength(3);

    await text(school, "thang");
    twilio.script("hang");
    const impatient: Transports = {
      ...transports,
      sms: () =>
        new TwilioSmsTransport(TWILIO_SID, TWILIO_TOKEN, "+447700900001", null, twilio.url, 300),
    };
    expect(await deliverDue(database.db, impatient, at(40))).toMatchObject({ retried: 1 });
    expect((await row(school, "thang")).last_error).toContain("did not answer");
  });
});

describe("texts through the school's own webhook", () => {
  it("retries a 5xx, gives up at once on a 4xx as the provider's failure", async () => {
    const answers = [503, 400];
    const { key, cert } = selfSignedCertificate();
    const hook = createHttpsServer({ key, cert }, (request, response) => {
      request.resume();
      request.on("end", () => {
        response.statusCode = answers.shift() ?? 200;
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ id: "w-1" }));
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const address = `https://localhost:${(hook.address() as AddressInfo).port}/sms`;
    const viaHook: Transports = {
      ...transports,
      // A gateway inside the network, as an operator would allow it.
      sms: () =>
        new WebhookSmsTransport(address, "School", {
          allowedHosts: ["localhost"],
          tls: { ca: cert },
        }),
    };
    try {
      const school = await schoolWith("log");
      await text(school, "hook");
      expect(await deliverDue(database.db, viaHook, at(0))).toMatchObject({ retried: 1 });
      expect(await row(school, "hook")).toMatchObject({ status: "retry", failure: "provider" });
      expect(await deliverDue(database.db, viaHook, at(1))).toMatchObject({ failed: 1 });
      const refused = await row(school, "hook");
      expect(refused).toMatchObject({ status: "failed", failure: "provider", attempts: 2 });
      expect(refused.last_error).toContain("400");
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});

describe("before any provider is asked", () => {
  it("refuses a number that cannot take a text, saying why, against the address", async () => {
    const school = await schoolWith("twilio");
    await text(school, "landline", "020 7946 0018");
    expect((await deliverDue(database.db, transports, at(0))).failed).toBe(1);
    expect(twilio.seen).toHaveLength(0);
    const refused = await row(school, "landline");
    expect(refused).toMatchObject({ status: "failed", failure: "address" });
    expect(refused.last_error).toContain("landline");
  });

  it("records a text with no provider as not sent, never sent", async () => {
    const school = await schoolWith("log");
    await text(school, "none");
    expect(await deliverDue(database.db, transports, at(0))).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      notSent: 1,
    });
    expect(await row(school, "none")).toMatchObject({
      status: "not_sent",
      last_error: "not sent: no provider",
      failure: null,
    });
    expect(await deliverDue(database.db, transports, at(60))).toMatchObject({ notSent: 0 });
  });
});
