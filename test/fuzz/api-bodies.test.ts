import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB, Pupil } from "../../src/db/schema.ts";
import { DEFAULT_LETTERS } from "../../src/domain/letters/templates.ts";
import { PRESETS } from "../../src/domain/policy/presets/index.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";
import { fingerprint, nasty, settings } from "./support.ts";

/**
 * The busiest changes the API takes, sent generated JSON bodies: arbitrary values, and valid
 * bodies with one field changed. Every answer is 2xx or 4xx, never 5xx; a 4xx says what is wrong
 * as {error: {code, message}}; and a refused change writes nothing.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Path = (string | number)[];

let server: TestServer;
let teacher: Client;
let office: Client;
let head: Client;
let parent: Client;
let amelia: Pupil;
let bilal: Pupil;
const school = () => `/api/schools/${server.school.id}`;

beforeAll(async () => {
  server = await testServer();
  [teacher, office, head, parent] = await Promise.all([
    server.as("teacher"),
    server.as("office"),
    server.as("head"),
    server.as("parent"),
  ]);
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  // A contact to write to, so that some letters are really written.
  const contact = await office.send("POST", `${school()}/pupils/${bilal.id}/contacts`, {
    priority: 1,
    name: "Mrs Bilal Senior",
    relationship: "Mother",
    address: "1 High Street\nLeeds",
  });
  expect(contact.statusCode, contact.body).toBeLessThan(300);
  const adopted = await head.send("POST", `${school()}/policy/adopt`, { preset: "trust_policy" });
  expect(adopted.statusCode, adopted.body).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

/** Moves the clock to another day and signs everyone in again (sessions last 12 hours). */
async function dayOf(date: string, time: string): Promise<void> {
  server.setNow(date, time);
  [teacher, office, head, parent] = await Promise.all([
    server.as("teacher"),
    server.as("office"),
    server.as("head"),
    server.as("parent"),
  ]);
}

/** 2xx, or 4xx with a code and a message a person can act on; never 5xx. */
function expectAnswered(response: LightMyRequestResponse, sent: unknown): void {
  const shown = (sent instanceof RawJson ? sent.text : JSON.stringify(sent))?.slice(0, 500);
  expect(response.statusCode, `${response.statusCode} for ${shown}: ${response.body}`).toBeLessThan(
    500,
  );
  if (response.statusCode < 400) return;
  const body = response.json() as { error?: { code?: unknown; message?: unknown } };
  expect(body.error, response.body).toBeDefined();
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  expect(String(body.error?.message).trim().length, response.body).toBeGreaterThan(0);
}

/** JSON already written out: conditions nested too deep for JSON.stringify to write. */
class RawJson {
  constructor(readonly text: string) {}
}

/** Sends any JSON value as the body (serialised here, so numbers, strings and null go too). */
function sendJson(
  client: Client,
  method: "POST" | "PUT",
  url: string,
  body: Json | RawJson,
): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method,
    url,
    headers: {
      cookie: client.cookie,
      "x-csrf-token": client.csrf,
      "content-type": "application/json",
    },
    payload: body instanceof RawJson ? body.text : JSON.stringify(body),
  });
}

function pathsOf(value: Json, path: Path = []): Path[] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

/** The value with the node at `path` replaced, or removed when `replacement` is undefined. */
function changed(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  const parentNode = path
    .slice(0, -1)
    .reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, copy) as
    | Json[]
    | Record<string, Json>;
  const key = path.at(-1) as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parentNode)) parentNode.splice(key as number, 1);
    else delete parentNode[key as string];
  } else (parentNode as Record<string | number, Json>)[key] = replacement;
  return copy;
}

/** Values that break things: wrong types, out of range, NUL, huge, far-off dates, other ids. */
const badValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: nasty as fc.Arbitrary<Json> },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Json>(
      null,
      true,
      false,
      -1,
      0,
      1.5,
      600,
      601,
      2_147_483_647,
      2_147_483_648,
      1e20,
      Number.MAX_SAFE_INTEGER,
      -2_147_483_649,
      [],
      {},
      [1, 2, 3],
      { nested: { deeper: [null] } },
      "AM",
      "PM",
      "N",
      "L",
      "09:10",
      "25:99",
      "2025-09-03",
      "2025-09-06",
      "2024-02-29",
      "0001-01-01",
      "9999-12-31",
      "trust_letter_1",
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** A valid body with one change: a value replaced, a key removed, or an unknown key added. */
function oneChange(body: Json, choice: number, value: Json, how: number): Json {
  const paths = pathsOf(body);
  const path = paths[choice % paths.length] as Path;
  if (how % 5 === 0 && path.length > 0) return changed(body, path, undefined);
  if (how % 5 === 1 && body && typeof body === "object" && !Array.isArray(body))
    return { ...body, unexpected: value };
  return changed(body, path, value);
}

/** Which body to send: the valid one (3 in 10), it with one change (5 in 10), or anything (2 in 10). */
type Variant =
  | { kind: "valid" }
  | { kind: "changed"; choice: number; value: Json; how: number }
  | { kind: "arbitrary"; value: Json };

const variant: fc.Arbitrary<Variant> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "valid" as const }) },
  {
    weight: 5,
    arbitrary: fc
      .record({ choice: fc.nat(), value: badValue, how: fc.nat() })
      .map((c) => ({ kind: "changed" as const, ...c })),
  },
  { weight: 2, arbitrary: badValue.map((value) => ({ kind: "arbitrary" as const, value })) },
);

function bodyOf(valid: Json, v: Variant): Json {
  if (v.kind === "valid") return valid;
  if (v.kind === "arbitrary") return v.value;
  return oneChange(valid, v.choice, v.value, v.how);
}

async function tables(names: readonly (keyof DB & string)[]) {
  return fingerprint(server.database.db, names);
}

const MARK_TABLES = [
  "session_marks",
  "mark_history",
  "pupil_year_marks",
  "registers_taken",
] as const;

describe("PUT register", () => {
  const url = (date = "2025-09-03", session = "AM") =>
    `${school()}/registers/${server.groups.g8C}/${date}/${session}`;

  const entry = fc.record(
    {
      pupil: fc.nat({ max: 4 }),
      code: fc.constantFrom("/", "N", "L", "I", "M", "U", "C", "\\", "Q9"),
      minutesLate: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      arrivedAt: fc.option(fc.constantFrom("08:50", "09:05", "09:40"), { nil: undefined }),
    },
    { requiredKeys: ["pupil", "code"] },
  );
  const plan = fc.record({
    entries: fc.array(entry, { maxLength: 5 }),
    allPresent: fc.boolean(),
    reason: fc.option(fc.constantFrom("Late bus", "Parent phoned"), { nil: undefined }),
    who: fc.constantFrom("teacher", "office"),
    at: fc.constantFrom("08:45", "09:20", "11:00"),
  });

  /** A register body built on the versions the server has now, as the web app would send it. */
  async function validBody(p: ValueOf<typeof plan>): Promise<Json> {
    const current = (await office.get(url())).json() as {
      pupils: { pupilId: number; mark: { version: number } | null }[];
    };
    const ids = [...server.pupils.map((x) => x.id)];
    const versions = new Map(current.pupils.map((x) => [x.pupilId, x.mark?.version ?? 0]));
    return {
      marks: p.entries.map((e) => {
        const pupilId = ids[e.pupil] as number;
        return {
          pupilId,
          code: e.code,
          ...(e.minutesLate === undefined ? {} : { minutesLate: e.minutesLate }),
          ...(e.arrivedAt === undefined ? {} : { arrivedAt: e.arrivedAt }),
          baseVersion: versions.get(pupilId) ?? 0,
        };
      }),
      allPresent: p.allPresent,
      ...(p.reason === undefined ? {} : { reason: p.reason }),
    };
  }

  it("answers every body 2xx or 4xx, and a refused save changes no mark", async () => {
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(plan, variant, async (p, v) => {
        server.setNow("2025-09-03", p.at);
        const client = p.who === "teacher" ? teacher : office;
        const valid = await validBody(p);
        const body = bodyOf(valid, v);
        const before = await tables(MARK_TABLES);
        const response = await sendJson(client, "PUT", url(), body);
        expectAnswered(response, body);
        if (response.statusCode >= 400) expect(await tables(MARK_TABLES)).toEqual(before);
        else saved++;
      }),
      settings(150),
    );
    // The valid bodies do get saved: the property is not passing by refusing everything.
    expect(saved).toBeGreaterThan(5);
  });

  it("answers any group, date and session in the address 2xx or 4xx", async () => {
    server.setNow("2025-09-03", "08:45");
    const part = fc.oneof(
      fc.constantFrom(
        "0",
        "-1",
        "1.5",
        "2147483648",
        "99999999999999999999",
        "1e3",
        "abc",
        "%00",
        "0000-01-01",
        "2025-02-30",
        "2025-09-06",
        "am",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 12 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(part, { nil: undefined }),
        fc.option(part, { nil: undefined }),
        fc.option(part, { nil: undefined }),
        async (group, date, session) => {
          const address = `${school()}/registers/${group ?? server.groups.g8C}/${date ?? "2025-09-03"}/${session ?? "AM"}`;
          const before = await tables(MARK_TABLES);
          const response = await teacher.send("PUT", address, { marks: [], allPresent: true });
          expectAnswered(response, address);
          if (response.statusCode >= 400) expect(await tables(MARK_TABLES)).toEqual(before);
        },
      ),
      settings(80),
    );
  });
});

describe("POST marks/amendments", () => {
  const plan = fc.record({
    pupil: fc.nat({ max: 4 }),
    date: fc.constantFrom("2025-09-03", "2025-09-10", "2025-09-29"),
    session: fc.constantFrom("AM", "PM"),
    code: fc.constantFrom("N", "I", "M", "O", "L", "U", "/", "C2"),
    minutesLate: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    reason: fc.constantFrom("Parent phoned", "Doctor's letter"),
    baseVersion: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
  });

  it("answers every body 2xx or 4xx, and a refused amendment changes no mark", async () => {
    await dayOf("2025-09-30", "12:00");
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(plan, variant, async (p, v) => {
        const valid: Json = {
          pupilId: (server.pupils[p.pupil] as Pupil).id,
          date: p.date,
          session: p.session,
          code: p.code,
          reason: p.reason,
          ...(p.minutesLate === undefined ? {} : { minutesLate: p.minutesLate }),
          ...(p.baseVersion === undefined ? {} : { baseVersion: p.baseVersion }),
        };
        const body = bodyOf(valid, v);
        const before = await tables(MARK_TABLES);
        const response = await sendJson(office, "POST", `${school()}/marks/amendments`, body);
        expectAnswered(response, body);
        if (response.statusCode >= 400) expect(await tables(MARK_TABLES)).toEqual(before);
        else saved++;
      }),
      settings(150),
    );
    expect(saved).toBeGreaterThan(5);
  });
});

describe("POST absence-reports", () => {
  const plan = fc.record({
    who: fc.constantFrom("parent", "office"),
    from: fc.constantFrom("2025-09-03", "2025-09-04", "2025-09-01"),
    days: fc.nat({ max: 3 }),
    fromSession: fc.option(fc.constantFrom("AM", "PM"), { nil: undefined }),
    toSession: fc.option(fc.constantFrom("AM", "PM"), { nil: undefined }),
    reason: fc.constantFrom("Dentist appointment", "Poorly with a temperature"),
  });

  it("answers every body 2xx or 4xx, and a refused report records nothing", async () => {
    await dayOf("2025-09-03", "08:30");
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(
        plan,
        variant,
        fc.oneof(
          { weight: 9, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom("0", "2147483648", "abc", "-5", "%00") },
        ),
        async (p, v, pupilParam) => {
          const to = new Date(Date.parse(`${p.from}T12:00:00Z`) + p.days * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const valid: Json = {
            fromDate: p.from,
            toDate: to,
            reason: p.reason,
            ...(p.fromSession === undefined ? {} : { fromSession: p.fromSession }),
            ...(p.toSession === undefined ? {} : { toSession: p.toSession }),
          };
          const body = bodyOf(valid, v);
          const address = `${school()}/pupils/${pupilParam ?? amelia.id}/absence-reports`;
          const before = await tables(["absence_reports"]);
          const response = await sendJson(
            p.who === "parent" ? parent : office,
            "POST",
            address,
            body,
          );
          expectAnswered(response, { address, body });
          if (response.statusCode >= 400) expect(await tables(["absence_reports"])).toEqual(before);
          else saved++;
        },
      ),
      settings(150),
    );
    expect(saved).toBeGreaterThan(5);
  });
});

describe("PUT policy", () => {
  const presets = Object.values(PRESETS).map((p) => JSON.parse(JSON.stringify(p)) as Json);

  it("answers every document 2xx or 4xx, and a refused one saves no version", async () => {
    await dayOf("2025-09-03", "12:00");
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...presets),
        variant,
        fc.oneof(
          { weight: 9, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.integer({ min: 30, max: 20_000 }) },
        ),
        async (preset, v, depth) => {
          let body: Json | RawJson = bodyOf(preset, v);
          if (depth !== undefined) {
            // The first trigger's condition inside `depth` nots, written out by hand.
            const when = `${'{"kind":"not","condition":'.repeat(depth)}{"kind":"review_due"}${"}".repeat(depth)}`;
            const marker = changed(preset, ["triggers", 0, "when"], "WHEN");
            body = new RawJson(JSON.stringify(marker).replace('"WHEN"', when));
          }
          const before = await tables(["policies"]);
          const response = await sendJson(head, "PUT", `${school()}/policy`, body);
          expectAnswered(response, body);
          if (response.statusCode >= 400) expect(await tables(["policies"])).toEqual(before);
          else saved++;
        },
      ),
      settings(120),
    );
    expect(saved).toBeGreaterThan(5);
  });
});

describe("POST letters", () => {
  const letterIds = [...DEFAULT_LETTERS.keys()];
  const plan = fc.record({
    letterId: fc.constantFrom(...letterIds),
    pupils: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }),
    reviewDate: fc.option(fc.constantFrom("2025-10-15", "2025-11-01"), { nil: null }),
  });

  it("answers every body 2xx or 4xx, and a refused batch writes no letter", async () => {
    await dayOf("2025-09-30", "12:00");
    let written = 0;
    await fc.assert(
      fc.asyncProperty(plan, variant, async (p, v) => {
        const valid: Json = {
          letterId: p.letterId,
          pupilIds: p.pupils.map((i) => (server.pupils[i] as Pupil).id),
          reviewDate: p.reviewDate,
        };
        const body = bodyOf(valid, v);
        const before = await tables(["letters", "outbox"]);
        const response = await sendJson(office, "POST", `${school()}/letters`, body);
        expectAnswered(response, body);
        if (response.statusCode >= 400) expect(await tables(["letters", "outbox"])).toEqual(before);
        else if ((response.json() as { letters: unknown[] }).letters.length > 0) written++;
      }),
      settings(80),
    );
    expect(written).toBeGreaterThan(2);
  });
});

describe("text and numbers the database cannot store", () => {
  const bad = ["a\u0000b", "a\ud800b", "\udc00"];

  it("refuses them in every busy route with a 400 naming the field, writing nothing", async () => {
    await dayOf("2025-09-30", "12:00");
    const cases: [Client, "POST" | "PUT", string, (text: string) => Json, RegExp][] = [
      [
        office,
        "POST",
        `${school()}/marks/amendments`,
        (reason) => ({ pupilId: amelia.id, date: "2025-09-29", session: "AM", code: "I", reason }),
        /body\.reason: contains/,
      ],
      [
        office,
        "PUT",
        `${school()}/registers/${server.groups.g8C}/2025-09-29/AM`,
        (reason) => ({ marks: [{ pupilId: amelia.id, code: "M" }], reason }),
        /body\.reason: contains/,
      ],
      [
        office,
        "POST",
        `${school()}/pupils/${amelia.id}/absence-reports`,
        (reason) => ({ fromDate: "2025-10-01", toDate: "2025-10-01", reason }),
        /body\.reason: contains/,
      ],
      [
        head,
        "PUT",
        `${school()}/policy`,
        (name) => ({ ...(JSON.parse(JSON.stringify(PRESETS.trust_policy)) as object), name }),
        /body\.name: contains/,
      ],
      [
        office,
        "POST",
        `${school()}/letters`,
        (letterId) => ({ letterId, pupilIds: [bilal.id] }),
        /body\.letterId: contains/,
      ],
    ];
    const all = [
      "session_marks",
      "mark_history",
      "absence_reports",
      "policies",
      "letters",
    ] as const;
    for (const [client, method, url, body, named] of cases) {
      for (const text of bad) {
        const before = await tables(all);
        const response = await sendJson(client, method, url, body(text));
        expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
        expect(response.json().error.message).toMatch(named);
        expect(await tables(all)).toEqual(before);
      }
    }
  });

  it("refuses the year 0000 and ids beyond PostgreSQL's integer before touching the database", async () => {
    await dayOf("2025-09-03", "08:30");
    const year0 = await office.send("POST", `${school()}/pupils/${amelia.id}/absence-reports`, {
      fromDate: "0000-01-01",
      toDate: "0000-01-01",
      reason: "x",
    });
    expect(year0.statusCode, year0.body).toBe(400);
    expect(year0.json().error.message).toMatch(/fromDate: must be a real date/);
    const before = await tables(["letters"]);
    const letters = await office.send("POST", `${school()}/letters`, {
      letterId: "trust_letter_1",
      pupilIds: [bilal.id, 2_147_483_648],
    });
    expect(letters.statusCode, letters.body).toBe(400);
    expect(letters.json().error.message).toMatch(/pupilIds/);
    expect(await tables(["letters"])).toEqual(before);
    const address = await office.send("POST", `${school()}/pupils/2147483648/absence-reports`, {
      fromDate: "2025-09-04",
      toDate: "2025-09-04",
      reason: "x",
    });
    expect(address.statusCode, address.body).toBe(400);
  });
});
