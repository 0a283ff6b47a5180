import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { aCalendar } from "../support/builders.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The referrals the seeds name beside the legal steps, from the case page's API: school nursing
 * when sickness is continually reported, a voluntary early help assessment after a meeting, a
 * police safe-and-well check when a home visit finds no one, and social care for a safeguarding
 * concern whatever the attendance. Each refusal says what must happen first.
 */
let server: TestServer;
let office: Client;
let amelia: Pupil;
let caseId: number;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const calendar = aCalendar();

async function on(date: string, time = "10:00"): Promise<void> {
  server.setNow(date, time);
  office = await server.as("office");
}

async function readiness(): Promise<Record<string, { ready: boolean; reasons: string[] }>> {
  const answer = await office.get(url(`/cases/${caseId}/referrals`));
  expect(answer.statusCode, answer.body).toBe(200);
  return Object.fromEntries(
    answer
      .json()
      .steps.map((s: { kind: string; ready: boolean; reasons: string[] }) => [s.kind, s]),
  );
}

beforeAll(async () => {
  server = await testServer();
  [amelia] = server.pupils as [Pupil];
  await on("2025-09-03");
  const head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" })).statusCode,
  ).toBe(201);
  // Amelia is present every session until 19 September: high attendance, no illness yet.
  const rows = ["upn,date,session,code"];
  for (const date of calendar.schoolDays("2025-09-03", "2025-09-19"))
    for (const session of ["AM", "PM"])
      rows.push(`${amelia.upn},${date},${session},${session === "AM" ? "/" : "\\"}`);
  server.setNow("2025-09-19", "16:00");
  const importer = await server.as("office");
  const imported = await importer.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
  await on("2025-09-22");
  const opened = await office.send("POST", url("/cases"), {
    pupilId: amelia.id,
    stageId: "stage_1",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().id;
});
afterAll(async () => {
  await server?.close();
});

describe("referrals from the case page", () => {
  it("lists every referral the seeds name, each with what it needs first", async () => {
    const steps = await readiness();
    expect(Object.keys(steps)).toEqual([
      "notice_to_improve",
      "penalty_notice",
      "legal_intervention",
      "social_care",
      "children_missing_education",
      "school_nursing",
      "early_help",
      "safe_and_well_check",
    ]);
    expect(steps.school_nursing).toEqual({
      kind: "school_nursing",
      title: "School nursing",
      ready: false,
      reasons: [
        "illness is recorded for 0 session(s) this year (from 1 Aug 2025); the policy refers from 10",
      ],
    });
    expect(steps.early_help?.reasons).toEqual([
      "hold a meeting with the family first: early help follows from what it agrees",
    ]);
    expect(steps.safe_and_well_check?.reasons).toEqual([
      "visit the home first: no home visit is logged",
    ]);
    // Asking wrote nothing.
    const events = (await office.get(url(`/cases/${caseId}`))).json().events;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(["case_opened"]);
  });

  it("never blocks a social care referral for a safeguarding concern by the attendance figure", async () => {
    const steps = await readiness();
    expect(steps.social_care?.reasons.join(" ")).toMatch(
      /attendance this year is 100\.0%, not below 50% \(for a safeguarding concern attendance never holds a referral back: say it is one\)/,
    );
    const refused = await office.send("POST", url(`/cases/${caseId}/social-care-referral`), {
      reason: "Worrying disclosure",
    });
    expect(refused.statusCode).toBe(400);
    const referred = await office.send("POST", url(`/cases/${caseId}/social-care-referral`), {
      reason: "Worrying disclosure",
      safeguarding: true,
    });
    expect(referred.statusCode, referred.body).toBe(200);
    expect(referred.json().interventionId).toBeGreaterThan(0);
  });

  it("refers to school nursing once the policy's number of illness sessions is recorded", async () => {
    const refused = await office.send("POST", url(`/cases/${caseId}/school-nursing-referral`));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe(
      "A school nursing referral cannot be made yet: illness is recorded for 0 session(s) this year (from 1 Aug 2025); the policy refers from 10",
    );
    const rows = ["upn,date,session,code"];
    for (const date of calendar.schoolDays("2025-09-22", "2025-09-26"))
      for (const session of ["AM", "PM"]) rows.push(`${amelia.upn},${date},${session},I`);
    await on("2025-09-26", "16:00");
    const imported = await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
      "content-type": "text/csv",
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect((await readiness()).school_nursing).toMatchObject({ ready: true, reasons: [] });
    const referred = await office.send("POST", url(`/cases/${caseId}/school-nursing-referral`));
    expect(referred.statusCode, referred.body).toBe(200);
  });

  it("refers for early help after a meeting held, only with the family's agreement", async () => {
    await on("2025-09-26", "16:00");
    const scheduled = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "review_meeting",
      scheduledFor: londonInstant("2025-10-06", "09:00").toISOString(),
    });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    await on("2025-10-06", "10:00");
    const held = await office.send("POST", url(`/meetings/${scheduled.json().meetingId}/record`), {
      status: "held",
      attended: [{ name: "Ms A", role: "parent" }],
      outcome: "Support from outside school would help",
    });
    expect(held.statusCode, held.body).toBe(200);
    expect((await readiness()).early_help).toMatchObject({ ready: true });
    const refused = await office.send("POST", url(`/cases/${caseId}/early-help-referral`), {
      familyAgrees: false,
    });
    expect(refused.json().error).toMatchObject({
      message:
        "An early help referral cannot be made yet: record that the family agrees: an early help assessment is voluntary",
    });
    const referred = await office.send("POST", url(`/cases/${caseId}/early-help-referral`), {
      familyAgrees: true,
      note: "Family support worker",
    });
    expect(referred.statusCode, referred.body).toBe(200);
  });

  it("asks for a safe-and-well check after a home visit finds no one, not once the family is reached", async () => {
    const visit = await office.send("POST", url(`/pupils/${amelia.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-06", "09:30").toISOString(),
      method: "home_visit",
      direction: "outgoing",
      withWhom: "Ms A",
      outcome: "no one home",
    });
    expect(visit.statusCode, visit.body).toBe(201);
    expect((await readiness()).safe_and_well_check).toMatchObject({ ready: true, reasons: [] });
    const empty = await office.send("POST", url(`/cases/${caseId}/safe-and-well-check`), {
      concern: " ",
    });
    expect(empty.statusCode).toBe(400);
    await office.send("POST", url(`/pupils/${amelia.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-06", "09:45").toISOString(),
      method: "phone",
      direction: "incoming",
      withWhom: "Ms A",
      outcome: "spoke to mum: Amelia is with her aunt",
    });
    expect((await readiness()).safe_and_well_check?.reasons).toEqual([
      "contact was made on 6 Oct 2025 (phone: spoke to mum: Amelia is with her aunt) after the last home visit",
    ]);
    await office.send("POST", url(`/pupils/${amelia.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-06", "09:55").toISOString(),
      method: "home_visit",
      direction: "outgoing",
      withWhom: "Ms A",
      outcome: "not home",
    });
    const asked = await office.send("POST", url(`/cases/${caseId}/safe-and-well-check`), {
      concern: "Not seen since Friday; aunt's address unknown",
    });
    expect(asked.statusCode, asked.body).toBe(200);
    // Every step is in the chronology and in the account of what the school has done.
    const events = (await office.get(url(`/cases/${caseId}`))).json().events;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining([
        "social_care_referral",
        "school_nursing_referral",
        "early_help_referral",
        "safe_and_well_check",
      ]),
    );
    const efforts = (await office.get(url(`/cases/${caseId}/efforts`))).json().efforts;
    expect(efforts.map((e: { text: string }) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Referred to the school nursing team/),
        expect.stringMatching(/^Referred for an early help assessment/),
        expect.stringMatching(/^Asked the police for a safe-and-well check/),
      ]),
    );
  });

  it("refuses the teacher, who does not work cases", async () => {
    const teacher = await server.as("teacher");
    const refused = await teacher.send("POST", url(`/cases/${caseId}/early-help-referral`), {
      familyAgrees: true,
    });
    expect(refused.statusCode).toBe(403);
  });
});
