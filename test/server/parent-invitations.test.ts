import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMAILS, type TestServer, testServer } from "../support/server.ts";

/** Inviting parents in bulk from the screen: a preview with reasons, then the chosen pupils only. */
let server: TestServer;

beforeAll(async () => {
  server = await testServer();
  const s = server.school.id;
  const [amelia, bilal, , dev] = server.pupils.map((p) => p.id);
  await server.database.db
    .insertInto("contacts")
    .values([
      {
        school_id: s,
        pupil_id: amelia as number,
        priority: 1,
        name: "Mrs P. Parent",
        relationship: "mother",
        email: EMAILS.parent,
      },
      {
        school_id: s,
        pupil_id: bilal as number,
        priority: 1,
        name: "Mr B. Khan",
        relationship: "father",
        email: "khan@home.example",
      },
      {
        school_id: s,
        pupil_id: bilal as number,
        priority: 2,
        name: "Mrs B. Khan",
        relationship: "mother",
        email: null,
      },
      {
        school_id: s,
        pupil_id: bilal as number,
        priority: 3,
        name: "Mr Grandad",
        relationship: "grandfather",
        email: "grandad@home.example",
        parental_responsibility: false,
      },
      {
        school_id: s,
        pupil_id: dev as number,
        priority: 1,
        name: "Ms D. Nine",
        relationship: "mother",
        email: "nine@home.example",
      },
    ])
    .execute();
});
afterAll(async () => {
  await server?.close();
});

describe("parent invitations in bulk", () => {
  it("previews a form's parents: who is invited, who is not and why, sending nothing", async () => {
    const head = await server.as("head");
    const preview = await head.send("POST", "/api/users/invitations/parents/preview", {
      schoolId: server.school.id,
      registrationGroupIds: [server.groups.g8C],
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json();
    expect(body.invite).toEqual([
      { email: "khan@home.example", name: "Mr B. Khan", pupils: ["Bilal Pupil"] },
    ]);
    expect(body.link).toEqual([]);
    const reasons = Object.fromEntries(
      body.notInvited.map((n: { name: string; reason: string }) => [n.name, n.reason]),
    );
    expect(reasons).toEqual({
      "Mrs P. Parent": "already has an account",
      "Mrs B. Khan": "no email address",
      "Mr Grandad": "no parental responsibility",
    });
    const sent = await server.database.db.selectFrom("outbox").select("id").execute();
    expect(sent).toEqual([]);
  });

  it("invites only the chosen pupils' parents, each emailed once through the outbox", async () => {
    const head = await server.as("head");
    const dev = server.pupils[3]?.id as number;
    const done = await head.send("POST", "/api/users/invitations/parents", {
      schoolId: server.school.id,
      pupilIds: [dev],
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ invited: 1, linked: 0, skipped: [] });
    const emails = await server.database.db
      .selectFrom("outbox")
      .select(["to_address", "subject"])
      .execute();
    expect(emails).toEqual([{ to_address: "nine@home.example", subject: "Your Rollbook account" }]);
    const again = await head.send("POST", "/api/users/invitations/parents/preview", {
      schoolId: server.school.id,
      pupilIds: [dev],
    });
    expect(again.json().invite).toEqual([]);
    expect(again.json().notInvited[0]).toMatchObject({
      name: "Ms D. Nine",
      reason: "already has an account",
    });
  });

  it("is the head's and administrators', not a teacher's", async () => {
    const teacher = await server.as("teacher");
    const refused = await teacher.send("POST", "/api/users/invitations/parents/preview", {
      schoolId: server.school.id,
    });
    expect(refused.statusCode).toBe(403);
  });
});
