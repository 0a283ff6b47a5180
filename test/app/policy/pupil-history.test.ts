import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHistories } from "../../../src/app/policy/pupil-history.ts";
import type { Database } from "../../../src/db/database.ts";
import type { Pupil, School } from "../../../src/db/schema.ts";
import { testDatabase } from "../../support/database.ts";
import { aSchoolWithPupils } from "../../support/school.ts";

/**
 * Penalty notices belong to a person, not to a contact row: the office edits, replaces and
 * reorders contacts, and the three-year limits must follow the parent, not the slot.
 */
let database: Database;
let school: School;
let pupil: Pupil;
let caseId: number;

beforeAll(async () => {
  database = await testDatabase();
  const made = await aSchoolWithPupils(database.db, 1);
  school = made.school;
  pupil = made.pupils[0] as Pupil;
  ({ id: caseId } = await database.db
    .insertInto("attendance_cases")
    .values({
      school_id: school.id,
      pupil_id: pupil.id,
      status: "open",
      stage_id: "stage_1",
      stage_started_on: "2025-10-01",
      baseline_attended: 90,
      baseline_possible: 100,
      opened_on: "2025-10-01",
      opened_by: "test",
      next_review_on: null,
      last_review_on: null,
      last_review_band: null,
      closed_on: null,
      outcome: null,
      policy_version: 1,
      owner_user_id: null,
      reopened_from: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow());
});
afterAll(async () => {
  await database?.close();
});

async function setContact(priority: number, name: string, extra: object = {}) {
  const values = { name, relationship: "Mother", phone: "07700900001", ...extra };
  return database.db
    .insertInto("contacts")
    .values({ school_id: school.id, pupil_id: pupil.id, priority, ...values })
    .onConflict((oc) => oc.columns(["school_id", "pupil_id", "priority"]).doUpdateSet(values))
    .returning(["id", "person_id"])
    .executeTakeFirstOrThrow();
}

async function notice(contactId: number, issuedOn: string, paid: boolean | null = null) {
  await database.db
    .insertInto("interventions")
    .values({
      school_id: school.id,
      case_id: caseId,
      kind: "penalty_notice",
      issued_on: issuedOn,
      contact_id: contactId,
      detail: "{}",
      recorded_by: "test",
      paid,
    })
    .execute();
}

const parentsNow = async () =>
  (await loadHistories(database.db, school.id)).get(pupil.id)?.parents.map((p) => ({
    name: p.name,
    notices: p.notices.map((n) => n.issuedOn),
  }));

describe("a parent's notices follow the person", () => {
  it("keeps the person when the contact is edited (a new phone number, the name's spacing)", async () => {
    const mum = await setContact(1, "Ms Amy Parent");
    await notice(mum.id, "2025-03-01", true);
    const edited = await setContact(1, "  ms amy  parent", { phone: "07700900002" });
    expect(edited.person_id).toBe(mum.person_id);
    expect(await parentsNow()).toEqual([{ name: "  ms amy  parent", notices: ["2025-03-01"] }]);
  });

  it("does not carry Mum's notices over to Gran when Gran replaces her at priority 1", async () => {
    const gran = await setContact(1, "Mrs Gwen Parent", {
      relationship: "Grandmother",
      parental_responsibility: false,
      lives_with_pupil: true,
    });
    expect(await parentsNow()).toEqual([{ name: "Mrs Gwen Parent", notices: [] }]);
    await notice(gran.id, "2025-06-01");
    // Mum comes back at priority 2: her own notice is hers again, Gran's stays Gran's.
    await setContact(2, "Ms Amy Parent");
    expect(await parentsNow()).toEqual([
      { name: "Mrs Gwen Parent", notices: ["2025-06-01"] },
      { name: "Ms Amy Parent", notices: ["2025-03-01"] },
    ]);
  });

  it("counts as a parent only someone with parental responsibility or day-to-day care", async () => {
    await setContact(3, "Mr Neighbour", {
      relationship: "Neighbour",
      parental_responsibility: false,
      lives_with_pupil: false,
    });
    expect((await parentsNow())?.map((p) => p.name)).toEqual(["Mrs Gwen Parent", "Ms Amy Parent"]);
  });

  it("lists referrals and letters as steps already taken", async () => {
    await database.db
      .insertInto("interventions")
      .values({
        school_id: school.id,
        case_id: caseId,
        kind: "legal_intervention_referral",
        issued_on: "2025-11-01",
        detail: "{}",
        recorded_by: "test",
      })
      .execute();
    const events = (await loadHistories(database.db, school.id)).get(pupil.id)?.events;
    expect(events).toEqual([{ kind: "legal_intervention_referral", on: "2025-11-01" }]);
  });
});
