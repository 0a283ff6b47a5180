import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPupils } from "../../src/db/repositories/pupils.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Autumn 1 and Autumn 2 to Friday 21 November 2025, with the trust policy (target 97%):
 * Amelia and Dev (9C) never miss a session; Bilal misses ten days of Autumn 1 (N) and none since;
 * Chloe is ill twice in Autumn 1 and at the dentist on 19 November; Eve joins on 1 October.
 */
let server: TestServer;
let head: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const WEEK = "2025-11-19";

beforeAll(async () => {
  server = await testServer();
  const { db } = server.database;
  const [a, b, c, d, e] = server.pupils as [Pupil, Pupil, Pupil, Pupil, Pupil];
  [amelia, bilal, chloe] = [a, b, c];
  const write = (p: Pupil, from: string, exceptions: Parameters<typeof writeAttendance>[5] = []) =>
    writeAttendance(db, server.school.id, p.id, from, "2025-11-21", exceptions);
  await write(a, "2025-09-03");
  await write(b, "2025-09-03", daysOf("2025-09-15", 10, "N"));
  await write(c, "2025-09-03", [
    ["2025-09-10", "AM", "I"],
    ["2025-09-10", "PM", "I"],
    ["2025-11-19", "AM", "M"],
  ]);
  await write(d, "2025-09-03");
  await write(e, "2025-10-01");
  server.setNow("2025-11-21", "16:00");
  head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

describe("the week's rewards", () => {
  it("names the best class, classes at the policy's target, 100% pupils and the most improved", async () => {
    const response = await head.get(url(`/rewards?week=${WEEK}`));
    expect(response.statusCode, response.body).toBe(200);
    const rewards = response.json();
    expect(rewards.target).toBe(97);
    expect(rewards.periods.week).toMatchObject({ from: "2025-11-17", to: "2025-11-21" });
    expect(rewards.periods.previousHalfTerm).toMatchObject({ label: "Autumn 1" });
    // 9C: 10 of 10; 8C: 39 of 40 (Chloe's appointment).
    expect(rewards.bestClasses.map((c: { name: string }) => c.name)).toEqual(["9C"]);
    const byName = Object.fromEntries(
      rewards.classes.map((c: { name: string }) => [c.name, c]),
    ) as Record<
      string,
      { week: { percent: string }; term: { attended: number; possible: number } }
    >;
    expect(byName["8C"]?.week.percent).toBe("97.5");
    // 8C this term: Amelia 106, Bilal 86, Chloe 103 of 106 each; Eve 66 of 66.
    expect(byName["8C"]?.term).toMatchObject({ attended: 361, possible: 384 });
    const names = (list: { name: string }[]) => list.map((c) => c.name);
    expect(names(rewards.classesAtOrAboveTarget.week)).toEqual(["8C", "9C"]);
    expect(names(rewards.classesAtOrAboveTarget.term)).toEqual(["9C"]);
    expect(names(rewards.fullAttendance.term)).toEqual(["Amelia Pupil", "Dev Pupil", "Eve Pupil"]);
    expect(names(rewards.fullAttendance.year)).toEqual(["Amelia Pupil", "Dev Pupil", "Eve Pupil"]);
    expect(rewards.mostImproved.pupils).toEqual([
      expect.objectContaining({
        name: "Bilal Pupil",
        before: expect.objectContaining({ attended: 56, possible: 76 }),
        now: expect.objectContaining({ attended: 30, possible: 30 }),
        points: "26.3",
      }),
    ]);
  });

  it("shares the best class when classes tie", async () => {
    const rewards = (await head.get(url("/rewards?week=2025-11-10"))).json();
    expect(rewards.bestClasses.map((c: { name: string }) => c.name)).toEqual(["8C", "9C"]);
  });

  it("needs the minimum of sessions in both half terms to be most improved", async () => {
    const rewards = (await head.get(url(`/rewards?week=${WEEK}&minimumSessions=31`))).json();
    expect(rewards.mostImproved.pupils).toEqual([]);
    expect(rewards.mostImproved.rule.statement).toContain("at least 31 possible sessions");
  });

  it("refuses a week that has not started, and people who do not see statistics", async () => {
    expect((await head.get(url("/rewards?week=2025-11-24"))).statusCode).toBe(400);
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url("/rewards"));
      expect(response.statusCode, person).toBe(403);
    }
  });
});

describe("certificates", () => {
  const pupilCertificate = (pupil: Pupil, query: string) =>
    head.get(url(`/pupils/${pupil.id}/certificate.pdf?week=${WEEK}&${query}`));

  it("prints a 100% certificate for a pupil who earned it", async () => {
    const response = await pupilCertificate(amelia, "kind=full_attendance&period=term");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe("application/pdf");
    expect(response.headers["content-disposition"]).toContain("certificate-full-attendance");
    const text = pdfText(response.rawPayload);
    expect(text).toContain("School A");
    expect(text).toContain("Amelia Pupil");
    expect(text).toContain("for 100% attendance in the Autumn term 2025/26");
    expect(text).toContain("attended all 106 possible sessions");
  });

  it("refuses a 100% certificate to a pupil who missed a session, saying how many", async () => {
    const response = await pupilCertificate(chloe, "kind=full_attendance&period=year");
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toContain("3 of 106 possible sessions missed");
  });

  it("prints most improved for Bilal only", async () => {
    const earned = await pupilCertificate(bilal, "kind=most_improved");
    expect(earned.statusCode, earned.body).toBe(200);
    expect(pdfText(earned.rawPayload)).toContain("from 73.7% in Autumn 1 to 100.0% in Autumn 2");
    expect((await pupilCertificate(amelia, "kind=most_improved")).statusCode).toBe(409);
  });

  it("prints class certificates only for the best class and classes at the target", async () => {
    const group = (id: number, query: string) =>
      head.get(url(`/groups/${id}/certificate.pdf?week=${WEEK}&${query}`));
    const best = await group(server.groups.g9C, "kind=best_class");
    expect(best.statusCode, best.body).toBe(200);
    expect(pdfText(best.rawPayload)).toContain("9C");
    const notBest = await group(server.groups.g8C, "kind=best_class");
    expect(notBest.statusCode).toBe(409);
    expect(notBest.json().error.message).toContain("97.5%, against 9C (100.0%)");
    expect((await group(server.groups.g8C, "kind=at_target&period=week")).statusCode).toBe(200);
    const term = await group(server.groups.g8C, "kind=at_target&period=term");
    expect(term.statusCode).toBe(409);
    expect(term.json().error.message).toContain("below the school's target of 97%");
    expect((await group(server.groups.g7X, "kind=best_class")).statusCode).toBe(404);
  });
});

// Last in the file: it adds a pupil to 9C.
describe("rewards count only registers taken", () => {
  it("makes a class whose registers were not taken ineligible that week, and says so", async () => {
    const { db } = server.database;
    // Finn joins 9C at the start of term, but 9C's registers never mark him: they were not taken.
    await insertPupils(db, [
      {
        school_id: server.school.id,
        upn: makeUpn("383", "4999", 24, server.school.id * 100 + 40),
        legal_forename: "Finn",
        legal_surname: "Pupil",
        preferred_forename: null,
        preferred_surname: null,
        date_of_birth: "2011-10-01",
        sex: "M",
        year_group_id: null,
        registration_group_id: server.groups.g9C,
        admission_date: "2025-09-01",
        leaving_date: null,
      },
    ]);
    const rewards = (await head.get(url(`/rewards?week=${WEEK}`))).json();
    expect(rewards.bestClasses.map((c: { name: string }) => c.name)).toEqual(["8C"]);
    const c9 = rewards.classes.find((c: { name: string }) => c.name === "9C");
    // Today's registers (Friday 21st) count once taken; the days before must all have been.
    expect(c9.untakenRegisters).toHaveLength(8);
    expect(c9.weekAtOrAboveTarget).toBeNull();
    expect(rewards.classesAtOrAboveTarget.week.map((c: { name: string }) => c.name)).toEqual([
      "8C",
    ]);
    expect(rewards.notes).toContain(
      "9C is not eligible for the week beginning 17 Nov 2025: 8 register(s) not taken (17 Nov 2025 AM, 17 Nov 2025 PM, 18 Nov 2025 AM, 18 Nov 2025 PM, 19 Nov 2025 AM, 19 Nov 2025 PM, 20 Nov 2025 AM, 20 Nov 2025 PM).",
    );

    // Once the registers are recorded as taken, 9C is back, on the sessions its registers hold.
    await db
      .insertInto("registers_taken")
      .values(
        daysOf("2025-11-17", 5, "/").flatMap(([date]) =>
          (["AM", "PM"] as const).map((session) => ({
            school_id: server.school.id,
            registration_group_id: server.groups.g9C,
            date,
            session,
            first_taken_by: "Ms K. Tutor",
            first_taken_at: new Date(),
            last_saved_by: "Ms K. Tutor",
            last_saved_at: new Date(),
          })),
        ),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    const after = (await head.get(url(`/rewards?week=${WEEK}`))).json();
    expect(after.bestClasses.map((c: { name: string }) => c.name)).toEqual(["9C"]);
  });
});
