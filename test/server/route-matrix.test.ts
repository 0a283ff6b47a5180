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

async function ask(client: Client | null, method: string, url: string) {
  if (!client)
    return server.app.inject({
      method: method as "GET",
      url,
      payload: method === "GET" ? undefined : {},
    });
  return method === "GET" ? client.get(url) : client.send(method as "POST", url, {});
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
      const where = `${method} ${path}: ${response.statusCode}`;
      // 400: the request was refused for its shape before anything was looked up.
      expect([400, 403], where).toContain(response.statusCode);
      if (response.statusCode === 403) refused++;
    }
    expect(refused).toBeGreaterThan(40);
  });

  it("answers a parent nothing about another family's child", async () => {
    const parent = await server.as("parent");
    for (const { method, path } of routes.filter((r) => r.path.includes("{pupilId}"))) {
      const response = await ask(parent, method, address(path, bilal.id));
      const where = `${method} ${path}: ${response.statusCode}`;
      expect([400, 403, 404], where).toContain(response.statusCode);
    }
  });

  it("never answers a parent with staff data", async () => {
    const parent = await server.as("parent");
    const allowed =
      /\/(pupils|pupils\/\{pupilId\}(\/(statistics|calendar|letters|absence-reports|leave-requests|marks))?|leave-requests|policy|calendar|letters\/\{letterRecordId\}\/\{format\})$|^\/api\/(codes|policy-presets.*|schools\/?|schools\/\{schoolId\}|auth\/(session|deployment))$/;
    const staffOnly = routes.filter(
      (r) => r.method === "GET" && r.path.startsWith("/api/") && !allowed.test(r.path),
    );
    expect(staffOnly.length).toBeGreaterThan(20);
    for (const { path } of staffOnly) {
      const response = await parent.get(address(path, amelia.id));
      expect([400, 403, 404], `GET ${path}: ${response.statusCode}`).toContain(response.statusCode);
    }
  });
});
