import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local Wonde answering as its documentation and client libraries describe: Bearer tokens;
 * lists as { data, meta: { pagination: { next, more } } } with `per_page` and `page`;
 * `updated_after` on students and session attendance; deletions; attendance codes; and the
 * session register writeback (POST attendance/session, { attendance: [...] } answered with a
 * writeback_id, or 422 naming the refused records as `attendance.N.field`). Answers can be queued
 * ahead (429 with Retry-After, 401, 500) to play failures.
 */
export interface FakeStudent {
  id: string;
  upn: string;
  forename: string;
  surname: string;
  dob?: string;
  gender?: string;
  form?: string;
  year?: string;
  fsm?: boolean;
  sen?: string;
  contacts?: {
    forename: string;
    surname: string;
    relationship: string;
    priority: number;
    phone?: string;
    email?: string;
  }[];
  /** `include=photo`'s content as this fake sends it: base64 (Wonde's format is only partly documented). */
  photo?: unknown;
  updatedAt: string;
}

export interface FakeMark {
  id: string;
  student: string;
  date: string;
  session: "AM" | "PM";
  code: string;
  minutesLate?: number | null;
  updatedAt: string;
}

export interface FakeWonde {
  base: string;
  token: string;
  school: string;
  students: FakeStudent[];
  deletions: { id: string; type: string; deletedAt: string }[];
  marks: FakeMark[];
  codes: { id: string; code: string }[];
  requests: { method: string; path: string; query: URLSearchParams; body: unknown }[];
  queued: { status: number; headers?: Record<string, string>; body: unknown; onlyPost?: boolean }[];
  /** The instant written into updated_at of marks posted. */
  now: () => string;
  close(): Promise<void>;
}

const wondeDate = (d: string) => ({
  date: `${d.replace("T", " ").replace("Z", "").slice(0, 19)}.000000`,
  timezone_type: 3,
  timezone: "UTC",
});

const DFE_CODES = [
  "/",
  "\\",
  "L",
  "U",
  "N",
  "O",
  "I",
  "M",
  "C",
  "E",
  "G",
  "B",
  "P",
  "V",
  "W",
  "J",
  "R",
  "D",
  "Q",
  "Y",
  "Z",
  "#",
  "X",
];

export async function fakeWonde(options: { perPage?: number } = {}): Promise<FakeWonde> {
  const fake: FakeWonde = {
    base: "",
    token: "school-token",
    school: "A1930499544",
    students: [],
    deletions: [],
    marks: [],
    codes: DFE_CODES.map((code, i) => ({ id: `C${i + 1}`, code })),
    requests: [],
    queued: [],
    now: () => new Date().toISOString(),
    close: async () => {},
  };
  const prefix = () => `/v1.0/schools/${fake.school}/`;
  const list = <T, U = T>(
    url: URL,
    all: T[],
    shape: (item: T) => U = (item) => item as unknown as U,
  ) => {
    const perPage = Math.min(
      options.perPage ?? 200,
      Number(url.searchParams.get("per_page") ?? "50"),
    );
    const page = Number(url.searchParams.get("page") ?? "1");
    const more = page * perPage < all.length;
    const next = new URL(url);
    next.searchParams.set("page", String(page + 1));
    return {
      status: 200,
      body: {
        data: all.slice((page - 1) * perPage, page * perPage).map(shape),
        meta: {
          pagination: {
            next: more ? next.toString() : null,
            previous: null,
            more,
            per_page: perPage,
            current_page: page,
          },
        },
      },
    };
  };
  const after = (url: URL) => url.searchParams.get("updated_after");
  const answer = (
    req: IncomingMessage,
    body: unknown,
  ): { status: number; headers?: Record<string, string>; body: unknown } => {
    const url = new URL(req.url ?? "/", fake.base);
    if (req.headers.authorization !== `Bearer ${fake.token}`)
      return {
        status: 401,
        body: { error: "Unauthenticated", error_description: "Token expired or revoked" },
      };
    const q = fake.queued.findIndex((a) => !a.onlyPost || req.method === "POST");
    if (q !== -1) return fake.queued.splice(q, 1)[0] as FakeWonde["queued"][number];
    const path = url.pathname;
    if (req.method === "GET" && path === `${prefix()}students`) {
      const since = after(url);
      return list(
        url,
        fake.students.filter((s) => !since || s.updatedAt.replace("T", " ").slice(0, 19) > since),
        (s) => ({
          id: s.id,
          forename: s.forename,
          surname: s.surname,
          legal_forename: s.forename,
          legal_surname: s.surname,
          gender: s.gender ?? "Female",
          date_of_birth: wondeDate(s.dob ?? "2012-10-01"),
          updated_at: wondeDate(s.updatedAt),
          education_details: {
            data: { upn: s.upn, admission_date: wondeDate("2024-09-01"), leaving_date: null },
          },
          extended_details: {
            data: { fsm: s.fsm ?? false, sen_status: s.sen ?? "N", in_lea_care: false },
          },
          ...((url.searchParams.get("include") ?? "").split(",").includes("photo") &&
          s.photo !== undefined
            ? { photo: { data: { id: `${s.id}-P`, content: s.photo } } }
            : {}),
          groups: {
            data: [
              { name: s.form ?? "8C", type: "REGISTRATION" },
              { name: s.year ?? "Year 8", type: "YEAR" },
            ],
          },
          contacts: {
            data: (s.contacts ?? []).map((c, i) => ({
              id: `${s.id}-K${i}`,
              forename: c.forename,
              surname: c.surname,
              relationship: {
                relationship: c.relationship,
                priority: c.priority,
                parental_responsibility: true,
              },
              contact_details: {
                data: {
                  phones: { primary: c.phone ?? null },
                  emails: { primary: c.email ?? null },
                },
              },
            })),
          },
        }),
      );
    }
    if (req.method === "GET" && path === `${prefix()}deletions`) {
      const since = after(url);
      return list(
        url,
        fake.deletions.filter((d) => !since || d.deletedAt.replace("T", " ").slice(0, 19) > since),
        (d) => ({ id: d.id, type: d.type, deleted_at: wondeDate(d.deletedAt) }),
      );
    }
    if (req.method === "GET" && path === `${prefix()}attendance-codes`)
      return list(url, fake.codes);
    if (req.method === "GET" && path === `${prefix()}attendance/session`) {
      const since = after(url);
      const from = url.searchParams.get("start_date") ?? "0000";
      const to = url.searchParams.get("end_date") ?? "9999";
      const byCode = new Map(fake.codes.map((c) => [c.code, c.id]));
      return list(
        url,
        fake.marks.filter(
          (m) =>
            m.date >= from &&
            m.date <= to &&
            (!since || m.updatedAt.replace("T", " ").slice(0, 19) > since),
        ),
        (m) => ({
          id: m.id,
          date: wondeDate(`${m.date}T00:00:00Z`),
          session: m.session,
          student: m.student,
          attendance_code: { data: { id: byCode.get(m.code), code: m.code } },
          minutes_late: m.minutesLate ?? null,
          updated_at: wondeDate(m.updatedAt),
        }),
      );
    }
    if (req.method === "POST" && path === `${prefix()}attendance/session`) {
      const records = (body as { attendance?: Record<string, unknown>[] })?.attendance;
      if (!Array.isArray(records))
        return {
          status: 422,
          body: {
            message: "The attendance field is required.",
            errors: { attendance: ["The attendance field is required."] },
          },
        };
      const errors: Record<string, string[]> = {};
      const codes = new Map(fake.codes.map((c) => [c.id, c.code]));
      const students = new Set(fake.students.map((s) => s.id));
      records.forEach((r, i) => {
        if (!students.has(String(r.student_id)))
          errors[`attendance.${i}.student_id`] = ["The selected student id is invalid."];
        if (!codes.has(String(r.attendance_code_id)))
          errors[`attendance.${i}.attendance_code_id`] = [
            "The selected attendance code id is invalid.",
          ];
        if (r.session !== "AM" && r.session !== "PM")
          errors[`attendance.${i}.session`] = ["The session must be AM or PM."];
      });
      if (Object.keys(errors).length > 0)
        return { status: 422, body: { message: "The given data was invalid.", errors } };
      for (const r of records) {
        const at = fake.now();
        const existing = fake.marks.find(
          (m) => m.student === r.student_id && m.date === r.date && m.session === r.session,
        );
        const code = codes.get(String(r.attendance_code_id)) as string;
        const minutesLate = typeof r.minutes_late === "number" ? r.minutes_late : null;
        if (existing) Object.assign(existing, { code, minutesLate, updatedAt: at });
        else
          fake.marks.push({
            id: `M${fake.marks.length + 1}`,
            student: String(r.student_id),
            date: String(r.date),
            session: r.session as "AM",
            code,
            minutesLate,
            updatedAt: at,
          });
      }
      return { status: 200, body: { writeback_id: `W${fake.requests.length}` } };
    }
    return { status: 404, body: { error: "Not found" } };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const url = new URL(req.url ?? "/", fake.base);
      fake.requests.push({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        body,
      });
      const a = answer(req, body);
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
