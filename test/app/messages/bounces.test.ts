import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBounces } from "../../../src/app/messages/bounces.ts";
import type { Database } from "../../../src/db/database.ts";
import { createSchool } from "../../../src/db/repositories/schools.ts";
import { readBounce } from "../../../src/domain/follow-up/delivery-status.ts";
import { testDatabase } from "../../support/database.ts";

/** A bounce shaped as RFC 3464's own examples and Postfix's: report, status, returned headers. */
function dsn(messageId: string, to: string, status: string, action = "failed"): string {
  return [
    "From MAILER-DAEMON Wed Dec  2 06:00:00 2026",
    "From: Mail Delivery System <MAILER-DAEMON@mx.school.example>",
    "To: bounces@rollbook.school.example",
    "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0",
    "Content-Type: multipart/report; report-type=delivery-status;",
    '\tboundary="B0UND"',
    "",
    "This is a MIME-encapsulated message.",
    "",
    "--B0UND",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    `I'm sorry to have to inform you that your message could not be delivered to ${to}.`,
    "",
    "--B0UND",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.school.example",
    "Arrival-Date: Wed, 2 Dec 2026 05:59:58 +0000",
    "",
    `Final-Recipient: rfc822; ${to}`,
    `Original-Recipient: rfc822;${to}`,
    `Action: ${action}`,
    `Status: ${status}`,
    "Remote-MTA: dns; mail.home.example",
    "Diagnostic-Code: smtp; 550 5.1.1 <",
    " mother@home.example>: Recipient address rejected: User unknown",
    "",
    "--B0UND",
    "Content-Type: text/rfc822-headers",
    "",
    "From: Northfield Academy <office@northfield.example>",
    `To: ${to}`,
    "Subject: A letter from Northfield Academy",
    `Message-ID: ${messageId}`,
    "",
    "--B0UND--",
    "",
  ].join("\n");
}

let database: Database;
let schoolId: number;

beforeAll(async () => {
  database = await testDatabase();
  schoolId = (
    await createSchool(database.db, { name: "Northfield", phase: "secondary", urn: null })
  ).id;
  for (const [key, to] of [
    ["letter:1", "mother@home.example"],
    ["letter:2", "father@home.example"],
  ] as const)
    await database.db
      .insertInto("outbox")
      .values({
        school_id: schoolId,
        idempotency_key: key,
        channel: "email",
        to_address: to,
        subject: "A letter",
        body: "...",
        purpose: "letter:trust_letter_1",
        status: "sent",
        provider_id: `<${schoolId}-${key.replace(":", "-")}@rollbook.invalid>`,
        sent_at: new Date(),
      })
      .execute();
});
afterAll(async () => {
  await database?.close();
});

describe("bounces read from the bounce mailbox (RFC 3464)", () => {
  it("reads the failed recipient, its status and the original Message-ID", () => {
    const bounce = readBounce(
      dsn("<1-letter-1@rollbook.invalid>", "mother@home.example", "5.1.1").replace(
        /^From .*\n/,
        "",
      ),
    );
    expect(bounce).toEqual({
      messageId: "<1-letter-1@rollbook.invalid>",
      recipients: [
        {
          address: "mother@home.example",
          permanent: true,
          status: "5.1.1",
          diagnostic: "550 5.1.1 < mother@home.example>: Recipient address rejected: User unknown",
        },
      ],
    });
    expect(readBounce("Subject: hello\n\nJust a reply")).toBeNull();
  });

  it("marks the email bounced against the address, once, and a delay changes nothing", async () => {
    const mbox = [
      dsn(`<${schoolId}-letter-1@rollbook.invalid>`, "Mother@Home.example", "5.1.1"),
      dsn(`<${schoolId}-letter-2@rollbook.invalid>`, "father@home.example", "4.4.1", "delayed"),
      "From someone Wed Dec  2 06:01:00 2026\nSubject: Out of office\n\nAway until Monday\n",
      dsn("<999-letter-9@rollbook.invalid>", "nobody@home.example", "5.1.1"),
    ].join("\n");
    const read = await readBounces(database.db, mbox, new Date("2026-12-02T06:05:00Z"));
    expect(read).toEqual({ messages: 4, recorded: 1, unmatched: 1, other: 1 });
    const rows = await database.db
      .selectFrom("outbox")
      .select(["idempotency_key", "delivery", "failure", "last_error"])
      .where("school_id", "=", schoolId)
      .orderBy("idempotency_key")
      .execute();
    expect(rows[0]).toMatchObject({
      idempotency_key: "letter:1",
      delivery: "permanent_failure",
      failure: "address",
    });
    expect(rows[0]?.last_error).toContain("bounced: 5.1.1");
    expect(rows[1]).toMatchObject({ idempotency_key: "letter:2", delivery: null, failure: null });
    const again = await readBounces(database.db, mbox, new Date());
    expect(again.recorded).toBe(0);
  });
});
