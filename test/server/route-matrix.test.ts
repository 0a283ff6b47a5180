import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Every route in the OpenAPI document, asked by people who must not get an answer: nobody signed
 * in, the head of another school, and a parent asking about another family's child. Routes added
 * later are covered without touching this file.
 */
let server: TestServer;
let routes: { method: string; path: string }[];
let amelia: Pupil;
let bilal: Pupil;

const PUBLIC = new Set([
  "POST /api/auth/login",
  "POST /api/auth/logout",
  "GET /api/auth/deployment",
  "POST /api/auth/password-reset/request",
  "POST /api/auth/password-reset/check",
  "POST /api/auth/password-reset",
  "GET /health",
  "GET /api/auth/sso/providers",
  "GET /api/auth/sso/{providerId}/start",
  "GET /api/auth/sso/callback",
]);

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  const document = (await server.app.inject({ method: "GET", url: "/api/docs/json" })).json();
  routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
  );
});
afterAll(async () => {
  await server?.close();
});

/** The address with School A's ids filled in; `pupilId` is whichever pupil the caller must not see. */
function address(path: string, pupilId: number): string {
  return path
    .replace("{schoolId}", String(server.school.id))
    .replace("{pupilId}", String(pupilId))
    .replace("{groupId}", String(server.groups.g8C))
    .replace("{date}", "2025-09-03")
    .replace("{session}", "AM")
    .replace("{format}", "pdf")
    .replace("{kind}", "registers")
    .replace("{channel}", "email")
    .replace("{preset}", "trust_policy")
    .replace("{letterId}", "trust_letter_1")
    .replace("{batchId}", "00000000-0000-4000-8000-000000000000")
    .replace(/\{[A-Za-z]+Id\}/g, "1");
}

/**
 * A 400 is acceptable only when the route's schema refused the request's shape before anything
 * was looked up (the answer lists the schema's issues); a 400 from inside a handler means it ran
 * before the access check, which would hide a missing one.
 */
function fromSchema(response: { statusCode: number; json: () => unknown }): boolean {
  if (response.statusCode !== 400) return false;
  const body = response.json() as { error?: { details?: { issues?: unknown[] } } };
  return Array.isArray(body.error?.details?.issues);
}

/** A body in the content type the route takes: files for the import routes, JSON for the rest. */
function bodyFor(url: string): { payload: string | object; headers: Record<string, string> } {
  if (/\/(imports\/[a-z]+(\/preview)?|benchmarks|timetable)$/.test(url))
    return { payload: "upn\n", headers: { "content-type": "text/csv" } };
  if (/\/photo$/.test(url))
    return { payload: "\u0089PNG\r\n\u001a\n", headers: { "content-type": "image/png" } };
  if (/\/ctf$/.test(url))
    return { payload: "<CTfile/>", headers: { "content-type": "application/xml" } };
  return { payload: {}, headers: {} };
}

async function ask(client: Client | null, method: string, url: string) {
  const { payload, headers } = bodyFor(url);
  if (!client)
    return server.app.inject({
      method: method as "GET",
      url,
      ...(method === "GET" ? {} : { payload, headers }),
    });
  return method === "GET" ? client.get(url) : client.send(method as "POST", url, payload, headers);
}

describe("every route", () => {
  it("is listed (the matrix is not empty)", () => {
    expect(routes.length).toBeGreaterThan(60);
  });

  it("refuses everyone not signed in, except the sign-in itself and the inbound webhooks", async () => {
    for (const { method, path } of routes) {
      if (PUBLIC.has(`${method} ${path}`) || path.startsWith("/api/inbound/")) continue;
      const response = await ask(null, method, address(path, amelia.id));
      expect(response.statusCode, `${method} ${path}`).toBe(401);
    }
  });

  it("answers the head of another school with nothing about this one", async () => {
    const otherHead = await server.as("otherHead");
    let refused = 0;
    for (const { method, path } of routes.filter((r) => r.path.includes("{schoolId}"))) {
      const response = await ask(otherHead, method, address(path, amelia.id));
      const where = `${method} ${path}: ${response.statusCode} ${response.body.slice(0, 200)}`;
      // 400 from the schema: the request was refused for its shape before anything was looked up;
      // 401: the inbound webhooks take the provider's token, not a session.
      const refusedRightly = path.startsWith("/api/inbound/")
        ? response.statusCode === 401
        : response.statusCode === 403 || fromSchema(response);
      expect(refusedRightly, where).toBe(true);
      if (response.statusCode === 403) refused++;
    }
    expect(refused).toBeGreaterThan(40);
  });

  it("answers a parent nothing about another family's child", async () => {
    const parent = await server.as("parent");
    for (const { method, path } of routes.filter((r) => r.path.includes("{pupilId}"))) {
      const response = await ask(parent, method, address(path, bilal.id));
      const where = `${method} ${path}: ${response.statusCode} ${response.body.slice(0, 200)}`;
      expect([403, 404].includes(response.statusCode) || fromSchema(response), where).toBe(true);
    }
  });

  it("never answers a parent with staff data", async () => {
    const parent = await server.as("parent");
    const allowed =
      /\/(pupils|pupils\/\{pupilId\}(\/(statistics|calendar|letters|absence-reports|leave-requests|marks))?|leave-requests|policy|calendar|letters\/\{letterRecordId\}\/\{format\})$|^\/api\/(codes|policy-presets.*|schools\/?|schools\/\{schoolId\}|auth\/(session|deployment|two-factor|sso\/(providers|callback|\{providerId\}\/start)))$/;
    const staffOnly = routes.filter(
      (r) => r.method === "GET" && r.path.startsWith("/api/") && !allowed.test(r.path),
    );
    expect(staffOnly.length).toBeGreaterThan(20);
    for (const { path } of staffOnly) {
      const response = await parent.get(address(path, amelia.id));
      const where = `GET ${path}: ${response.statusCode} ${response.body.slice(0, 200)}`;
      expect([403, 404].includes(response.statusCode) || fromSchema(response), where).toBe(true);
    }
  });

  it("lets a read-only role change nothing: trust, LA, DSL and teachers are refused every change", async () => {
    // Changes these roles may make: a teacher saves their own group's register.
    const theirs = new Set([
      "teacher PUT /api/schools/{schoolId}/registers/{groupId}/{date}/{session}",
      // ...and asks the office to take one of their group's registers they missed.
      "teacher POST /api/schools/{schoolId}/registers/{groupId}/{date}/{session}/request",
    ]);
    // Reads sent as POST (a simulation computes, stores nothing).
    const reads = new Set(["POST /api/schools/{schoolId}/policy/simulate"]);
    const changes = routes.filter(
      (r) =>
        r.method !== "GET" &&
        r.path.includes("{schoolId}") &&
        // The inbound webhooks take a provider's token, not a person's sign-in.
        !r.path.startsWith("/api/inbound/") &&
        !reads.has(`${r.method} ${r.path}`),
    );
    expect(changes.length).toBeGreaterThan(40);
    const answered: string[] = [];
    for (const person of ["trust", "la", "dsl", "teacher"] as const) {
      const client = await server.as(person);
      for (const { method, path } of changes) {
        if (theirs.has(`${person} ${method} ${path}`)) continue;
        const response = await ask(client, method, address(path, amelia.id));
        const where = `${person} ${method} ${path}: ${response.statusCode} ${response.body.slice(0, 200)}`;
        if (!([403, 404].includes(response.statusCode) || fromSchema(response)))
          answered.push(where);
      }
    }
    expect(answered).toEqual([]);
  });
});
