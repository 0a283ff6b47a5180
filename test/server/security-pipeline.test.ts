import { request as httpRequest } from "node:http";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSmsWebhookUrl } from "../../src/app/messages/webhook-address.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/database.ts";
import { loadCalendar } from "../../src/db/repositories/calendar.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { buildApp } from "../../src/server/app.ts";
import { type Client, EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let head: Client;
let parent: Client;
let amelia: Pupil;
const TOKEN = "inbound-token-for-school-a-0123456789";
const school = (path: string) => `/api/schools/${server.school.id}${path}`;
const marksOf = (pupilId: number) =>
  server.database.db
    .selectFrom("session_marks")
    .select(["date", "session", "code"])
    .where("pupil_id", "=", pupilId)
    .execute();
/**
 * A PUT on its own connection (fetch shares a few). With `hold`, half the body is sent and the
 * rest only when `hold` resolves: a slow client keeping its place in the queue meanwhile.
 */
function put(
  url: string,
  headers: Record<string, string>,
  payload: unknown,
  hold?: Promise<void>,
): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const request = httpRequest(
      url,
      {
        method: "PUT",
        agent: false,
        headers: { ...headers, "content-type": "application/json", "content-length": body.length },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers["retry-after"] as string | undefined,
          }),
        );
      },
    );
    request.on("error", reject);
    if (!hold) return request.end(body);
    request.write(body.slice(0, 10));
    hold.then(() => request.end(body.slice(10)));
  });
}
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

beforeAll(async () => {
  server = await testServer();
  amelia = server.pupils[0] as Pupil;
  office = await server.as("office");
  head = await server.as("head");
  parent = await server.as("parent");
  const set = await head.send("PATCH", school("/messaging"), { inboundToken: TOKEN });
  expect(set.statusCode, set.body).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe("one request pipeline, decided on the route the router matched (finding 2)", () => {
  const csv = () => `upn,date,session,code\n${amelia.upn},2025-09-02,AM,I\n`;
  const spellings = () => {
    const path = `/schools/${server.school.id}/imports/marks`;
    return [
      `/%61pi${path}`,
      `/%61%70%69${path}`,
      `/%41pi${path}`,
      `/api${path.replace("imports", "%69mports")}`,
      `/api/${path}`,
      `/api${path}.`,
      `/api${path}/`,
      `/%2561pi${path}`,
      `/api/./schools/${server.school.id}/imports/marks`,
    ];
  };

  it("refuses an import under any spelling of its address without the CSRF token, and stores nothing", async () => {
    for (const url of spellings()) {
      const answer = await server.app.inject({
        method: "POST",
        url,
        headers: { cookie: office.cookie, "content-type": "text/plain" },
        payload: csv(),
      });
      expect([403, 404], `${url}: ${answer.body}`).toContain(answer.statusCode);
      expect(answer.headers["content-type"]).toContain("application/json");
    }
    expect(await marksOf(amelia.id)).toEqual([]);
  });

  it("asks for sign-in on an encoded address, whatever the route does itself", async () => {
    const answer = await server.app.inject({
      method: "POST",
      url: `/%61pi/schools/${server.school.id}/imports/marks`,
      headers: { "content-type": "text/csv" },
      payload: csv(),
    });
    expect(answer.statusCode).toBe(401);
  });

  it("answers addresses that match no route with JSON 404s, however they are spelt", async () => {
    for (const url of ["/api/nothing-here", "/%61pi/nothing-here", "/api//schools"]) {
      const answer = await office.get(url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json().error.code).toBe("not_found");
    }
  });

  it("refuses a text/plain body to a JSON route (415) before reading it", async () => {
    const answer = await parent.send(
      "POST",
      school(`/pupils/${amelia.id}/absence-reports`),
      JSON.stringify({ fromDate: "2025-09-03", toDate: "2025-09-03", reason: "ill" }),
      { "content-type": "text/plain" },
    );
    expect(answer.statusCode, answer.body).toBe(415);
    expect(answer.json().error.code).toBe("unsupported_media_type");
    const csvToJson = await parent.send(
      "POST",
      school(`/pupils/${amelia.id}/absence-reports`),
      "fromDate,toDate\n",
      { "content-type": "text/csv" },
    );
    expect(csvToJson.statusCode).toBe(415);
  });

  it("takes CSV only on the import routes, and JSON not at all there", async () => {
    const json = await office.send("POST", school("/imports/marks"), { not: "csv" });
    expect(json.statusCode).toBe(415);
    const form = await office.send("POST", school("/imports/marks"), "a=b", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.statusCode).toBe(415);
  });
});

describe("limits on what a request may carry (finding 3)", () => {
  it("refuses a body over 100 KB on an ordinary route (413)", async () => {
    const answer = await parent.send("POST", school(`/pupils/${amelia.id}/absence-reports`), {
      fromDate: "2025-09-03",
      toDate: "2025-09-03",
      reason: "x".repeat(200 * 1024),
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json().error.code).toBe("too_large");
  });

  it("refuses deeply nested JSON in milliseconds, even where a large body is allowed", async () => {
    const started = performance.now();
    const answer = await head.send("PATCH", school("/messaging"), nested(250_000), {
      "content-type": "application/json",
    });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.message).toContain("nests deeper than");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("checks the inbound webhook's token before reading its body", async () => {
    const started = performance.now();
    const answer = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/sms`,
      headers: { "x-rollbook-token": "guess", "content-type": "application/json" },
      payload: nested(2_000_000),
    });
    expect(answer.statusCode).toBe(401);
    expect(performance.now() - started).toBeLessThan(1_000);
    const known = await server.app.inject({
      method: "POST",
      url: `/api/inbound/${server.school.id}/sms`,
      headers: { "x-rollbook-token": TOKEN, "content-type": "application/json" },
      payload: nested(2_000_000),
    });
    expect(known.statusCode).toBe(413);
    const unknownSchool = await server.app.inject({
      method: "POST",
      url: "/api/inbound/999999/sms",
      headers: { "x-rollbook-token": TOKEN },
      payload: { from: "07700900111", text: "hello" },
    });
    expect(unknownSchool.statusCode).toBe(401);
  });

  it("rate limits the public inbound webhook per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      const answer = await server.app.inject({
        method: "POST",
        url: `/api/inbound/${server.other.id}/sms`,
        remoteAddress: "203.0.113.9",
        headers: { "x-rollbook-token": "guess" },
        payload: { from: "07700900111", text: "hello" },
      });
      statuses.push(answer.statusCode);
    }
    expect(statuses.slice(0, 120).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(120)).toEqual([429, 429, 429, 429, 429]);
  });

  it("gives every public route a rate limit, the health check included", async () => {
    let last = 0;
    for (let i = 0; i < 601; i++) {
      last = (await server.app.inject({ url: "/health", remoteAddress: "203.0.113.10" }))
        .statusCode;
    }
    expect(last).toBe(429);
  });
});

describe("overload answered at once, not queued (finding 8)", () => {
  it("past capacity answers register saves 503 with Retry-After at once; every acknowledged save is stored, no refused one", async () => {
    const now = londonInstant("2025-12-10", "08:45");
    const app = await buildApp({
      database: server.database,
      clock: () => now,
      logLevel: "silent",
      queue: { inProgress: 2, waiting: 2, maxWaitMs: 300 },
    });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      // The administrator, whom no other test here signs in: signing in on this server's later
      // clock purges that person's sessions from the shared server's earlier days as expired.
      const login = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: EMAILS.admin, password: PASSWORD }),
      });
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const calendar = await loadCalendar(server.database.db, server.school.id);
      const registers = calendar
        .schoolDays("2025-09-08", "2025-12-09")
        .flatMap((date) => (["AM", "PM"] as const).map((session) => ({ date, session })));
      const save = (register: { date: string; session: string }, hold?: Promise<void>) =>
        put(
          `${base}/api/schools/${server.school.id}/registers/${server.groups.g9C}/${register.date}/${register.session}`,
          { cookie, "x-csrf-token": csrfToken },
          { allPresent: true, reason: "entered late from the paper register" },
          hold,
        ).then((answer) => ({ ...register, ...answer }));

      // Two tutors on a slow connection fill the server; forty more saves arrive meanwhile.
      let finish = () => {};
      const slowBodies = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const slow = registers.slice(0, 2).map((r) => save(r, slowBodies));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      const rush = await Promise.all(registers.slice(2, 42).map((r) => save(r)));
      const rushMs = performance.now() - started;
      const health = await fetch(`${base}/health`);
      finish();
      const afterwards = await Promise.all(registers.slice(42, 44).map((r) => save(r)));
      const answers = [...(await Promise.all(slow)), ...rush, ...afterwards];

      expect(health.status).toBe(200);
      expect(rush.every((a) => a.status === 503)).toBe(true);
      expect(rush.every((a) => Number(a.retryAfter) >= 1)).toBe(true);
      // Refused at once, or after the longest wait allowed: never queued for a minute.
      expect(rushMs).toBeLessThan(2_000);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
      const dev = server.pupils[3] as Pupil;
      const stored = new Set((await marksOf(dev.id)).map((m) => `${m.date} ${m.session}`));
      for (const a of answers) {
        expect(a.status === 200 || a.status === 503, `${a.date} ${a.session}: ${a.status}`).toBe(
          true,
        );
        expect(stored.has(`${a.date} ${a.session}`), `${a.date} ${a.session}: ${a.status}`).toBe(
          a.status === 200,
        );
      }
    } finally {
      await app.close();
    }
  });
});

describe("date ranges bounded to the school's academic years (finding 4)", () => {
  it("refuses a parent's range over centuries on their child's statistics and calendar, quickly", async () => {
    for (const path of ["statistics", "calendar"]) {
      const started = performance.now();
      const answer = await parent.get(
        school(`/pupils/${amelia.id}/${path}?from=1000-01-01&to=9999-12-31`),
      );
      expect(answer.statusCode, answer.body).toBe(400);
      expect(answer.json().error.message).toContain("2025-08-01 to 2026-07-31");
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    const within = await parent.get(
      school(`/pupils/${amelia.id}/statistics?from=2025-09-01&to=2025-09-30`),
    );
    expect(within.statusCode, within.body).toBe(200);
  });

  it("applies the same rule to every route taking from and to", async () => {
    const far = "from=0001-01-01&to=2025-09-30";
    const asked = [
      await head.get(school(`/dashboard?${far}`)),
      await head.get(school(`/dashboard/punctuality?${far}`)),
      await office.get(school(`/pupils/${amelia.id}/marks?${far}`)),
      await office.get(school(`/planned-absences?${far}`)),
      await head.send("POST", school("/policy/simulate"), { from: "0001-01-01", to: "2025-09-30" }),
    ];
    for (const answer of asked) {
      expect(answer.statusCode, answer.body).toBe(400);
      expect(answer.json().error.message).toContain("within the school's academic years");
    }
  });
});

describe("smaller findings (9)", () => {
  it("answers PATCH /messaging with nothing to change with a 400 naming the problem", async () => {
    const answer = await head.send("PATCH", school("/messaging"), {});
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.message).toContain("give at least one setting to change");
  });

  it("refuses an SMS webhook pointing inside the server's network", async () => {
    for (const url of [
      "https://127.0.0.1/sms",
      "https://2130706433/sms",
      "https://localhost/sms",
      "https://169.254.169.254/latest/meta-data",
      "https://10.0.0.5/sms",
      "https://192.168.1.1/sms",
      "https://[::1]/sms",
      "https://[fe80::1]/sms",
      "https://[::ffff:127.0.0.1]/sms",
      "http://93.184.215.14/sms",
    ]) {
      const answer = await head.send("PATCH", school("/messaging"), {
        smsProvider: "webhook",
        smsWebhookUrl: url,
      });
      expect(answer.statusCode, `${url}: ${answer.body}`).toBe(400);
    }
    const stored = await server.database.db
      .selectFrom("schools")
      .select("sms_webhook_url")
      .where("id", "=", server.school.id)
      .executeTakeFirstOrThrow();
    expect(stored.sms_webhook_url).toBeNull();
    const outside = await head.send("PATCH", school("/messaging"), {
      smsWebhookUrl: "https://93.184.215.14/sms",
    });
    expect(outside.statusCode, outside.body).toBe(200);
  });

  it("lets the operator allow an internal SMS gateway by name, and resolves host names", async () => {
    await expect(checkSmsWebhookUrl("https://10.1.2.3/sms", ["10.1.2.3"])).resolves.toBeUndefined();
    await expect(
      checkSmsWebhookUrl("https://sms.example/send", [], async () => ["10.9.8.7"]),
    ).rejects.toThrow("points inside the server's own network");
    await expect(
      checkSmsWebhookUrl("https://sms.example/send", [], async () => ["93.184.215.14"]),
    ).resolves.toBeUndefined();
  });
});

describe("query time bounded on PostgreSQL", () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "cancels a statement running past the statement timeout",
    async () => {
      const database = await openDatabase({
        url: process.env.TEST_DATABASE_URL,
        statementTimeoutMs: 200,
      });
      try {
        await expect(sql`select pg_sleep(2)`.execute(database.db)).rejects.toMatchObject({
          code: "57014",
        });
      } finally {
        await database.close();
      }
    },
  );

  it("defaults to 15 seconds", () => {
    expect(loadConfig({}).ROLLBOOK_STATEMENT_TIMEOUT_MS).toBe(15_000);
  });
});
