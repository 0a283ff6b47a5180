import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { savePolicyVersion } from "../../src/db/repositories/policies.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { LA_CONTRACT_PROCESS_POLICY as LA_CONTRACT_PROCESS } from "../../src/domain/policy/presets/la-contract-process.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { writeAttendance } from "../support/attendance.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * A contract agreed on Friday 24 October 2025, the last day before half term, with a 2-week
 * review: 7 November in calendar weeks; 14 November in school weeks, the holiday week not counted.
 */
let server: TestServer;
let office: Client;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

function withContractReview(unit: "calendar_weeks" | "school_weeks"): Policy {
  return {
    ...LA_CONTRACT_PROCESS,
    stages: LA_CONTRACT_PROCESS.stages.map((s) =>
      s.id === "contract" ? { ...s, review: { weeks: 2, unit } } : s,
    ),
  };
}

async function caseWithHeldMeeting(pupil: Pupil): Promise<number> {
  const opened = await office.send("POST", url("/cases"), {
    pupilId: pupil.id,
    stageId: "contract_invite",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  await server.database.db
    .insertInto("meetings")
    .values({
      school_id: server.school.id,
      case_id: opened.json().id,
      kind: "attendance_contract_meeting",
      invited_on: "2025-10-10",
      scheduled_for: new Date("2025-10-24T08:00:00Z"),
      format: "in_person",
      attendees: JSON.stringify([]),
      attended: JSON.stringify([{ name: "Mrs Pupil", role: "parent" }]),
      status: "held",
      recorded_by: "test",
    })
    .execute();
  return opened.json().id;
}

async function agree(caseId: number) {
  return office.send("POST", url(`/cases/${caseId}/contracts`), {
    targetPercent: 95,
    parentsAgreed: ["Mrs Pupil"],
    barriers: ["Mornings"],
    support: [{ by: "school", action: "Morning check-in" }],
    moveToStage: "contract",
  });
}

beforeAll(async () => {
  server = await testServer();
  [, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  for (const pupil of [bilal, chloe])
    await writeAttendance(
      server.database.db,
      server.school.id,
      pupil.id,
      "2025-09-03",
      "2025-10-24",
    );
  server.setNow("2025-10-24", "10:00");
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("a contract's review date follows the policy's unit", () => {
  it("in calendar weeks, two weeks on lands in the first week back", async () => {
    await savePolicyVersion(
      server.database.db,
      server.school.id,
      withContractReview("calendar_weeks"),
      "test",
    );
    const agreed = await agree(await caseWithHeldMeeting(bilal));
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json().reviewOn).toBe("2025-11-07");
  });

  it("in school weeks, the half-term week does not count", async () => {
    await savePolicyVersion(
      server.database.db,
      server.school.id,
      withContractReview("school_weeks"),
      "test",
    );
    const agreed = await agree(await caseWithHeldMeeting(chloe));
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json().reviewOn).toBe("2025-11-14");
    const stored = await server.database.db
      .selectFrom("attendance_cases")
      .select("next_review_on")
      .where("school_id", "=", server.school.id)
      .where("pupil_id", "=", chloe.id)
      .executeTakeFirstOrThrow();
    expect(stored.next_review_on).toBe("2025-11-14");
  });

  it("and so does the next review set at a review", async () => {
    server.setNow("2025-11-14", "10:00");
    office = await server.as("office");
    const contract = await server.database.db
      .selectFrom("contracts as k")
      .innerJoin("attendance_cases as c", (j) =>
        j.onRef("c.school_id", "=", "k.school_id").onRef("c.id", "=", "k.case_id"),
      )
      .select("k.id")
      .where("k.school_id", "=", server.school.id)
      .where("c.pupil_id", "=", chloe.id)
      .executeTakeFirstOrThrow();
    await writeAttendance(
      server.database.db,
      server.school.id,
      chloe.id,
      "2025-11-03",
      "2025-11-14",
    );
    const review = await office.send("POST", url(`/contracts/${contract.id}/reviews`), {
      outcome: "Going well",
      nextReviewWeeks: 6,
    });
    expect(review.statusCode, review.body).toBe(200);
    const after = await server.database.db
      .selectFrom("contracts")
      .select("review_on")
      .where("school_id", "=", server.school.id)
      .where("id", "=", contract.id)
      .executeTakeFirstOrThrow();
    // Six school weeks from Friday 14 November: 21, 28 Nov, 5, 12, 19 Dec, then (the two holiday
    // weeks skipped) 9 January.
    expect(after.review_on).toBe("2026-01-09");
  });
});
