import { describe, expect, it } from "vitest";
import { absenceMeasuresOver } from "../../src/domain/absence-measures.ts";
import { aCalendar } from "../support/builders.ts";

describe("persistent and severe absence only over periods where they mean something", () => {
  const calendar = aCalendar();

  it("counts none over a day or chosen dates, however long", () => {
    const day = absenceMeasuresOver(
      calendar,
      "custom",
      { from: "2026-01-14", to: "2026-01-14" },
      "2026-01-14",
    );
    expect(day).toMatchObject({ counted: false, sessions: 2 });
    expect(day.label).toContain("not over chosen dates");
    const long = { from: "2025-09-03", to: "2026-01-14" };
    expect(absenceMeasuresOver(calendar, "custom", long, "2026-01-14").counted).toBe(false);
  });

  it("waits for twenty school sessions in a period, counting only those held so far", () => {
    // Spring's first half term began on 6 January (the 5th was INSET): 7 days, 14 sessions by the 14th.
    const early = absenceMeasuresOver(
      calendar,
      "half_term",
      calendar.periodContaining("half_term", "2026-01-14"),
      "2026-01-14",
    );
    expect(early).toMatchObject({ counted: false, sessions: 14 });
    expect(early.label).toBe(
      "Persistent and severe absence are counted once a period has had 20 school sessions; this half term has had 14.",
    );
    const year = absenceMeasuresOver(
      calendar,
      "year_to_date",
      { from: "2025-08-01", to: "2026-01-14" },
      "2026-01-14",
    );
    expect(year.counted).toBe(true);
    expect(year.label).toMatch(
      /^This year to date \(1 Aug 2025 to 14 Jan 2026, \d+ school sessions\): persistently absent means missing 10% or more/,
    );
  });
});
