import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSessionPurge } from "../../src/jobs/session-purge.ts";
import { type Client, EMAILS, PASSWORD, type TestServer, testServer } from "../support/server.ts";

/** Finding 1 of issue 13: accounts an operator can run, from the API. */
let server: TestServer;
let admin: Client;

beforeAll(async () => {
  server = await testServer();
  admin = await server.as("admin");
});
afterAll(async () => {
  await server?.close();
});

const login = (email: string, password: string) =>
  server.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });

const NEW_PASSWORD = "plum tarts at the fete";

async function userId(email: string): Promise<number> {
  const row = await server.database.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function lastLinkTo(email: string): Promise<string> {
  const row = await server.database.db
    .selectFrom("outbox")
    .select("body")
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return (row.body.match(/#token=([\w-]+)/) as RegExpMatchArray)[1] as string;
}

describe("administrators manage accounts", () => {
  it("create users of every role, who can then sign in with what they were given", async () => {
    const s = server.school.id;
    const accounts = [
      {
        email: "new.teacher@a.example",
        roles: [{ role: "teacher", schoolId: s }],
        groups: [{ schoolId: s, registrationGroupId: server.groups.g9C }],
      },
      { email: "new.office@a.example", roles: [{ role: "attendance_officer", schoolId: s }] },
      { email: "new.head@a.example", roles: [{ role: "head_of_school", schoolId: s }] },
      { email: "new.dsl@a.example", roles: [{ role: "dsl", schoolId: s }] },
      {
        email: "new.trust@t.example",
        roles: [{ role: "trust_officer", trustId: server.school.trust_id }],
      },
      { email: "new.la@la.example", roles: [{ role: "la_officer", laCode: "383" }] },
      {
        email: "new.parent@home.example",
        roles: [{ role: "parent", schoolId: s }],
        children: [{ schoolId: s, pupilId: server.pupils[3]?.id }],
      },
      { email: "second.admin@rollbook.example", roles: [{ role: "admin" }] },
    ];
    for (const account of accounts) {
      const created = await admin.send("POST", "/api/users", {
        name: `Person ${account.email}`,
        password: NEW_PASSWORD,
        ...account,
      });
      expect(created.statusCode, `${account.email}: ${created.body}`).toBe(201);
      expect(created.json().user.roles[0].role).toBe(account.roles[0]?.role);
      expect((await login(account.email, NEW_PASSWORD)).statusCode, account.email).toBe(200);
    }
    const listed = await admin.get("/api/users?search=new.");
    expect(
      listed
        .json()
        .users.map((u: { email: string }) => u.email)
        .sort(),
    ).toEqual(
      accounts
        .map((a) => a.email)
        .filter((e) => e.startsWith("new."))
        .sort(),
    );
    const teacher = listed
      .json()
      .users.find((u: { email: string }) => u.email === "new.teacher@a.example");
    expect(teacher.groups).toEqual([
      { schoolId: s, registrationGroupId: server.groups.g9C, name: "9C" },
    ]);
  });

  it("refuse bad input with a message naming it, never a 500", async () => {
    const cases: [unknown, RegExp][] = [
      [{ email: "x@a.example", name: "X", roles: [] }, /at least one role/],
      [{ email: "not-an-email", name: "X", roles: [{ role: "admin" }] }, /email/],
      [{ email: "y@a.example", name: "Y", roles: [{ role: "teacher" }] }, /needs a schoolId/],
      [
        { email: "z@a.example", name: "Z", roles: [{ role: "teacher", schoolId: 999 }] },
        /No school 999/,
      ],
      [
        { email: "w@a.example", name: "W", roles: [{ role: "admin" }], password: "short" },
        /at least 12 characters/,
      ],
      [
        { email: "v@a.example", name: "V", roles: [{ role: "admin" }], password: "password1234" },
        /most often found in data breaches/,
      ],
      [
        { email: EMAILS.office, name: "Dup", roles: [{ role: "admin" }], password: NEW_PASSWORD },
        /already exists/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await admin.send("POST", "/api/users", body);
      expect(response.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.message).toMatch(message);
    }
  });

  it("disable an account, ending its sessions at once, and enable it again", async () => {
    const office = await server.as("office");
    const id = await userId(EMAILS.office);
    const disabled = await admin.send("POST", `/api/users/${id}/disable`);
    expect(disabled.json().user.disabled).toBe(true);
    expect((await office.get("/api/schools")).statusCode).toBe(401);
    expect((await login(EMAILS.office, PASSWORD)).statusCode).toBe(401);
    await admin.send("POST", `/api/users/${id}/enable`);
    expect((await login(EMAILS.office, PASSWORD)).statusCode).toBe(200);
  });

  it("grant and revoke roles: what the account may see follows at once", async () => {
    const dsl = await server.as("dsl");
    const id = await userId(EMAILS.dsl);
    const url = `/api/schools/${server.school.id}/pupils`;
    expect((await dsl.get(url)).statusCode).toBe(200);
    const moved = await admin.send("PUT", `/api/users/${id}/roles`, {
      roles: [{ role: "dsl", schoolId: server.other.id }],
    });
    expect(moved.statusCode).toBe(200);
    expect((await dsl.get(url)).statusCode).toBe(403);
    await admin.send("PUT", `/api/users/${id}/roles`, {
      roles: [{ role: "dsl", schoolId: server.school.id }],
    });
    expect((await dsl.get(url)).statusCode).toBe(200);
  });

  it("force a password reset: the old password stops, sessions end, a link is emailed", async () => {
    const teacher = await server.as("teacher");
    const id = await userId(EMAILS.teacher);
    const forced = await admin.send("POST", `/api/users/${id}/password-reset`);
    expect(forced.json()).toEqual({ emailed: true });
    expect((await teacher.get("/api/schools")).statusCode).toBe(401);
    expect((await login(EMAILS.teacher, PASSWORD)).statusCode).toBe(401);
    const token = await lastLinkTo(EMAILS.teacher);
    const reset = await server.app.inject({
      method: "POST",
      url: "/api/auth/password-reset",
      payload: { token, newPassword: PASSWORD.replace("battery", "battery charger") },
    });
    expect(reset.statusCode).toBe(200);
    expect(
      (await login(EMAILS.teacher, PASSWORD.replace("battery", "battery charger"))).statusCode,
    ).toBe(200);
  });

  it("keep one administrator who can sign in", async () => {
    const id = await userId(EMAILS.admin);
    const second = await userId("second.admin@rollbook.example");
    await admin.send("POST", `/api/users/${second}/disable`);
    const self = await admin.send("POST", `/api/users/${id}/disable`);
    expect(self.statusCode).toBe(403);
    const demote = await admin.send("PUT", `/api/users/${id}/roles`, {
      roles: [{ role: "head_of_school", schoolId: server.school.id }],
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/only administrator/);
  });

  it("without a password, invite: the emailed link's first use sets it", async () => {
    const created = await admin.send("POST", "/api/users", {
      email: "invited.parent@home.example",
      name: "Mr I. Invited",
      roles: [{ role: "parent", schoolId: server.school.id }],
      children: [{ schoolId: server.school.id, pupilId: server.pupils[1]?.id }],
    });
    expect(created.json().invited).toBe(true);
    const token = await lastLinkTo("invited.parent@home.example");
    const check = await server.app.inject({
      method: "POST",
      url: "/api/auth/password-reset/check",
      payload: { token },
    });
    expect(check.json()).toEqual({ valid: true, email: "invited.parent@home.example" });
    const set = await server.app.inject({
      method: "POST",
      url: "/api/auth/password-reset",
      payload: { token, newPassword: NEW_PASSWORD },
    });
    expect(set.statusCode).toBe(200);
    expect((await login("invited.parent@home.example", NEW_PASSWORD)).statusCode).toBe(200);
  });
});

describe("heads manage their own school's staff", () => {
  it("create a teacher in their school, but no head, admin, or anyone in another school", async () => {
    const head = await server.as("head");
    const ok = await head.send("POST", "/api/users", {
      email: "head.made@a.example",
      name: "Ms H. Made",
      password: NEW_PASSWORD,
      roles: [{ role: "teacher", schoolId: server.school.id }],
    });
    expect(ok.statusCode).toBe(201);
    for (const roles of [
      [{ role: "admin" }],
      [{ role: "head_of_school", schoolId: server.school.id }],
      [{ role: "teacher", schoolId: server.other.id }],
    ]) {
      const refused = await head.send("POST", "/api/users", {
        email: "never@a.example",
        name: "Never",
        password: NEW_PASSWORD,
        roles,
      });
      expect(refused.statusCode, JSON.stringify(roles)).toBe(403);
    }
    const listed = (await head.get("/api/users"))
      .json()
      .users.map((u: { email: string }) => u.email);
    expect(listed).toContain("head.made@a.example");
    expect(listed).not.toContain(EMAILS.admin);
    expect(listed).not.toContain(EMAILS.otherTeacher);
    const adminId = await userId(EMAILS.admin);
    expect((await head.send("POST", `/api/users/${adminId}/disable`)).statusCode).toBe(404);
  });

  it("refuse everyone else", async () => {
    for (const person of ["teacher", "office", "parent", "trust"] as const) {
      const client = await server.as(person === "teacher" ? "otherTeacher" : person);
      expect((await client.get("/api/users")).statusCode, person).toBe(403);
    }
  });
});

describe("everyone's own password and sessions", () => {
  it("change their password with the current one; their other sessions end, this one stays", async () => {
    const here = await server.as("otherHead");
    const elsewhere = await server.as("otherHead");
    const wrong = await here.send("POST", "/api/auth/password", {
      currentPassword: "not it at all",
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toBe("Your current password is not right");
    const weak = await here.send("POST", "/api/auth/password", {
      currentPassword: PASSWORD,
      newPassword: "qwerty123456",
    });
    expect(weak.json().error.message).toMatch(/data breaches/);
    const changed = await here.send("POST", "/api/auth/password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.statusCode).toBe(200);
    expect((await here.get("/api/auth/session")).statusCode).toBe(200);
    expect((await elsewhere.get("/api/auth/session")).statusCode).toBe(401);
    expect((await login(EMAILS.otherHead, PASSWORD)).statusCode).toBe(401);
    expect((await login(EMAILS.otherHead, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it("sign out everywhere ends every session of theirs (finding 9)", async () => {
    const phone = await server.as("trust");
    const laptop = await server.as("trust");
    expect((await phone.send("POST", "/api/auth/logout-everywhere")).statusCode).toBe(200);
    expect((await laptop.get("/api/auth/session")).statusCode).toBe(401);
    expect((await phone.get("/api/auth/session")).statusCode).toBe(401);
  });

  it("expired sessions are deleted by the scheduler's purge (finding 9)", async () => {
    await server.as("la");
    const db = server.database.db;
    const later = new Date(Date.now() + 13 * 3_600_000 + 365 * 86_400_000);
    const before = await db.selectFrom("user_sessions").select("token_hash").execute();
    expect(before.length).toBeGreaterThan(0);
    const purged = await runSessionPurge(db, later);
    expect(purged.sessions).toBe(before.length);
    expect(await db.selectFrom("user_sessions").select("token_hash").execute()).toEqual([]);
  });
});

describe("parents invited from the contacts (issue 17)", () => {
  it("get one account per email, linked to each of their children, emailed once", async () => {
    const s = server.school.id;
    const [chloe, dev] = [server.pupils[2]?.id as number, server.pupils[3]?.id as number];
    await server.database.db
      .insertInto("contacts")
      .values([
        {
          school_id: s,
          pupil_id: chloe,
          priority: 1,
          name: "Mrs C. Family",
          relationship: "mother",
          email: "Family@home.example",
        },
        {
          school_id: s,
          pupil_id: dev,
          priority: 1,
          name: "Mrs C. Family",
          relationship: "mother",
          email: "family@home.example",
        },
        {
          school_id: s,
          pupil_id: dev,
          priority: 2,
          name: "Mr N. Noemail",
          relationship: "father",
          email: null,
        },
        {
          school_id: s,
          pupil_id: dev,
          priority: 3,
          name: "Ms S. Staff",
          relationship: "aunt",
          email: EMAILS.office,
        },
      ])
      .execute();
    const head = await server.as("head");
    const first = await head.send("POST", "/api/users/invitations/parents", { schoolId: s });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      invited: 1,
      linked: 0,
      skipped: [{ email: EMAILS.office, reason: "already has a staff or other school's account" }],
    });
    const family = (await head.get("/api/users?search=family@home")).json().users[0];
    expect(family.children.map((c: { pupilId: number }) => c.pupilId).sort()).toEqual(
      [chloe, dev].sort(),
    );
    const again = await head.send("POST", "/api/users/invitations/parents", { schoolId: s });
    expect(again.json().invited).toBe(0);
    const emails = await server.database.db
      .selectFrom("outbox")
      .select("id")
      .where("to_address", "=", "family@home.example")
      .execute();
    expect(emails).toHaveLength(1);
    // Another school's staff (otherHead changed their password above).
    const outsider = await server.as("otherTeacher");
    const refused = await outsider.send("POST", "/api/users/invitations/parents", { schoolId: s });
    expect(refused.statusCode).toBe(403);
  });
});
