import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { savePolicyVersion } from "../../src/db/repositories/policies.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { describeDuration, endOfDuration } from "../../src/domain/policy/durations.ts";
import { LA_CONTRACT_PROCESS_POLICY as LA_CONTRACT_PROCESS } from "../../src/domain/policy/presets/la-contract-process.ts";
import { reviewDueDate } from "../../src/domain/policy/review.ts";
import { policyDocumentSchema } from "../../src/domain/policy/schema.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { daysOf, writeAttendance } from "../support/attendance.ts";
import { aCalendar } from "../support/builders.ts";
import { aPupilRegister, evaluate, indexFor } from "../support/policy.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

const calendar = aCalendar();

describe("durations in school days, school weeks and sessions", () => {
  it("skip holidays and closures from the school's calendar", () => {
    // Friday 17 October: the week after next is half term.
    expect(endOfDuration(calendar, "2025-10-17", { length: 2, unit: "calendar_weeks" })).toBe(
      "2025-10-31",
    );
    expect(endOfDuration(calendar, "2025-10-17", { length: 2, unit: "school_weeks" })).toBe(
      "2025-11-07",
    );
    expect(endOfDuration(calendar, "2025-10-17", { length: 15, unit: "school_days" })).toBe(
      "2025-11-14",
    );
    expect(endOfDuration(calendar, "2025-10-24", { length: 3, unit: "sessions" })).toBe(
      "2025-11-04",
    );
    // The early May bank holiday is a closure: not a school day.
    expect(endOfDuration(calendar, "2026-04-30", { length: 10, unit: "school_days" })).toBe(
      "2026-05-15",
    );
    expect(endOfDuration(calendar, "2025-10-17", { length: 28, unit: "calendar_days" })).toBe(
      "2025-11-14",
    );
    expect(describeDuration({ length: 6, unit: "school_weeks" })).toBe("6 school weeks");
  });

  it("set a stage's review in school weeks, so a review never falls in the holiday", () => {
    const index = indexFor(calendar);
    const codes = new Uint8Array(index.count);
    const ratio = { numerator: 90, denominator: 100 };
    const stage = { id: "s", name: "Stage", order: 1, review: { weeks: 2 } };
    expect(reviewDueDate(stage, "2025-10-17", ratio, index, codes, "2025-10-17")).toBe(
      "2025-10-31",
    );
    const inSchoolWeeks = { ...stage, review: { weeks: 2, unit: "school_weeks" as const } };
    expect(reviewDueDate(inSchoolWeeks, "2025-10-17", ratio, index, codes, "2025-10-17")).toBe(
      "2025-11-07",
    );
  });

  it("are policy data, validated", () => {
    const withPeriod = {
      ...LA_CONTRACT_PROCESS,
      casework: {
        ...LA_CONTRACT_PROCESS.casework,
        noticeToImprovePeriod: { length: 15, unit: "school_days" },
        referralDuringNoticeToImprove: true,
      },
    };
    expect(policyDocumentSchema.safeParse(withPeriod).success).toBe(true);
    const wrong = {
      ...withPeriod,
      casework: { noticeToImprovePeriod: { length: 15, unit: "fortnights" } },
    };
    expect(policyDocumentSchema.safeParse(wrong).success).toBe(false);
  });
});

/**
 * A notice to improve's period in school days, and the policy setting that allows a referral
 * during it when unauthorised absence continues (several councils' codes do; the default waits).
 */
let server: TestServer;
let office: Client;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function usePolicy(casework: Policy["casework"]): Promise<void> {
  await savePolicyVersion(
    server.database.db,
    server.school.id,
    { ...LA_CONTRACT_PROCESS, casework: { ...LA_CONTRACT_PROCESS.casework, ...casework } },
    "test",
  );
}

beforeAll(async () => {
  server = await testServer();
  [, bilal] = server.pupils as [Pupil, Pupil];
  const { db } = server.database;
  // 10 sessions of O in September (the threshold), then more O after the notice on 13 October.
  await writeAttendance(db, server.school.id, bilal.id, "2025-09-03", "2025-10-24", [
    ...daysOf("2025-09-08", 5, "O"),
    ["2025-10-14", "day", "O"],
  ]);
  await usePolicy({ noticeToImprovePeriod: { length: 15, unit: "school_days" } });
  server.setNow("2025-10-13", "10:00");
  office = await server.as("office");
  const opened = await office.send("POST", url("/cases"), {
    pupilId: bilal.id,
    stageId: "contract",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  await db
    .insertInto("meetings")
    .values({
      school_id: server.school.id,
      case_id: opened.json().id,
      kind: "attendance_contract_meeting",
      invited_on: "2025-09-20",
      scheduled_for: new Date("2025-09-29T09:00:00Z"),
      format: "in_person",
      attendees: JSON.stringify([]),
      status: "held",
      recorded_by: "test",
    })
    .execute();
});
afterAll(async () => {
  await server?.close();
});

describe("the notice to improve", () => {
  let caseId: number;
  let contactId: number;

  it("runs for 15 school days, skipping half term", async () => {
    caseId = (await office.get(url("/cases"))).json().cases[0].id;
    const notice = await office.send("POST", url(`/cases/${caseId}/notice-to-improve`), {});
    expect(notice.statusCode, notice.body).toBe(200);
    // 14-24 Oct is 9 school days; half term; 3-7 Nov makes 14 and 10 Nov the 15th.
    expect(notice.json().reviewOn).toBe("2025-11-10");
    const contact = await server.database.db
      .insertInto("contacts")
      .values({
        school_id: server.school.id,
        pupil_id: bilal.id,
        priority: 1,
        name: "Mr B",
        relationship: "Father",
        phone: "07700900333",
        parental_responsibility: true,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    contactId = contact.id;
  });

  it("refuses a penalty-notice referral during its period by default", async () => {
    server.setNow("2025-10-15", "10:00");
    office = await server.as("office");
    const referral = await office.send("POST", url(`/cases/${caseId}/penalty-notice-referral`), {
      contactIds: [contactId],
    });
    expect(referral.statusCode).toBe(400);
    expect(referral.json().error.message).toContain("is in its review period until 10 Nov 2025");
  });

  it("allows one during the period when the policy says so and absence continued after the notice", async () => {
    await usePolicy({
      noticeToImprovePeriod: { length: 15, unit: "school_days" },
      referralDuringNoticeToImprove: true,
    });
    const referral = await office.send("POST", url(`/cases/${caseId}/penalty-notice-referral`), {
      contactIds: [contactId],
    });
    expect(referral.statusCode, referral.body).toBe(200);
  });

  it("but not on the absence that led to the notice alone", async () => {
    server.setNow("2025-10-13", "15:00");
    office = await server.as("office");
    const referral = await office.send("POST", url(`/cases/${caseId}/penalty-notice-referral`), {
      contactIds: [contactId],
    });
    expect(referral.statusCode).toBe(400);
    expect(referral.json().error.message).toContain(
      "only when unauthorised absence continues: there has been none since",
    );
  });
});

describe('a window that starts after the event: { after: "stage_evidence" }', () => {
  const index = indexFor(calendar);
  const policy: Policy = {
    name: "further absence during the notice",
    target: 96,
    bands: [{ id: "all", name: "All", colour: "#000", min: 0 }],
    stages: [{ id: "notice", name: "Notice to improve", order: 1 }],
    triggers: [
      {
        id: "further_absence",
        name: "Any further unauthorised absence during the notice",
        inStage: "notice",
        when: {
          kind: "code_count",
          codes: ["G", "N", "O", "U"],
          atLeast: 1,
          window: { after: "stage_evidence" },
        },
        actions: [{ type: "consider_penalty_notice" }],
        repeat: "once_per_stage",
      },
    ],
  };
  // Five days of O to 10 October led to the notice; one more O on 22 October.
  const codes = aPupilRegister(index, "2025-10-24", [
    ...daysOf("2025-10-06", 5, "O"),
    ["2025-10-22", "AM", "O"],
  ]);
  const stage = (startedOn: string) => ({
    stage: {
      id: "notice",
      startedOn,
      baseline: { numerator: 40, denominator: 50 },
      reviewDue: null,
      evidenceEnd: "2025-10-10",
    },
  });

  it("does not fire on the marks that caused the notice, whenever Accept was pressed", () => {
    for (const startedOn of ["2025-10-10", "2025-10-13", "2025-10-20"])
      expect(evaluate(policy, index, "2025-10-21", codes, stage(startedOn))).toEqual([]);
  });

  it("fires on the first further absence, the same whenever Accept was pressed", () => {
    for (const startedOn of ["2025-10-10", "2025-10-13", "2025-10-20"]) {
      const [proposal] = evaluate(policy, index, "2025-10-22", codes, stage(startedOn));
      expect(proposal?.evidence).toEqual([{ date: "2025-10-22", session: "AM", code: "O" }]);
      expect(proposal?.explanation).toContain(
        "since the absence that began the stage (after 10 Oct 2025)",
      );
    }
  });

  it("is validated as policy data", () => {
    expect(policyDocumentSchema.safeParse(policy).success).toBe(true);
    const wrong = structuredClone(policy) as unknown as {
      triggers: { when: { window: unknown } }[];
    };
    (wrong.triggers[0] as { when: { window: unknown } }).when.window = { after: "phone_call" };
    expect(policyDocumentSchema.safeParse(wrong).success).toBe(false);
  });
});
