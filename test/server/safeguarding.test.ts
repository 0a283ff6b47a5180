import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { policyDocumentSchema } from "../../src/domain/policy/schema.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { aCalendar } from "../support/builders.ts";
import { aPupilRegister, evaluate, indexFor } from "../support/policy.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Safeguarding flags with their history and the first-day ladder they drive, the DSL's named
 * list, and deletion from the admission register on the 2024 Regulations' grounds.
 * Amelia has a social worker; Bilal becomes a safeguarding concern; Chloe gets a child protection
 * plan; Dev goes missing.
 */
let server: TestServer;
let office: Client;
let dsl: Client;
let teacher: Client;
let head: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
let dev: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function on(date: string, time: string): Promise<void> {
  server.setNow(date, time);
  [office, dsl, teacher, head] = await Promise.all([
    server.as("office"),
    server.as("dsl"),
    server.as("teacher"),
    server.as("head"),
  ]);
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe, dev] = server.pupils as [Pupil, Pupil, Pupil, Pupil];
  await on("2025-09-08", "08:30");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" })).statusCode,
  ).toBe(201);
  await office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
    priority: 2,
    name: "Jo Worker",
    relationship: "Social worker",
    email: "jo.worker@council.invalid",
    parentalResponsibility: false,
  });
  await office.send("POST", url(`/pupils/${dev.id}/contacts`), {
    priority: 1,
    name: "Dana Parent",
    relationship: "Mother",
    phone: "07700 900222",
    parentalResponsibility: true,
  });
});
afterAll(async () => {
  await server?.close();
});

describe("a safeguarding concern", () => {
  it("is set by staff with the reason, kept with who set it, and refused without a reason or to a teacher", async () => {
    const set = await office.send("POST", url(`/pupils/${bilal.id}/safeguarding-flags`), {
      flag: "safeguarding_concern",
      value: true,
      reason: "Disclosure to form tutor on Friday",
    });
    expect(set.statusCode, set.body).toBe(201);
    expect(set.json().current.safeguarding_concern).toBe(true);
    expect(set.json().history).toMatchObject([
      {
        flag: "safeguarding_concern",
        value: true,
        reason: "Disclosure to form tutor on Friday",
        changedBy: expect.stringContaining("attendance officer"),
      },
    ]);
    const again = await office.send("POST", url(`/pupils/${bilal.id}/safeguarding-flags`), {
      flag: "safeguarding_concern",
      value: true,
      reason: "again",
    });
    expect(again.statusCode).toBe(409);
    const noReason = await office.send("POST", url(`/pupils/${bilal.id}/safeguarding-flags`), {
      flag: "safeguarding_concern",
      value: false,
      reason: " ",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain("say why");
    const byTeacher = await teacher.send("POST", url(`/pupils/${bilal.id}/safeguarding-flags`), {
      flag: "safeguarding_concern",
      value: false,
      reason: "not mine to clear",
    });
    expect(byTeacher.statusCode).toBe(403);
  });

  it("puts the child on the ladder's urgent route on the first day: tell the DSL now, visit the home today", async () => {
    await on("2025-09-08", "08:50");
    const saved = await teacher.send("PUT", url(`/registers/${server.groups.g8C}/2025-09-08/AM`), {
      marks: [
        { pupilId: bilal.id, code: "N" },
        { pupilId: chloe.id, code: "N" },
      ],
      allPresent: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await on("2025-09-08", "09:20");
    const list = (await office.get(url("/office/call-list"))).json().pupils;
    const entry = list.find((p: { pupilId: number }) => p.pupilId === bilal.id);
    expect(entry.day).toBe(1);
    expect(entry.safeguardingConcern).toBe(true);
    expect(entry.steps.map((s: { kind: string }) => s.kind)).toEqual([
      "call",
      "dsl_alert",
      "home_visit",
    ]);
  });

  it("is cleared with the reason, the history growing and never rewritten", async () => {
    const cleared = await dsl.send("POST", url(`/pupils/${bilal.id}/safeguarding-flags`), {
      flag: "safeguarding_concern",
      value: false,
      reason: "Strategy discussion: no further action",
    });
    expect(cleared.statusCode, cleared.body).toBe(201);
    expect(cleared.json().history.map((h: { value: boolean }) => h.value)).toEqual([true, false]);
    const list = (await office.get(url("/office/call-list"))).json().pupils;
    const entry = list.find((p: { pupilId: number }) => p.pupilId === bilal.id);
    expect(entry.steps.map((s: { kind: string }) => s.kind)).toEqual(["call"]);
    await expect(
      sql`update pupil_flag_changes set reason = 'edited'`.execute(server.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from pupil_flag_changes`.execute(server.database.db)).rejects.toThrow(
      /append-only/,
    );
  });
});

describe("the DSL's named list", () => {
  it("names children with a social worker, a CP or CIN plan, or looked after, with today's marks and follow-up", async () => {
    expect(
      (
        await dsl.send("POST", url(`/pupils/${chloe.id}/safeguarding-flags`), {
          flag: "child_protection_plan",
          value: true,
          reason: "Initial child protection conference, 5 Sep",
        })
      ).statusCode,
    ).toBe(201);
    const response = await dsl.get(url("/safeguarding/children"));
    expect(response.statusCode, response.body).toBe(200);
    const { date, children } = response.json();
    expect(date).toBe("2025-09-08");
    expect(children.map((c: { name: string }) => c.name)).toEqual(["Chloe Pupil", "Amelia Pupil"]);
    const [c, a] = children;
    expect(c.flags).toEqual(["child_protection_plan"]);
    expect(c.today).toEqual([
      { session: "AM", code: "N", absent: true },
      { session: "PM", code: null, absent: false },
    ]);
    expect(c.steps.map((s: { kind: string }) => s.kind)).toContain("call");
    expect(a.flags).toEqual(["has_social_worker"]);
    expect(a.today[0]).toEqual({ session: "AM", code: "/", absent: false });
  });

  it("is the DSL's (and leadership's): the office and teachers are refused", async () => {
    expect((await head.get(url("/safeguarding/children"))).statusCode).toBe(200);
    expect((await office.get(url("/safeguarding/children"))).statusCode).toBe(403);
    expect((await teacher.get(url("/safeguarding/children"))).statusCode).toBe(403);
  });
});

describe("deletion from the admission register", () => {
  it("is not a detail to edit: a leaving date set by changing the pupil's details is refused", async () => {
    const pupil = (await office.get(url(`/pupils/${chloe.id}`))).json();
    const changed = await office.send("PUT", url(`/pupils/${chloe.id}`), {
      upn: pupil.upn,
      legalForename: pupil.legalForename,
      legalSurname: pupil.legalSurname,
      dateOfBirth: pupil.dateOfBirth,
      sex: pupil.sex,
      registrationGroupId: pupil.registrationGroupId,
      admissionDate: pupil.admissionDate,
      leavingDate: "2025-09-08",
    });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.message).toContain("2024 Regulations' grounds");
  });

  it("needs a ground of the 2024 Regulations and the local authority's address", async () => {
    const grounds = (await office.get(url("/roll-deletion-grounds"))).json().grounds;
    expect(grounds.map((g: { id: string }) => g.id)).toContain("registered_elsewhere");
    const unknown = await office.send("POST", url(`/pupils/${amelia.id}/deletion`), {
      ground: "parent_asked",
      leavingDate: "2025-09-08",
      details: "Mum rang",
    });
    expect(unknown.statusCode).toBe(400);
    const message = unknown.json().error.message;
    expect(message).toContain('"parent_asked" is not a ground in the 2024 Regulations');
    expect(message).toContain("set its address");
  });

  it("records the ground and sends the deletion return to the local authority and the social worker", async () => {
    await head.send("PATCH", `/api/schools/${server.school.id}/messaging`, {
      laNotificationsEmail: "pupil.tracking@council.invalid",
    });
    const deleted = await office.send("POST", url(`/pupils/${amelia.id}/deletion`), {
      ground: "registered_elsewhere",
      leavingDate: "2025-09-08",
      details: "Admitted to Hill School on 9 September (their letter of 5 September)",
    });
    expect(deleted.statusCode, deleted.body).toBe(201);
    expect(deleted.json().notified).toEqual([
      { to: "pupil.tracking@council.invalid", who: "local_authority" },
      { to: "jo.worker@council.invalid", who: "social_worker" },
    ]);
    const { db } = server.database;
    const messages = await db
      .selectFrom("outbox")
      .select(["to_address", "purpose", "body"])
      .where("idempotency_key", "like", "roll-deletion:%")
      .orderBy("id")
      .execute();
    expect(messages[0]?.purpose).toBe("roll_deletion_return");
    expect(messages[0]?.body).toContain(
      "Ground: Registered at another school (not dual registration)",
    );
    expect(messages[0]?.body).toContain(`UPN ${amelia.upn}`);
    const row = await db
      .selectFrom("roll_deletions")
      .selectAll()
      .where("pupil_id", "=", amelia.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ground: "registered_elsewhere", leaving_date: "2025-09-08" });
    const pupil = (await office.get(url(`/pupils/${amelia.id}`))).json();
    expect(pupil.leavingDate).toBe("2025-09-08");
    const twice = await office.send("POST", url(`/pupils/${amelia.id}/deletion`), {
      ground: "registered_elsewhere",
      leavingDate: "2025-09-08",
      details: "again",
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toContain("already deleted");
  });

  it("does not take a child missing ten school days off roll without the CME steps", async () => {
    const { db } = server.database;
    await writeAttendance(db, server.school.id, dev.id, "2025-09-03", "2025-09-19", [
      ...daysOf("2025-09-08", 10, "N"),
    ]);
    await on("2025-09-19", "16:00");
    const refused = await office.send("POST", url(`/pupils/${dev.id}/deletion`), {
      ground: "moved_away",
      leavingDate: "2025-09-19",
      details: "A neighbour says the family moved away",
    });
    expect(refused.statusCode).toBe(400);
    const message = refused.json().error.message;
    expect(message).toContain("absent without authorisation for 10 school days in a row");
    expect(message).toContain("reported to the local authority as a child missing education");
    const tooSoon = await office.send("POST", url(`/pupils/${dev.id}/deletion`), {
      ground: "continuously_absent_20_days",
      leavingDate: "2025-09-19",
      details: "Not seen",
      enquiries: "Home visits 10 and 15 Sep; LA CME officer checked addresses",
    });
    expect(tooSoon.json().error.message).toContain("needs 20 school days");

    const opened = await office.send("POST", url("/cases"), {
      pupilId: dev.id,
      stageId: "contract_invite",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const report = await office.send(
      "POST",
      url(`/cases/${opened.json().id}/missing-education-report`),
      {},
    );
    expect(report.statusCode, report.body).toBe(200);
    const deleted = await office.send("POST", url(`/pupils/${dev.id}/deletion`), {
      ground: "moved_away",
      leavingDate: "2025-09-19",
      details: "The family has moved to Leeds (new address from the LA)",
      enquiries: "Home visits 10 and 15 Sep; LA CME officer confirmed the new address",
    });
    expect(deleted.statusCode, deleted.body).toBe(201);
    expect(deleted.json().notified).toEqual([
      { to: "pupil.tracking@council.invalid", who: "local_authority" },
    ]);
    const body = (
      await db
        .selectFrom("outbox")
        .select("body")
        .where("idempotency_key", "=", `roll-deletion:${deleted.json().deletionId}:la`)
        .executeTakeFirstOrThrow()
    ).body;
    expect(body).toContain("Enquiries made to find the child: Home visits 10 and 15 Sep");
    expect(body).toContain("Continuous unauthorised absence: 10 school days.");
    expect(body).toContain("- Dana Parent (Mother)");
  });
});

describe("safeguarding flags in the policy", () => {
  it("can be named by a flag condition and route a proposal to a person", () => {
    const index = indexFor(aCalendar());
    const policy = policyDocumentSchema.parse({
      name: "risk groups",
      target: 96,
      bands: [{ id: "all", name: "All", colour: "#000", min: 0 }],
      stages: [],
      triggers: [
        {
          id: "cp_absent",
          name: "Child on a protection plan absent",
          when: {
            kind: "all",
            of: [
              { kind: "flag", flag: "child_protection_plan" },
              {
                kind: "code_count",
                codes: ["N"],
                atLeast: 1,
                window: { unit: "school_days", length: 1 },
              },
            ],
          },
          actions: [{ type: "referral", to: "social_care" }],
          repeat: "each_new_breach",
          manualReviewFlags: ["safeguarding_concern"],
        },
      ],
    });
    const codes = aPupilRegister(index, "2025-09-08", [["2025-09-08", "AM", "N"]]);
    expect(evaluate(policy, index, "2025-09-08", codes)).toEqual([]);
    const [proposal] = evaluate(policy, index, "2025-09-08", codes, {
      flags: { child_protection_plan: true, safeguarding_concern: true },
    });
    expect(proposal?.manualReview).toBe(true);
    expect(proposal?.explanation).toContain("the pupil has a safeguarding concern");
  });
});
