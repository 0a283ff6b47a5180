import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "../../src/app/messages/outbox.ts";
import { LogTransport, SmtpTransport } from "../../src/app/messages/transports.ts";
import { EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

/** Password reset by email for everyone (issue 13 finding 1, issue 17), through the real outbox. */
let smtp: SMTPServer;
let email: SmtpTransport;
let server: TestServer;
const received: { to: string; subject: string; text: string }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            to: (mail.to as { text: string }).text,
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  email = new SmtpTransport(`smtp://127.0.0.1:${port}`, "Rollbook <attendance@rollbook.invalid>");
  server = await testServer();
});
afterAll(async () => {
  email?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await server?.close();
});

const post = (url: string, payload: object) => server.app.inject({ method: "POST", url, payload });
const deliver = () =>
  deliverDue(server.database.db, { email, sms: () => new LogTransport() }, new Date());
const tokenIn = (text: string) => (text.match(/#token=([\w-]+)/) as RegExpMatchArray)[1] as string;

describe("password reset by email", () => {
  it("answers the same whether or not the email has an account, and mails only a real one", async () => {
    const known = await post("/api/auth/password-reset/request", { email: EMAILS.parent });
    const unknown = await post("/api/auth/password-reset/request", {
      email: "nobody@home.example",
    });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await deliver();
    expect(received.map((m) => m.to)).toEqual([EMAILS.parent]);
    expect(received[0]?.subject).toBe("Choose a new Rollbook password");
    // The link points at the configured address, not at whatever Host the request named.
    expect(received[0]?.text).toContain("http://127.0.0.1:3000/reset-password#token=");
  });

  it("stores the link only hashed, works once, and ends every session of the account", async () => {
    const token = tokenIn(received[0]?.text ?? "");
    const stored = await server.database.db.selectFrom("password_links").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const signedIn = await server.as("parent");
    const newPassword = "bicycles in the rain";
    const first = await post("/api/auth/password-reset", { token, newPassword });
    expect(first.statusCode).toBe(200);
    expect((await signedIn.get("/api/auth/session")).statusCode).toBe(401);
    const again = await post("/api/auth/password-reset", {
      token,
      newPassword: "and once more, please",
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.message).toMatch(/^This link no longer works/);
    const login = await post("/api/auth/login", { email: EMAILS.parent, password: newPassword });
    expect(login.statusCode).toBe(200);
  });

  it("refuses an expired link plainly, and a weak password without spending the link", async () => {
    await post("/api/auth/password-reset/request", { email: EMAILS.office });
    await deliver();
    const token = tokenIn(received.at(-1)?.text ?? "");
    const weak = await post("/api/auth/password-reset", { token, newPassword: "password" });
    expect(weak.json().error.message).toMatch(/at least 12 characters/);
    server.setNow("2025-09-03", "23:00");
    const expired = await post("/api/auth/password-reset", {
      token,
      newPassword: "a sound long phrase",
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.message).toMatch(/^This link no longer works/);
    const check = await post("/api/auth/password-reset/check", { token });
    expect(check.json().valid).toBe(false);
    const old = await post("/api/auth/login", { email: EMAILS.office, password: PASSWORD });
    expect(old.statusCode).toBe(200);
  });
});
