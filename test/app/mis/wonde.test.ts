import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MisPupil } from "../../../src/app/mis/provider.ts";
import { WondeProvider } from "../../../src/app/mis/wonde/provider.ts";
import { RollbookError } from "../../../src/domain/errors.ts";

/**
 * A local stand-in for Wonde's API answering as its documentation says: Bearer tokens, lists as
 * { data, meta: { pagination: { next, more } } }, updated_after filtering, 429 with Retry-After,
 * 401 for an expired token, and a 500 that does not go away.
 */
const TOKEN = "school-token";
const SCHOOL = "A1930499544";
let server: Server;
let base: string;
let requests: { path: string; query: URLSearchParams; auth: string | undefined }[];
/** Answers queued for the next requests before the normal ones (status, headers, body). */
let queued: { status: number; headers?: Record<string, string>; body: unknown }[];

const date = (d: string) => ({
  date: `${d} 00:00:00.000000`,
  timezone_type: 3,
  timezone: "Europe/London",
});
const student = (n: number, updated: string) => ({
  id: `B${n}`,
  upi: `upi${n}`,
  forename: n === 1 ? "Millie" : `Pupil${n}`,
  surname: "Khan",
  legal_forename: n === 1 ? "Amelia" : `Pupil${n}`,
  legal_surname: "Khan",
  gender: n % 2 ? "Female" : "Male",
  date_of_birth: date("2012-10-01"),
  updated_at: { date: `${updated} 09:00:00.000000`, timezone_type: 3, timezone: "UTC" },
  education_details: {
    data: { upn: `a38349992400${n}`, admission_date: date("2024-09-01"), leaving_date: null },
  },
  extended_details: { data: { fsm: n === 1 } },
  groups: {
    data: [
      { name: "8C", type: "REGISTRATION" },
      { name: "Year 8", type: "YEAR" },
    ],
  },
});
const STUDENTS = [1, 2, 3, 4, 5].map((n) => student(n, n <= 3 ? "2026-11-01" : "2026-12-01"));

function answer(request: IncomingMessage): {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
} {
  const url = new URL(request.url ?? "/", base);
  if (request.headers.authorization !== `Bearer ${TOKEN}`)
    return { status: 401, body: { error: "Unauthenticated", error_description: "Token expired" } };
  const next = queued.shift();
  if (next) return next;
  if (url.pathname === `/v1.0/schools/${SCHOOL}/students`) {
    const after = url.searchParams.get("updated_after");
    const all = STUDENTS.filter((s) => !after || s.updated_at.date.slice(0, 19) > after);
    const perPage = 2;
    const page = Number(url.searchParams.get("page") ?? "1");
    const data = all.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < all.length;
    const nextUrl = new URL(url);
    nextUrl.searchParams.set("page", String(page + 1));
    return {
      status: 200,
      body: {
        data,
        meta: {
          pagination: {
            next: more ? nextUrl.toString() : null,
            previous: null,
            more,
            per_page: perPage,
            current_page: page,
          },
        },
      },
    };
  }
  if (url.pathname === `/v1.0/schools/${SCHOOL}/deletions`)
    return {
      status: 200,
      body: {
        data: [{ id: "B9", type: "student", deleted_at: { date: "2026-12-01 10:00:00.000000" } }],
        meta: { pagination: { next: null, more: false } },
      },
    };
  return { status: 404, body: { error: "Not found" } };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    requests.push({
      path: url.pathname,
      query: url.searchParams,
      auth: request.headers.authorization,
    });
    const { status, headers, body } = answer(request);
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  queued = [];
});

const waits: number[] = [];
const provider = (token = TOKEN) =>
  new WondeProvider(SCHOOL, {
    baseUrl: `${base}/v1.0`,
    token,
    attempts: 3,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });

async function all(pages: AsyncIterable<MisPupil[]>): Promise<MisPupil[]> {
  const pupils: MisPupil[] = [];
  for await (const page of pages) pupils.push(...page);
  return pupils;
}

async function failure(work: Promise<unknown>): Promise<RollbookError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("the Wonde connector", () => {
  it("reads every page of students with their includes, in Rollbook's terms", async () => {
    const progress: number[] = [];
    const pupils = await all(provider().pupils({ onProgress: (p) => progress.push(p.records) }));
    expect(pupils.map((p) => p.misId)).toEqual(["B1", "B2", "B3", "B4", "B5"]);
    expect(progress).toEqual([2, 4, 5]);
    expect(pupils[0]).toEqual({
      misId: "B1",
      upn: "A383499924001",
      legalForename: "Amelia",
      legalSurname: "Khan",
      preferredForename: "Millie",
      preferredSurname: null,
      dateOfBirth: "2012-10-01",
      sex: "F",
      yearGroup: "Year 8",
      registrationGroup: "8C",
      admissionDate: "2024-09-01",
      leavingDate: null,
      fsm: true,
      // Not shared by this school's MIS: left as Rollbook has them.
      sen: null,
      lookedAfter: null,
      contacts: null,
      updatedAt: "2026-11-01T09:00:00Z",
      // No photo in Wonde's answer: none (photos: test/app/mis/photos.test.ts).
      photo: null,
    });
    expect(requests[0]?.query.get("include")).toBe(
      "education_details,extended_details,groups,year,contacts.contact_details,photo",
    );
    expect(requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("asks only for what changed after the last sync, and reads deletions", async () => {
    const since = new Date("2026-11-15T00:00:00Z");
    const changed = await all(provider().pupils({ updatedAfter: since }));
    expect(changed.map((p) => p.misId)).toEqual(["B4", "B5"]);
    expect(requests[0]?.query.get("updated_after")).toBe("2026-11-15 00:00:00");
    const deleted = [];
    for await (const page of provider().deletions({ updatedAfter: since })) deleted.push(...page);
    expect(deleted).toEqual([{ misId: "B9", kind: "pupil", deletedAt: "2026-12-01T10:00:00Z" }]);
  });

  it("waits out a 429 as Retry-After asks, then carries on", async () => {
    waits.length = 0;
    queued.push({
      status: 429,
      headers: { "retry-after": "2" },
      body: { error: "Too Many Requests" },
    });
    const pupils = await all(provider().pupils());
    expect(pupils).toHaveLength(5);
    expect(waits).toEqual([2000]);
  });

  it("reports an expired token at once, with what to do", async () => {
    const error = await failure(all(provider("expired").pupils()));
    expect(error.code).toBe("mis_failed");
    expect(error.message).toMatch(/Wonde refused the school's token \(401: Token expired\)/);
    expect(error.message).toContain("Ask the school to approve Rollbook in Wonde again");
    expect(requests).toHaveLength(1);
  });

  it("gives up on a failure that does not go away, after a few tries, naming it", async () => {
    // The first page arrives; the second keeps failing: the pages read are not lost to the caller.
    const pupils: MisPupil[] = [];
    queued.push(
      {
        status: 200,
        body: {
          data: [STUDENTS[0]],
          meta: { pagination: { next: `${base}/v1.0/schools/${SCHOOL}/students?page=2` } },
        },
      },
      { status: 500, body: { message: "Server Error" } },
      { status: 503, body: {} },
      { status: 500, body: { message: "Server Error" } },
    );
    const error = await failure(
      (async () => {
        for await (const page of provider().pupils()) pupils.push(...page);
      })(),
    );
    expect(pupils.map((p) => p.misId)).toEqual(["B1"]);
    expect(error.message).toBe(
      `Wonde answered /v1.0/schools/${SCHOOL}/students with 500: Server Error`,
    );
  });

  it("never follows a next page to another host with the token", async () => {
    queued.push({
      status: 200,
      body: { data: [], meta: { pagination: { next: "http://elsewhere.example/v1.0/x" } } },
    });
    const error = await failure(all(provider().pupils()));
    expect(error.message).toContain("next page is on another host (elsewhere.example)");
  });
});
