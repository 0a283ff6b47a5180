import { describe, expect, it } from "vitest";
import { cadenceDue, cadenceName } from "../../../src/domain/policy/cadence.ts";
import type { Stage } from "../../../src/domain/policy/types.ts";
import { aCalendar } from "../../support/builders.ts";

const calendar = aCalendar();
const stage: Stage = {
  id: "plan",
  name: "Attendance plan",
  order: 1,
  status: "On an attendance plan",
  cadence: [
    { what: "contact", everyWeeks: 1 },
    { what: "review", everyWeeks: 2 },
  ],
};
const due = (startedOn: string, contact: string | null, review: string | null = null) =>
  cadenceDue(stage, startedOn, { contact, review }, calendar).map((c) => [c.what, c.due]);

describe("cadence inside a stage counts school weeks", () => {
  it("falls due a school week (or two) after the stage began, in term time", () => {
    expect(due("2025-10-06", null)).toEqual([
      ["contact", "2025-10-13"],
      ["review", "2025-10-20"],
    ]);
  });

  it("counts from the last contact or review done since the stage began, not an earlier one", () => {
    expect(due("2025-10-06", "2025-10-09", "2025-10-10")).toEqual([
      ["contact", "2025-10-16"],
      ["review", "2025-10-24"],
    ]);
    expect(due("2025-10-06", "2025-09-30")[0]).toEqual(["contact", "2025-10-13"]);
  });

  it("does not count the half-term week: weekly contact after Friday 24 October is due 7 November", () => {
    // Calendar weeks would make it 31 October, in the holiday.
    expect(due("2025-10-06", "2025-10-24", "2025-10-17")).toEqual([
      ["contact", "2025-11-07"],
      ["review", "2025-11-07"],
    ]);
  });

  it("moves a due day that is a closure or holiday to the next school day", () => {
    // Monday 4 May 2026 is the bank holiday: due on the Tuesday.
    expect(due("2026-04-27", null)[0]).toEqual(["contact", "2026-05-05"]);
    // A week after Monday 15 December is 22 December, in the Christmas holiday; 5 January is INSET.
    expect(due("2025-12-15", null)[0]).toEqual(["contact", "2026-01-06"]);
  });

  it("is named in school weeks", () => {
    expect(cadenceName({ what: "contact", everyWeeks: 1 })).toBe("Weekly contact with the family");
    expect(cadenceName({ what: "review", everyWeeks: 2 })).toBe("Fortnightly review");
    expect(cadenceName({ what: "review", everyWeeks: 3 })).toBe("Every 3 school weeks: review");
  });
});
