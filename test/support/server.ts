import type { LightMyRequestResponse } from "fastify";
import { hashPassword } from "../../src/app/accounts/passwords.ts";
import type { Database } from "../../src/db/database.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { ensureGroups, insertPupils } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import { createUser } from "../../src/db/repositories/users.ts";
import type { Pupil, Role, School } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type App, type AppOptions, buildApp } from "../../src/server/app.ts";
import { year2025 } from "./builders.ts";
import { testDatabase } from "./database.ts";

export const PASSWORD = "correct horse battery";

export type Person =
  | "teacher"
  | "office"
  | "head"
  | "dsl"
  | "trust"
  | "la"
  | "parent"
  | "admin"
  | "otherTeacher"
  | "otherHead";

export interface TestServer {
  app: App;
  database: Database;
  school: School;
  other: School;
  groups: { g8C: number; g9C: number; g7X: number };
  pupils: Pupil[];
  otherPupil: Pupil;
  /** Moves the server's clock to a London wall-clock time. */
  setNow(date: string, time: string): void;
  as(person: Person): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  send(
    method: "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  cookie: string;
  csrf: string;
}

export const EMAILS: Record<Person, string> = {
  teacher: "teacher@a.example",
  office: "office@a.example",
  head: "head@a.example",
  dsl: "dsl@a.example",
  trust: "trust@t.example",
  la: "la@la.example",
  parent: "parent@home.example",
  admin: "admin@rollbook.example",
  otherTeacher: "teacher@b.example",
  otherHead: "head@b.example",
};

/**
 * Two schools in different trusts and local authorities, a person for every role (teacher of 8C,
 * attendance officer, head, DSL, trust and LA officers, a parent of one 8C pupil, an admin) and a
 * teacher and head at the other school. The clock starts on Wednesday 3 September 2025 at 08:45.
 */
export async function testServer(
  given?: Database,
  options: Partial<AppOptions> = {},
): Promise<TestServer> {
  const database = given ?? (await testDatabase());
  const { db } = database;
  const school = await createSchool(db, {
    name: "School A",
    phase: "secondary",
    trustName: "Trust T",
    localAuthority: { code: "383", name: "Leeds" },
  });
  const other = await createSchool(db, {
    name: "School B",
    phase: "primary",
    trustName: "Trust U",
    localAuthority: { code: "999", name: "Elsewhere" },
  });
  for (const s of [school, other]) await saveAcademicYear(db, s.id, year2025());
  const a = await ensureGroups(db, school.id, [
    { yearGroup: "Year 8", registrationGroup: "8C" },
    { yearGroup: "Year 9", registrationGroup: "9C" },
  ]);
  const b = await ensureGroups(db, other.id, [{ yearGroup: "Year 3", registrationGroup: "7X" }]);
  const groups = {
    g8C: a.registrationGroups.get("8C") as number,
    g9C: a.registrationGroups.get("9C") as number,
    g7X: b.registrationGroups.get("7X") as number,
  };
  const pupil = (
    schoolId: number,
    n: number,
    groupId: number,
    name: string,
    extra: Partial<Pupil> = {},
  ) => ({
    school_id: schoolId,
    upn: makeUpn("383", "4999", 24, schoolId * 100 + n),
    legal_forename: name,
    legal_surname: "Pupil",
    preferred_forename: null,
    preferred_surname: null,
    date_of_birth: "2012-10-01",
    sex: "F" as const,
    year_group_id: null,
    registration_group_id: groupId,
    admission_date: "2024-09-01",
    leaving_date: null,
    ...extra,
  });
  const pupils = await insertPupils(db, [
    pupil(school.id, 1, groups.g8C, "Amelia", { has_social_worker: true }),
    pupil(school.id, 2, groups.g8C, "Bilal"),
    pupil(school.id, 3, groups.g8C, "Chloe"),
    pupil(school.id, 4, groups.g9C, "Dev"),
    pupil(school.id, 5, groups.g8C, "Eve", { admission_date: "2025-10-01" }),
  ]);
  const [otherPupil] = await insertPupils(db, [pupil(other.id, 1, groups.g7X, "Zara")]);
  const passwordHash = await hashPassword(PASSWORD);
  const user = (
    person: Person,
    name: string,
    grant: { role: Role; schoolId?: number; trustId?: number; laCode?: string },
    more = {},
  ) => createUser(db, { email: EMAILS[person], name, passwordHash, grants: [grant], ...more });
  await user(
    "teacher",
    "Ms K. Tutor",
    { role: "teacher", schoolId: school.id },
    { groups: [{ schoolId: school.id, registrationGroupId: groups.g8C }] },
  );
  await user("office", "Mrs S. Office", { role: "attendance_officer", schoolId: school.id });
  await user("head", "Mr H. Head", { role: "head_of_school", schoolId: school.id });
  await user("dsl", "Ms D. Lead", { role: "dsl", schoolId: school.id });
  await user("trust", "Ms T. Trust", { role: "trust_officer", trustId: school.trust_id as number });
  await user("la", "Mr L. Authority", { role: "la_officer", laCode: "383" });
  await user(
    "parent",
    "Mrs P. Parent",
    { role: "parent", schoolId: school.id },
    { children: [{ schoolId: school.id, pupilId: pupils[0]?.id as number }] },
  );
  await user("admin", "Admin", { role: "admin" });
  await user(
    "otherTeacher",
    "Mr O. Other",
    { role: "teacher", schoolId: other.id },
    { groups: [{ schoolId: other.id, registrationGroupId: groups.g7X }] },
  );
  await user("otherHead", "Mrs O. Head", { role: "head_of_school", schoolId: other.id });

  let now = londonInstant("2025-09-03", "08:45");
  const app = await buildApp({
    database,
    clock: () => now,
    logLevel: "silent",
    signInsPerMinute: 1000,
    ...options,
  });
  await app.ready();

  const as = async (person: Person): Promise<Client> => {
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: EMAILS[person], password: PASSWORD },
    });
    if (login.statusCode !== 200) throw new Error(`sign-in of ${person} failed: ${login.body}`);
    const cookie = `rollbook_session=${login.cookies.find((c) => c.name === "rollbook_session")?.value}`;
    const csrf = login.json().csrfToken as string;
    return {
      cookie,
      csrf,
      get: (url) => app.inject({ method: "GET", url, headers: { cookie } }),
      send: (method, url, payload, headers = {}) =>
        app.inject({
          method,
          url,
          headers: { cookie, "x-csrf-token": csrf, ...headers },
          ...(payload === undefined ? {} : { payload: payload as object }),
        }),
    };
  };

  return {
    app,
    database,
    school,
    other,
    groups,
    pupils,
    otherPupil: otherPupil as Pupil,
    setNow(date, time) {
      now = londonInstant(date, time);
    },
    as,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
