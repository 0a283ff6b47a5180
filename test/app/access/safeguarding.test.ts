import { describe, expect, it } from "vitest";
import { SchoolAccess } from "../../../src/app/access/access.ts";
import { ROLE_PERMISSIONS } from "../../../src/app/access/permissions.ts";
import { caseEventFor, contactSummaryFor } from "../../../src/app/access/safeguarding.ts";
import type { Role } from "../../../src/db/schema.ts";

const as = (role: Role) =>
  new SchoolAccess(
    { userId: 1, name: "Someone", email: "someone@example.org", grants: [] },
    1,
    [role],
    new Set(ROLE_PERMISSIONS[role]),
    [],
    [],
  );

const referral = {
  kind: "social_care_referral",
  summary: "Referred to children's social care (attendance 40.0%): the father has come back",
  detail: { reason: "the father has come back" },
};
const contact = {
  direction: "outgoing" as const,
  withWhom: "Mother",
  method: "home_visit",
  outcome: "Spoke at the door",
  notes: "Bruise on the younger child's arm",
  corrects: null,
  correctedBy: null,
};

describe("safeguarding notes", () => {
  it("keep a social care referral's reason from trust and LA officers, who still see the referral", () => {
    for (const role of ["trust_officer", "la_officer"] as const) {
      const shown = caseEventFor(as(role), referral);
      expect(JSON.stringify(shown)).not.toContain("father");
      expect(shown.summary).toMatch(/^Referred to children's social care/);
    }
  });

  it("are read whole by the DSL, the office and the head", () => {
    for (const role of ["dsl", "attendance_officer", "head_of_school"] as const) {
      expect(caseEventFor(as(role), referral)).toEqual(referral);
      expect(contactSummaryFor(as(role), contact)).toContain("Bruise");
    }
  });

  it("leave other case events as they are", () => {
    const opened = { kind: "case_opened", summary: "Case opened at 85.0%", detail: {} };
    expect(caseEventFor(as("trust_officer"), opened)).toEqual(opened);
  });

  it("show others how and when a contact happened, not what was said", () => {
    expect(contactSummaryFor(as("la_officer"), contact)).toBe(
      "Contact with the family by home visit (details are kept with the school's safeguarding record)",
    );
  });
});
