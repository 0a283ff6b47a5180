import { describe, expect, it } from "vitest";
import {
  bestWithTies,
  compareRates,
  hasFullAttendance,
  meetsTarget,
  mostImproved,
} from "../../src/domain/rewards.ts";

const rate = (numerator: number, denominator: number) => ({ numerator, denominator });

describe("best class of the week", () => {
  it("is every class sharing the highest attendance, compared as exact fractions", () => {
    const best = bestWithTies([
      { name: "8C", rate: rate(290, 300) },
      { name: "9C", rate: rate(29, 30) },
      { name: "7X", rate: rate(289, 300) },
    ]);
    expect(best.map((c) => c.name)).toEqual(["8C", "9C"]);
  });

  it("never names a class that had no possible session", () => {
    expect(bestWithTies([{ name: "8C", rate: rate(0, 0) }])).toEqual([]);
    const best = bestWithTies([
      { name: "empty", rate: rate(0, 0) },
      { name: "9C", rate: rate(1, 30) },
    ]);
    expect(best.map((c) => c.name)).toEqual(["9C"]);
  });
});

describe("rates and the target", () => {
  it("compares 96% of the target exactly: 24/25 meets 96, 239/250 does not", () => {
    expect(meetsTarget(rate(24, 25), 96)).toBe(true);
    expect(meetsTarget(rate(239, 250), 96)).toBe(false);
    expect(meetsTarget(rate(0, 0), 96)).toBeNull();
    expect(compareRates(rate(1, 3), rate(2, 6))).toBe(0);
  });

  it("gives 100% only to a pupil who missed no possible session, and not to one with none", () => {
    expect(hasFullAttendance(rate(120, 120))).toBe(true);
    expect(hasFullAttendance(rate(119, 120))).toBe(false);
    expect(hasFullAttendance(rate(0, 0))).toBe(false);
  });
});

describe("most improved", () => {
  const rule = { minimumSessions: 10, places: 2 };

  it("ranks rises in percentage points and keeps anyone tied with the last place", () => {
    const list = mostImproved(
      [
        { item: "A", before: rate(16, 20), now: rate(20, 20) }, // +20 points
        { item: "B", before: rate(18, 20), now: rate(20, 20) }, // +10
        { item: "C", before: rate(9, 10), now: rate(20, 20) }, // +10, tied with B
        { item: "D", before: rate(19, 20), now: rate(20, 20) }, // +5, past the places
        { item: "E", before: rate(20, 20), now: rate(18, 20) }, // fell
      ],
      rule,
    );
    expect(list.map((i) => i.item)).toEqual(["A", "B", "C"]);
    expect(list[0]?.rise).toEqual({ numerator: 80, denominator: 400 });
  });

  it("does not judge a pupil with fewer than the minimum of sessions in either half term", () => {
    const list = mostImproved(
      [
        { item: "short before", before: rate(4, 8), now: rate(20, 20) },
        { item: "short now", before: rate(10, 20), now: rate(9, 9) },
        { item: "enough", before: rate(5, 10), now: rate(10, 10) },
      ],
      rule,
    );
    expect(list.map((i) => i.item)).toEqual(["enough"]);
  });

  it("lists no one when nobody rose", () => {
    expect(mostImproved([{ item: "A", before: rate(20, 20), now: rate(20, 20) }], rule)).toEqual(
      [],
    );
  });
});
