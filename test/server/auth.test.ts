import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.ts";
import { EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await testServer();
});
afterAll(async () => {
  await server?.close();
});

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password },
    headers,
  });

const loginFrom = (email: string, password: string, from: { remoteAddress: string }) =>
  server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password },
    remoteAddress: from.remoteAddress,
  });

describe("signing in", () => {
  it("sets a secure, http-only, same-site session cookie and returns a CSRF token", async () => {
    const response = await login(EMAILS.office, PASSWORD, { host: "rollbook.school.example" });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === "rollbook_session");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    // Max-Age, so a browser whose clock differs from the server's still keeps it 12 hours.
    expect(cookie?.maxAge).toBe(12 * 60 * 60);
    expect(response.json().csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(response.json().user).toMatchObject({
      name: "Mrs S. Office",
      schoolIds: [server.school.id],
    });
  });

  it("decides Secure from configuration, never from the Host header (finding 9)", async () => {
    // The default (a deployment) is Secure even when a request claims to be for 127.0.0.1.
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000"]) {
      const cookie = (await login(EMAILS.office, PASSWORD, { host })).cookies[0];
      expect(cookie?.secure, host).toBe(true);
    }
    // The embedded start on this machine is configured not Secure, whatever Host is sent.
    const embedded = await buildApp({
      database: server.database,
      logLevel: "silent",
      secureCookies: false,
    });
    const plain = await embedded.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: EMAILS.office, password: PASSWORD },
      headers: { host: "rollbook.school.example" },
    });
    await embedded.close();
    expect(plain.cookies[0]?.secure).toBeFalsy();
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const unknown = await login("nobody@a.example", PASSWORD);
    const wrong = await login(EMAILS.head, "not the password");
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.json().error.message).toBe("Email or password is wrong");
  });

  it("locks the (email, address) pair for 15 minutes after five wrong passwords, even against the right one", async () => {
    server.setNow("2025-09-03", "10:00");
    const from = { remoteAddress: "203.0.113.5" };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await loginFrom(EMAILS.dsl, `guess ${i}`, from)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await loginFrom(EMAILS.dsl, PASSWORD, from);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toMatch(/^Too many sign-in attempts: wait 15 minutes/);
    server.setNow("2025-09-03", "10:16");
    expect((await loginFrom(EMAILS.dsl, PASSWORD, from)).statusCode).toBe(200);
  });

  it("gives a new session at every sign-in, so a planted session id is never promoted", async () => {
    const first = await login(EMAILS.head, PASSWORD);
    const planted = first.cookies.find((c) => c.name === "rollbook_session")?.value as string;
    const second = await login(EMAILS.head, PASSWORD, { cookie: `rollbook_session=${planted}` });
    const fresh = second.cookies.find((c) => c.name === "rollbook_session")?.value;
    expect(fresh).not.toBe(planted);
    const old = await server.app.inject({
      method: "GET",
      url: "/api/auth/session",
      headers: { cookie: `rollbook_session=${planted}` },
    });
    expect(old.statusCode).toBe(401);
  });

  it("ends the session on sign-out", async () => {
    const head = await server.as("head");
    expect((await head.send("POST", "/api/auth/logout")).statusCode).toBe(200);
    expect((await head.get("/api/schools")).statusCode).toBe(401);
  });
});

describe("request protection", () => {
  it("refuses every API route without a session, including unknown ones", async () => {
    for (const url of [
      "/api/schools",
      `/api/schools/${server.school.id}/pupils`,
      "/api/auth/session",
    ]) {
      const response = await server.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe("unauthenticated");
    }
  });

  it("refuses a change without the session's CSRF token", async () => {
    const office = await server.as("office");
    const url = `/api/schools/${server.school.id}/marks/amendments`;
    const body = {
      pupilId: server.pupils[0]?.id,
      date: "2025-09-03",
      session: "AM",
      code: "I",
      reason: "x",
    };
    const none = await server.app.inject({
      method: "POST",
      url,
      payload: body,
      headers: { cookie: office.cookie },
    });
    expect(none.statusCode).toBe(403);
    const wrong = await office.send("POST", url, body, {
      "x-csrf-token": "forged-token-forged-token",
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.message).toContain("x-csrf-token");
  });

  it("sends security headers and answers errors as JSON without stack traces", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/nothing-here" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
    const office = await server.as("office");
    const missing = await office.get("/api/no-such-route");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: "not_found", message: "No route GET /api/no-such-route" },
    });
    const bad = await office.get(`/api/schools/${server.school.id}/registers/abc/2025-13-45/XX`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(bad.json().error.message).toMatch(
      /params\.groupId: .*params\.date: must be a real date.*params\.session/,
    );
  });

  it("rate-limits sign-in attempts from one address", async () => {
    const strict = await buildApp({
      database: server.database,
      logLevel: "silent",
      signInsPerMinute: 3,
    });
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      const response = await strict.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: `flood${i}@a.example`, password: "x" },
      });
      attempts.push(response.statusCode);
    }
    await strict.close();
    expect(attempts).toEqual([401, 401, 401, 429, 429]);
  });

  it("serves the OpenAPI document", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/docs/json" });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toContain("/api/schools/{schoolId}/registers/{groupId}/{date}/{session}");
    expect(paths).toContain("/api/auth/login");
  });
});

describe("logs", () => {
  it("never carry a password, a session token, a CSRF token or a UPN", async () => {
    const lines: string[] = [];
    const app = await buildApp({
      database: server.database,
      logLevel: "trace",
      logStream: { write: (line) => lines.push(line) },
    });
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: EMAILS.office, password: PASSWORD },
    });
    const token = login.cookies.find((c) => c.name === "rollbook_session")?.value as string;
    const csrf = login.json().csrfToken as string;
    const upn = "A123456789012";
    await app.inject({
      method: "GET",
      url: `/api/oversight/pupils/${upn}`,
      headers: { cookie: `rollbook_session=${token}` },
    });
    await app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie: `rollbook_session=${token}`, "x-csrf-token": csrf },
    });
    await app.close();
    const logged = lines.join("");
    expect(lines.length).toBeGreaterThan(2);
    expect(logged).toContain("/api/auth/login");
    expect(logged).toContain("/api/oversight/pupils/[UPN]");
    for (const secret of [PASSWORD, token, csrf, upn]) expect(logged).not.toContain(secret);
  });
});
