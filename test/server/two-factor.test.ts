import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { londonInstant } from "../../src/domain/dates.ts";
import { EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

/** Two-factor sign-in with an authenticator app (TOTP), as a real app computes its codes. */
let server: TestServer;
let secret: string;

const codeAt = (at: Date) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });
const login = (body: Record<string, unknown>) =>
  server.app.inject({ method: "POST", url: "/api/auth/login", payload: body });

beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  await server?.close();
});

describe("two-factor sign-in", () => {
  it("is turned on with a code from the app, then asked for at every sign-in, each code once", async () => {
    const head = await server.as("head");
    expect((await head.get("/api/auth/two-factor")).json()).toMatchObject({ on: false });
    const begun = await head.send("POST", "/api/auth/two-factor/begin");
    expect(begun.statusCode, begun.body).toBe(200);
    secret = begun.json().secret;
    expect(begun.json().uri).toMatch(/^otpauth:\/\/totp\/Rollbook:head%40a\.example\?/);
    // Not in force until confirmed: sign-in still needs only the password.
    expect((await login({ email: EMAILS.head, password: PASSWORD })).statusCode).toBe(200);

    const now = londonInstant("2025-09-03", "08:45");
    const wrong = await head.send("POST", "/api/auth/two-factor/confirm", { code: "000000" });
    expect(wrong.statusCode).toBe(400);
    const confirmed = await head.send("POST", "/api/auth/two-factor/confirm", {
      code: codeAt(now),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await head.get("/api/auth/two-factor")).json()).toMatchObject({
      on: true,
      recoveryCodesLeft: 10,
    });

    // The password alone is no longer enough, and the answer says what is missing.
    const noCode = await login({ email: EMAILS.head, password: PASSWORD });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error).toMatchObject({ details: { secondFactor: "required" } });
    // The confirming code was used: it does not sign in again.
    expect(
      (await login({ email: EMAILS.head, password: PASSWORD, code: codeAt(now) })).statusCode,
    ).toBe(401);
    server.setNow("2025-09-03", "08:46");
    const later = londonInstant("2025-09-03", "08:46");
    const signedIn = await login({ email: EMAILS.head, password: PASSWORD, code: codeAt(later) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    // Replayed (seen over a shoulder): refused.
    const replay = await login({ email: EMAILS.head, password: PASSWORD, code: codeAt(later) });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toContain("already used");
    // A code with the wrong password tells nothing about the code.
    server.setNow("2025-09-03", "08:47");
    const badPassword = await login({
      email: EMAILS.head,
      password: "not the password at all",
      code: codeAt(londonInstant("2025-09-03", "08:47")),
    });
    expect(badPassword.statusCode).toBe(401);
    expect(badPassword.json().error.details).toBeUndefined();
  });

  it("is turned off only with the password and a current code", async () => {
    server.setNow("2025-09-03", "08:50");
    const at = londonInstant("2025-09-03", "08:50");
    const signedIn = await login({ email: EMAILS.head, password: PASSWORD, code: codeAt(at) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const cookie = `rollbook_session=${signedIn.cookies.find((c) => c.name === "rollbook_session")?.value}`;
    const headers = { cookie, "x-csrf-token": signedIn.json().csrfToken as string };
    server.setNow("2025-09-03", "08:51");
    const next = codeAt(londonInstant("2025-09-03", "08:51"));
    const withoutPassword = await server.app.inject({
      method: "POST",
      url: "/api/auth/two-factor/off",
      headers,
      payload: { password: "wrong password here", code: next },
    });
    expect(withoutPassword.statusCode).toBe(400);
    const off = await server.app.inject({
      method: "POST",
      url: "/api/auth/two-factor/off",
      headers,
      payload: { password: PASSWORD, code: next },
    });
    expect(off.statusCode, off.body).toBe(200);
    expect((await login({ email: EMAILS.head, password: PASSWORD })).statusCode).toBe(200);
  });
});
