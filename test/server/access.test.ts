import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type Person, type TestServer, testServer } from "../support/server.ts";

/**
 * Who may do what: every role against every kind of route, in both schools. A school the user
 * cannot see answers 403; a pupil they may not see inside a school they can see answers 404.
 */
let server: TestServer;
const clients = {} as Record<Person, Client>;
const PEOPLE: Person[] = [
  "teacher",
  "office",
  "head",
  "dsl",
  "trust",
  "la",
  "parent",
  "admin",
  "otherTeacher",
  "otherHead",
];

beforeAll(async () => {
  server = await testServer();
  server.setNow("2025-09-03", "08:45");
  for (const person of PEOPLE) clients[person] = await server.as(person);
});
afterAll(async () => {
  await server?.close();
});

type Expect = Partial<Record<Person, number>>;
const only = (allowed: Person[], ok = 200, otherwise = 403): Record<Person, number> =>
  Object.fromEntries(PEOPLE.map((p) => [p, allowed.includes(p) ? ok : otherwise])) as Record<
    Person,
    number
  >;

interface Case {
  name: string;
  request: (c: Client) => ReturnType<Client["get"]>;
  expect: Expect;
}

function cases(): Case[] {
  const A = server.school.id;
  const B = server.other.id;
  const [amelia, bilal, , dev] = server.pupils as Pupil[];
  const g8C = server.groups.g8C;
  const g9C = server.groups.g9C;
  const schoolA: Person[] = ["teacher", "office", "head", "dsl", "trust", "la", "parent", "admin"];
  return [
    { name: "school A details", request: (c) => c.get(`/api/schools/${A}`), expect: only(schoolA) },
    {
      name: "school B details",
      request: (c) => c.get(`/api/schools/${B}`),
      expect: only(["admin", "otherTeacher", "otherHead"]),
    },
    {
      name: "a pupil of 8C (the parent's child)",
      request: (c) => c.get(`/api/schools/${A}/pupils/${amelia?.id}`),
      expect: only(schoolA),
    },
    {
      name: "a pupil of 8C (not the parent's child)",
      request: (c) => c.get(`/api/schools/${A}/pupils/${bilal?.id}`),
      expect: { ...only(schoolA), parent: 404 },
    },
    {
      name: "a pupil of 9C",
      request: (c) => c.get(`/api/schools/${A}/pupils/${dev?.id}`),
      expect: { ...only(schoolA), teacher: 404, parent: 404 },
    },
    {
      name: "school B's pupil asked for through school A",
      request: (c) => c.get(`/api/schools/${A}/pupils/${server.otherPupil.id}`),
      expect: { ...only(schoolA, 404) },
    },
    {
      name: "school B's pupil",
      request: (c) => c.get(`/api/schools/${B}/pupils/${server.otherPupil.id}`),
      expect: only(["admin", "otherTeacher", "otherHead"]),
    },
    {
      name: "a pupil's mark history",
      request: (c) => c.get(`/api/schools/${A}/pupils/${amelia?.id}/marks`),
      expect: only(schoolA),
    },
    {
      name: "the 8C register",
      request: (c) => c.get(`/api/schools/${A}/registers/${g8C}/2025-09-03/AM`),
      expect: only(["teacher", "office", "head", "dsl", "trust", "la", "admin"]),
    },
    {
      name: "the 9C register",
      request: (c) => c.get(`/api/schools/${A}/registers/${g9C}/2025-09-03/AM`),
      expect: only(["office", "head", "dsl", "trust", "la", "admin"]),
    },
    {
      name: "saving the 8C register",
      request: (c) =>
        c.send("PUT", `/api/schools/${A}/registers/${g8C}/2025-09-03/AM`, {
          marks: [{ pupilId: bilal?.id, code: "/" }],
        }),
      expect: only(["teacher", "office", "head", "admin"]),
    },
    {
      name: "saving the 9C register",
      request: (c) =>
        c.send("PUT", `/api/schools/${A}/registers/${g9C}/2025-09-03/AM`, { allPresent: true }),
      expect: only(["office", "head", "admin"]),
    },
    {
      name: "amending a mark",
      request: (c) =>
        c.send("POST", `/api/schools/${A}/marks/amendments`, {
          pupilId: bilal?.id,
          date: "2025-09-03",
          session: "AM",
          code: "/",
          reason: "check",
        }),
      expect: only(["office", "head", "admin"]),
    },
    {
      name: "the office's day",
      request: (c) => c.get(`/api/schools/${A}/office/today`),
      expect: only(["office", "head", "dsl", "admin"]),
    },
    {
      name: "outstanding N codes",
      request: (c) => c.get(`/api/schools/${A}/office/n-codes`),
      expect: only(["office", "head", "dsl", "admin"]),
    },
    {
      name: "school statistics",
      request: (c) => c.get(`/api/schools/${A}/statistics`),
      expect: only(["office", "head", "dsl", "trust", "la", "admin"]),
    },
    {
      name: "pupil statistics of the parent's child",
      request: (c) => c.get(`/api/schools/${A}/pupils/${amelia?.id}/statistics`),
      expect: only(schoolA),
    },
    {
      name: "register times",
      request: (c) =>
        c.send("PATCH", `/api/schools/${A}/settings`, {
          registerTimes: {
            amOpens: "08:40",
            amCloses: "09:10",
            pmOpens: "13:15",
            pmCloses: "13:45",
          },
        }),
      expect: only(["head", "admin"]),
    },
    {
      name: "staff list",
      request: (c) => c.get(`/api/schools/${A}/staff`),
      expect: only(["head", "admin"]),
    },
    {
      name: "importing pupils",
      request: (c) =>
        c.send(
          "POST",
          `/api/schools/${A}/imports/pupils`,
          "upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n",
          { "content-type": "text/csv" },
        ),
      // The header-only file is accepted by those allowed to import: nothing to admit.
      expect: only(["office", "head", "admin"]),
    },
    {
      name: "recording a planned absence",
      request: (c) =>
        c.send("POST", `/api/schools/${A}/planned-absences`, {
          pupilId: bilal?.id,
          startDate: "2025-09-15",
          endDate: "2025-09-15",
          code: "M",
          reason: "dentist",
        }),
      expect: only(["office", "head", "admin"], 201),
    },
  ];
}

describe("access by role", () => {
  it("lists to each person only the schools they may see", async () => {
    const seen: Record<string, string[]> = {};
    for (const person of PEOPLE) {
      seen[person] = (await clients[person].get("/api/schools"))
        .json()
        .schools.map((s: { name: string }) => s.name);
    }
    expect(seen).toEqual({
      teacher: ["School A"],
      office: ["School A"],
      head: ["School A"],
      dsl: ["School A"],
      trust: ["School A"],
      la: ["School A"],
      parent: ["School A"],
      admin: ["School A", "School B"],
      otherTeacher: ["School B"],
      otherHead: ["School B"],
    });
  });

  it("answers every route for every role as the permissions say", async () => {
    const mismatches: string[] = [];
    for (const testCase of cases()) {
      for (const person of PEOPLE) {
        const wanted = testCase.expect[person];
        const response = await testCase.request(clients[person]);
        if (response.statusCode !== wanted) {
          mismatches.push(
            `${testCase.name} as ${person}: ${response.statusCode} (wanted ${wanted}) ${response.body.slice(0, 120)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("lists pupils by what each role may see", async () => {
    const names = async (person: Person) =>
      (await clients[person].get(`/api/schools/${server.school.id}/pupils`))
        .json()
        .pupils.map((p: { name: string }) => p.name);
    expect(await names("teacher")).toEqual(["Amelia Pupil", "Bilal Pupil", "Chloe Pupil"]);
    expect(await names("parent")).toEqual(["Amelia Pupil"]);
    expect(await names("office")).toEqual([
      "Amelia Pupil",
      "Bilal Pupil",
      "Chloe Pupil",
      "Dev Pupil",
    ]);
  });

  it("shows safeguarding flags and contacts only to the roles that hold them", async () => {
    const amelia = server.pupils[0] as Pupil;
    for (const person of ["dsl", "office", "head", "admin"] as Person[]) {
      const body = (
        await clients[person].get(`/api/schools/${server.school.id}/pupils/${amelia.id}`)
      ).json();
      expect(body.safeguarding, person).toMatchObject({
        lookedAfter: false,
        hasSocialWorker: true,
      });
    }
    for (const person of ["teacher", "trust", "la", "parent"] as Person[]) {
      const body = (
        await clients[person].get(`/api/schools/${server.school.id}/pupils/${amelia.id}`)
      ).json();
      expect(body.safeguarding, person).toBeUndefined();
    }
    expect(
      (await clients.teacher.get(`/api/schools/${server.school.id}/pupils/${amelia.id}`)).json()
        .contacts,
    ).toBeUndefined();
    expect(
      (await clients.parent.get(`/api/schools/${server.school.id}/pupils/${amelia.id}`)).json()
        .contacts,
    ).toEqual([]);
  });
});
