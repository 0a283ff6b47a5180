import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue, enqueue, MAX_ATTEMPTS } from "../../src/app/messages/outbox.ts";
import { LogTransport, SmtpTransport, type Transports } from "../../src/app/messages/transports.ts";
import type { Database } from "../../src/db/database.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { School } from "../../src/db/schema.ts";
import { testDatabase } from "../support/database.ts";

/** A real SMTP server, in this process, that keeps what it receives and refuses one address. */
interface Received {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}
let smtp: SMTPServer;
let port: number;
const received: Received[] = [];

let database: Database;
let school: School;
let email: SmtpTransport;
let transports: Transports;
const sms = new LogTransport();

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onRcptTo(address, _session, callback) {
      // A full mailbox (4xx) is worth retrying; an unknown one (5xx) is not.
      if (address.address.startsWith("bounce"))
        callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 450 }));
      else if (address.address.startsWith("unknown"))
        callback(Object.assign(new Error("no such user"), { responseCode: 550 }));
      else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            to: (mail.to as { text: string }).text,
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            messageId: mail.messageId ?? "",
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as AddressInfo).port;
  email = new SmtpTransport(`smtp://127.0.0.1:${port}`, "Rollbook <attendance@rollbook.invalid>");
  transports = { email, sms: () => sms };
  database = await testDatabase();
  school = await createSchool(database.db, { name: "Outbox School", phase: "primary" });
  await database.db
    .updateTable("schools")
    .set({ email_from: "Outbox School <office@school.invalid>" })
    .where("id", "=", school.id)
    .execute();
});
afterAll(async () => {
  email?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database?.close();
});

const at = (minutes: number) => new Date(Date.UTC(2025, 8, 3, 9, minutes));

describe("the outbox", () => {
  it("delivers email to a real SMTP server with the school's sender, once per idempotency key", async () => {
    const message = {
      schoolId: school.id,
      idempotencyKey: "first-day:1:2025-09-03",
      channel: "email" as const,
      to: "parent@home.invalid",
      subject: "Amy is not in school today",
      body: "Please call the office.",
      purpose: "first_day_absence",
    };
    expect(await enqueue(database.db, message, at(0))).toBe(true);
    expect(await enqueue(database.db, message, at(0))).toBe(false);
    expect(await deliverDue(database.db, transports, at(0))).toEqual({
      sent: 1,
      retried: 0,
      failed: 0,
      notSent: 0,
    });
    expect(await deliverDue(database.db, transports, at(1))).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      notSent: 0,
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      to: "parent@home.invalid",
      subject: "Amy is not in school today",
      text: "Please call the office.\n",
    });
    expect(received[0]?.messageId).toContain("first-day-1-2025-09-03");
    const row = await database.db
      .selectFrom("outbox")
      .selectAll()
      .where("idempotency_key", "=", message.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries a message refused for now (4xx) with growing gaps, then gives up, not blaming the address", async () => {
    await enqueue(
      database.db,
      {
        schoolId: school.id,
        idempotencyKey: "bounce-1",
        channel: "email",
        to: "bounce@home.invalid",
        subject: "x",
        body: "x",
        purpose: "test",
      },
      at(10),
    );
    const times: number[] = [];
    let minute = 10;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const report = await deliverDue(database.db, transports, at(minute));
      const row = await database.db
        .selectFrom("outbox")
        .select(["status", "next_attempt_at", "attempts", "last_error"])
        .where("idempotency_key", "=", "bounce-1")
        .executeTakeFirstOrThrow();
      expect(row.attempts).toBe(attempt);
      expect(report).toEqual(
        attempt < MAX_ATTEMPTS
          ? { sent: 0, retried: 1, failed: 0, notSent: 0 }
          : { sent: 0, retried: 0, failed: 1, notSent: 0 },
      );
      expect(row.last_error).toContain("mailbox unavailable");
      times.push((row.next_attempt_at.getTime() - at(minute).getTime()) / 60_000);
      expect(await deliverDue(database.db, transports, at(minute))).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
        notSent: 0,
      });
      minute = (row.next_attempt_at.getTime() - at(0).getTime()) / 60_000;
    }
    expect(times.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    const row = await database.db
      .selectFrom("outbox")
      .select("status")
      .where("idempotency_key", "=", "bounce-1")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    const failure = await database.db
      .selectFrom("outbox")
      .select("failure")
      .where("idempotency_key", "=", "bounce-1")
      .executeTakeFirstOrThrow();
    expect(failure.failure).toBe("provider");
  });

  it("gives up at once on an address the mail server refuses for good (5xx), against the address", async () => {
    await enqueue(
      database.db,
      {
        schoolId: school.id,
        idempotencyKey: "unknown-1",
        channel: "email",
        to: "unknown@home.invalid",
        subject: "x",
        body: "x",
        purpose: "test",
      },
      at(200),
    );
    expect(await deliverDue(database.db, transports, at(200))).toEqual({
      sent: 0,
      retried: 0,
      failed: 1,
      notSent: 0,
    });
    const row = await database.db
      .selectFrom("outbox")
      .select(["status", "failure", "last_error", "attempts"])
      .where("idempotency_key", "=", "unknown-1")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "failed", failure: "address", attempts: 1 });
    expect(row.last_error).toContain("no such user");
  });

  it("sends a message claimed by a process that crashed, once, after its claim runs out", async () => {
    await enqueue(
      database.db,
      {
        schoolId: school.id,
        idempotencyKey: "crash-1",
        channel: "sms",
        to: "07700900123",
        body: "Tom is not in school",
        purpose: "first_day_absence",
      },
      at(100),
    );
    // A process claims the message and dies before sending it.
    const dying: Transports = {
      email,
      sms: () => ({
        send: () => new Promise<string>(() => {}),
      }),
    };
    void deliverDue(database.db, dying, at(100));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const claimed = await database.db
      .selectFrom("outbox")
      .select(["status", "claimed_until"])
      .where("idempotency_key", "=", "crash-1")
      .executeTakeFirstOrThrow();
    expect(claimed.status).toBe("sending");
    // The restarted process leaves it alone while the claim holds...
    expect((await deliverDue(database.db, transports, at(101))).sent).toBe(0);
    expect(sms.sent.filter((m) => m.idempotencyKey.endsWith("crash-1"))).toHaveLength(0);
    // ...and sends it once the claim has run out, exactly once however often it runs.
    expect((await deliverDue(database.db, transports, at(103))).sent).toBe(1);
    expect((await deliverDue(database.db, transports, at(110))).sent).toBe(0);
    expect(sms.sent.filter((m) => m.idempotencyKey.endsWith("crash-1"))).toHaveLength(1);
  });
});
