import { describe, expect, it } from "vitest";
import type { Condition } from "../../../src/domain/policy/conditions/index.ts";
import { conditionInWords, namesIn } from "../../../src/domain/policy/in-words.ts";
import { policyDocumentSchema } from "../../../src/domain/policy/schema.ts";
import type { Policy } from "../../../src/domain/policy/types.ts";
import { policyProblems } from "../../../src/domain/policy/validate.ts";
import { aCalendar } from "../../support/builders.ts";
import { aPupilRegister, evaluate, indexFor } from "../../support/policy.ts";

const calendar = aCalendar();
const index = indexFor(calendar);

function policyWith(when: Condition): Policy {
  return {
    name: "test",
    target: 96,
    bands: [
      { id: "good", name: "Good", colour: "#0a0", min: 96 },
      { id: "poor", name: "Poor", colour: "#a00", min: 0 },
    ],
    stages: [
      { id: "plan", name: "Attendance plan", order: 1, status: "On an attendance plan" },
      { id: "early", name: "Early support", order: 0 },
    ],
    triggers: [
      {
        id: "check",
        name: "Plan check",
        when,
        actions: [{ type: "meeting", meeting: "plan_review" }],
        repeat: "once_per_stage",
      },
    ],
  };
}

// Friday 24 October 2025, the last day before half term (25 October to 2 November).
const stageFrom = (id: string) => ({
  stage: {
    id,
    startedOn: "2025-10-24",
    baseline: { numerator: 80, denominator: 100 },
    reviewDue: null,
  },
});
const present = (until: string) => aPupilRegister(index, until);

describe("in_stage: the case is in a stage, or has a status, for at least a time", () => {
  it("is met in the named stage only, and never for a pupil in no stage", () => {
    const policy = policyWith({ kind: "in_stage", stage: "plan" });
    const [proposal] = evaluate(
      policy,
      index,
      "2025-11-03",
      present("2025-11-03"),
      stageFrom("plan"),
    );
    expect(proposal?.explanation).toBe(
      'Plan check: in Attendance plan ("On an attendance plan") since 24 Oct 2025.',
    );
    expect(
      evaluate(policy, index, "2025-11-03", present("2025-11-03"), stageFrom("early")),
    ).toEqual([]);
    expect(evaluate(policy, index, "2025-11-03", present("2025-11-03"))).toEqual([]);
  });

  it("matches the status a stage sets, in whichever stage sets it", () => {
    const policy = policyWith({ kind: "in_stage", status: "On an attendance plan" });
    expect(
      evaluate(policy, index, "2025-11-03", present("2025-11-03"), stageFrom("plan")),
    ).toHaveLength(1);
    expect(
      evaluate(policy, index, "2025-11-03", present("2025-11-03"), stageFrom("early")),
    ).toEqual([]);
  });

  it("counts school weeks from the day the stage began, skipping the half-term week", () => {
    const policy = policyWith({
      kind: "in_stage",
      status: "On an attendance plan",
      forAtLeast: { length: 2, unit: "school_weeks" },
    });
    // Two calendar weeks end on 7 November; the week of half term has no session, so two school
    // weeks end on 14 November.
    expect(evaluate(policy, index, "2025-11-07", present("2025-11-07"), stageFrom("plan"))).toEqual(
      [],
    );
    expect(evaluate(policy, index, "2025-11-13", present("2025-11-13"), stageFrom("plan"))).toEqual(
      [],
    );
    const [proposal] = evaluate(
      policy,
      index,
      "2025-11-14",
      present("2025-11-14"),
      stageFrom("plan"),
    );
    expect(proposal?.explanation).toContain("2 school weeks or more (from 14 Nov 2025)");
    const calendarWeeks = policyWith({
      kind: "in_stage",
      stage: "plan",
      forAtLeast: { length: 2, unit: "calendar_weeks" },
    });
    expect(
      evaluate(calendarWeeks, index, "2025-11-07", present("2025-11-07"), stageFrom("plan")),
    ).toHaveLength(1);
  });

  it("counts school days and sessions the same way", () => {
    const days = policyWith({
      kind: "in_stage",
      stage: "plan",
      forAtLeast: { length: 5, unit: "school_days" },
    });
    expect(evaluate(days, index, "2025-11-06", present("2025-11-06"), stageFrom("plan"))).toEqual(
      [],
    );
    expect(
      evaluate(days, index, "2025-11-07", present("2025-11-07"), stageFrom("plan")),
    ).toHaveLength(1);
    const sessions = policyWith({
      kind: "in_stage",
      stage: "plan",
      forAtLeast: { length: 3, unit: "sessions" },
    });
    expect(
      evaluate(sessions, index, "2025-11-03", present("2025-11-03"), stageFrom("plan")),
    ).toEqual([]);
    expect(
      evaluate(sessions, index, "2025-11-04", present("2025-11-04"), stageFrom("plan")),
    ).toHaveLength(1);
  });

  it("is validated: a stage or a status, each one the policy has", () => {
    const parsed = policyDocumentSchema.safeParse(policyWith({ kind: "in_stage" } as Condition));
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("give a stage or a status");
    expect(policyProblems(policyWith({ kind: "in_stage", stage: "plan" }))).toEqual([]);
    expect(policyProblems(policyWith({ kind: "in_stage", stage: "contract" }))).toEqual([
      'triggers[0] ("check").when.stage: there is no stage "contract"',
    ]);
    expect(policyProblems(policyWith({ kind: "in_stage", status: "On a contract" }))).toEqual([
      'triggers[0] ("check").when.status: no stage of the policy sets the status "On a contract"',
    ]);
    const badUnit = policyDocumentSchema.safeParse(
      policyWith({
        kind: "in_stage",
        stage: "plan",
        forAtLeast: { length: 2, unit: "fortnights" },
      } as unknown as Condition),
    );
    expect(badUnit.success).toBe(false);
  });

  it("is explained to families in words", () => {
    const policy = policyWith({ kind: "in_stage", stage: "plan" });
    const names = namesIn(policy, (id) => id);
    expect(
      conditionInWords(
        {
          kind: "in_stage",
          status: "On an attendance plan",
          forAtLeast: { length: 6, unit: "school_weeks" },
        },
        names,
      ),
    ).toBe('your child is "On an attendance plan" for 6 school weeks or more');
    expect(conditionInWords({ kind: "in_stage", stage: "plan" }, names)).toBe(
      'your child is at the stage "Attendance plan"',
    );
  });
});
