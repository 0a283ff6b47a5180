import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpAuthFrom, transportsFrom } from "../../../src/app/messages/configure.ts";
import { emailHtml } from "../../../src/app/messages/email-html.ts";
import { deliverDue, enqueue } from "../../../src/app/messages/outbox.ts";
import { LogTransport, type Transports } from "../../../src/app/messages/transports.ts";
import { loadConfig } from "../../../src/config.ts";
import type { Database } from "../../../src/db/database.ts";
import type { Pupil, School } from "../../../src/db/schema.ts";
import { testDatabase } from "../../support/database.ts";
import { aSchoolWithPupils } from "../../support/school.ts";

const MAILBOX = "office@school.example";
const log = { info: () => {} } as unknown as FastifyBaseLogger;

/** A real SMTP server in this process that requires sign-in: a password, or XOAUTH2 with a good token. */
let smtp: SMTPServer;
let smtpPort: number;
const received: ParsedMail[] = [];
/** A stand-in for the identity provider's token address (client credentials grant). */
let tokens: Server;
let tokenUrl: string;

let database: Database;
let school: School;
let pupil: Pupil;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN", "XOAUTH2"],
    onAuth(auth, _session, callback) {
      const ok =
        auth.method === "XOAUTH2"
          ? auth.username === MAILBOX && auth.accessToken === "good-token"
          : auth.username === MAILBOX && auth.password === "right-password";
      if (ok) callback(null, { user: auth.username });
      else
        callback(
          Object.assign(new Error("5.7.3 Authentication unsuccessful"), { responseCode: 535 }),
        );
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("unknown"))
        callback(Object.assign(new Error("5.1.1 no such user"), { responseCode: 550 }));
      else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  tokens = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    response.setHeader("content-type", "application/json");
    if (
      form.get("grant_type") === "client_credentials" &&
      form.get("client_id") === "rollbook-app" &&
      form.get("client_secret") === "app-secret" &&
      form.get("scope") === "https://outlook.office365.com/.default"
    ) {
      response.end(
        JSON.stringify({ token_type: "Bearer", expires_in: 3599, access_token: "good-token" }),
      );
    } else {
      response.statusCode = 401;
      response.end(
        JSON.stringify({
          error: "invalid_client",
          error_description: "AADSTS7000215: Invalid client secret provided.",
        }),
      );
    }
  });
  await new Promise<void>((resolve) => tokens.listen(0, "127.0.0.1", resolve));
  tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/tenant/oauth2/v2.0/token`;

  database = await testDatabase();
  const made = await aSchoolWithPupils(database.db, 1, "Email School");
  school = made.school;
  pupil = made.pupils[0] as Pupil;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => tokens.close(() => resolve()));
  await database?.close();
});

const at = (minutes: number) => new Date(Date.UTC(2025, 8, 3, 9, minutes));
const smtpUrl = (password = "right-password") =>
  `smtp://${encodeURIComponent(MAILBOX)}:${password}@127.0.0.1:${smtpPort}`;

function transportsWith(env: Record<string, string>): Transports {
  const built = transportsFrom(
    loadConfig({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, ...env }),
    log,
  );
  return { email: built.email, sms: () => new LogTransport() };
}

let keys = 0;
async function email(to = "parent@home.example", extra: { letterId?: number } = {}) {
  const key = `email-${++keys}`;
  const body = "Amy was not in school today.\n\nPlease reply with the reason.";
  await enqueue(
    database.db,
    {
      schoolId: school.id,
      idempotencyKey: key,
      channel: "email",
      to,
      subject: "Amy is not in school today",
      body,
      html: emailHtml("Email School", body),
      purpose: "test",
      ...extra,
    },
    at(0),
  );
  return key;
}

async function row(key: string) {
  return database.db
    .selectFrom("outbox")
    .select(["status", "failure", "last_error", "attempts"])
    .where("idempotency_key", "=", key)
    .executeTakeFirstOrThrow();
}

describe("email", () => {
  it("goes as HTML with its plain-text alternative, and a letter as the PDF issued", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% a letter\n%%EOF\n");
    const { id } = await database.db
      .insertInto("letters")
      .values({
        school_id: school.id,
        pupil_id: pupil.id,
        letter_id: "letter-1",
        template_version: 1,
        addressee: "Ms Example",
        content: "Dear Ms Example",
        merge_data: JSON.stringify({}),
        pdf,
        docx: Buffer.from("docx"),
        issued_on: "2025-09-03",
        issued_by: "Office",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const key = await email("letter@home.example", { letterId: id });
    const report = await deliverDue(database.db, transportsWith({ SMTP_URL: smtpUrl() }), at(0));
    expect(report).toMatchObject({ sent: 1 });
    const mail = received.find((m) => (m.to as { text: string }).text === "letter@home.example");
    expect(mail?.text).toContain("Please reply with the reason.");
    expect(mail?.html).toContain('<p style="margin:0 0 1em">Please reply with the reason.</p>');
    expect(mail?.attachments).toHaveLength(1);
    expect(mail?.attachments[0]).toMatchObject({
      filename: "letter-1-2025-09-03.pdf",
      contentType: "application/pdf",
    });
    expect(mail?.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(await row(key)).toMatchObject({ status: "sent" });
  });

  it("escapes what a family's name or a reason could carry into the HTML", () => {
    expect(emailHtml("St <Mary>'s", "Tom & <b>Jerry</b>")).toContain(
      "Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;",
    );
  });

  it("signs in with OAuth2 (XOAUTH2) and a given access token", async () => {
    const key = await email("oauth-token@home.example");
    const transports = transportsWith({
      SMTP_OAUTH2_USER: MAILBOX,
      SMTP_OAUTH2_ACCESS_TOKEN: "good-token",
    });
    expect(await deliverDue(database.db, transports, at(0))).toMatchObject({ sent: 1 });
    expect(await row(key)).toMatchObject({ status: "sent" });
  });

  it("signs in with OAuth2 client credentials, fetching the token from the identity provider", async () => {
    const key = await email("oauth-app@home.example");
    const transports = transportsWith({
      SMTP_OAUTH2_USER: MAILBOX,
      SMTP_OAUTH2_CLIENT_ID: "rollbook-app",
      SMTP_OAUTH2_CLIENT_SECRET: "app-secret",
      SMTP_OAUTH2_TOKEN_URL: tokenUrl,
    });
    expect(await deliverDue(database.db, transports, at(0))).toMatchObject({ sent: 1 });
    expect(await row(key)).toMatchObject({ status: "sent" });
  });

  it("records a refused sign-in as the provider's failure, retried, never against the address", async () => {
    for (const env of [
      { SMTP_URL: smtpUrl("wrong-password") },
      { SMTP_OAUTH2_USER: MAILBOX, SMTP_OAUTH2_ACCESS_TOKEN: "expired-token" },
      {
        SMTP_OAUTH2_USER: MAILBOX,
        SMTP_OAUTH2_CLIENT_ID: "rollbook-app",
        SMTP_OAUTH2_CLIENT_SECRET: "wrong-secret",
        SMTP_OAUTH2_TOKEN_URL: tokenUrl,
      },
    ] as Record<string, string>[]) {
      const key = await email("auth-failure@home.example");
      expect(await deliverDue(database.db, transportsWith(env), at(0))).toMatchObject({
        retried: 1,
      });
      const failed = await row(key);
      expect(failed, JSON.stringify(env)).toMatchObject({ status: "retry", failure: "provider" });
      expect(failed.last_error).toMatch(/sign-in|client credentials|Authentication/);
    }
  });

  it("records a 5xx refusal of the address as a failure against it, at once", async () => {
    const key = await email("unknown@home.example");
    const report = await deliverDue(database.db, transportsWith({ SMTP_URL: smtpUrl() }), at(0));
    expect(report).toMatchObject({ failed: 1 });
    const failed = await row(key);
    expect(failed).toMatchObject({ status: "failed", failure: "address", attempts: 1 });
    expect(failed.last_error).toContain("no such user");
  });

  it("needs a token or the client credentials once OAuth2 is asked for", () => {
    expect(() => smtpAuthFrom(loadConfig({ SMTP_OAUTH2_USER: MAILBOX }))).toThrow(
      "SMTP_OAUTH2_ACCESS_TOKEN",
    );
  });
});
