import { describe, expect, it } from "vitest";
import { londonClock, londonInstant } from "../../src/domain/dates.ts";

describe("londonInstant", () => {
  it("reads a register time as GMT in winter and BST in summer", () => {
    expect(londonInstant("2026-01-14", "08:45").toISOString()).toBe("2026-01-14T08:45:00.000Z");
    expect(londonInstant("2026-06-10", "08:45").toISOString()).toBe("2026-06-10T07:45:00.000Z");
  });

  it("changes on the days the clocks change, and only then", () => {
    // Clocks go forward at 01:00 GMT on 29 March 2026 and back at 01:00 GMT on 25 October 2026.
    expect(londonInstant("2026-03-28", "08:45").toISOString()).toBe("2026-03-28T08:45:00.000Z");
    expect(londonInstant("2026-03-29", "00:30").toISOString()).toBe("2026-03-29T00:30:00.000Z");
    expect(londonInstant("2026-03-29", "08:45").toISOString()).toBe("2026-03-29T07:45:00.000Z");
    expect(londonInstant("2026-10-24", "13:20").toISOString()).toBe("2026-10-24T12:20:00.000Z");
    expect(londonInstant("2026-10-25", "13:20").toISOString()).toBe("2026-10-25T13:20:00.000Z");
  });

  it("gives the same answer when asked again (the offset is kept per hour)", () => {
    for (const [date, time] of [
      ["2026-03-29", "08:45"],
      ["2026-03-29", "08:59:30"],
      ["2026-11-02", "13:05"],
    ] as const) {
      const first = londonInstant(date, time).toISOString();
      expect(londonInstant(date, time).toISOString()).toBe(first);
      expect(londonClock(new Date(first))).toBe(time.slice(0, 5));
    }
  });
});
