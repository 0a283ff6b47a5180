import { describe, expect, it } from "vitest";
import { CODE_INDEX_LIMIT } from "../../src/domain/codes.ts";
import {
  everyone,
  type GroupTallies,
  statisticsOfGroup,
  tallyGroups,
} from "../../src/domain/group-tallies.ts";
import { SLOTS_PER_YEAR, slotRange, type YearMarks } from "../../src/domain/marks.ts";
import { absenceBetween, countsBetween, rangeCountsOf } from "../../src/domain/range-counts.ts";
import { schoolYearMarksOf, yearMarksByPupil } from "../../src/domain/school-year-marks.ts";
import {
  countsFromTally,
  groupStatistics,
  type PupilStatistics,
  tallyMarks,
} from "../../src/domain/statistics.ts";
import { aCalendar, marksFrom, times } from "../support/builders.ts";

const calendar = aCalendar();

/** Deterministic marks of every code index (legacy ones too), some slots left empty. */
function scrambled(seed: number): YearMarks {
  const marks = new Uint8Array(SLOTS_PER_YEAR);
  let x = seed;
  for (let i = 0; i < SLOTS_PER_YEAR; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    marks[i] = x % 3 === 0 ? 0 : (x >> 8) % CODE_INDEX_LIMIT;
  }
  return marks;
}

const pupils: YearMarks[] = [
  marksFrom(calendar, "2025-09-03", `${times("/", 300)}${times("I", 60)}${times("U", 20)}`),
  new Uint8Array(SLOTS_PER_YEAR), // on roll, no marks yet
  marksFrom(calendar, "2025-09-03", times("N", 380)), // every session missed
  ...[1, 2, 3, 4, 5, 6, 7, 8].map(scrambled),
];
const ids = pupils.map((_, i) => 100 + i);
const school = schoolYearMarksOf(2025, new Map(ids.map((id, i) => [id, pupils[i] as YearMarks])));

const measuresOf = (
  s: Pick<
    PupilStatistics,
    "present" | "aea" | "authorised" | "unauthorised" | "notPossible" | "late"
  >,
) => [s.present, s.aea, s.authorised, s.unauthorised, s.notPossible, s.late];

const ranges: [string, number, number][] = [
  ["the whole year", 0, SLOTS_PER_YEAR],
  ["the first slot only", 0, 1],
  ["the last slot only", SLOTS_PER_YEAR - 1, SLOTS_PER_YEAR],
  ["nothing", 200, 200],
  ["across the October half term", ...slotRange(2025, "2025-10-20", "2025-11-07")],
  ["across Christmas", ...slotRange(2025, "2025-12-15", "2026-01-09")],
  ["a PM to an AM, off the checkpoints", 33, 290],
  ["one checkpoint to the next", 16, 32],
];

describe("statistics by group over a school's compact marks", () => {
  it.each(ranges)("agrees with tallyMarks and groupStatistics over %s", (_, lo, hi) => {
    const [all, halves] = tallyGroups(school, lo, hi, [
      everyone(pupils.length),
      { groupOf: Int32Array.from(pupils, (_, i) => (i === 1 ? -1 : i % 2)), groups: 2 },
    ]);
    const tallies = pupils.map((m) => tallyMarks(m, lo, hi));
    expect(statisticsOfGroup(all as GroupTallies, 0)).toEqual(groupStatistics(tallies));
    for (const half of [0, 1]) {
      const members = tallies.filter((_, i) => i !== 1 && i % 2 === half);
      expect(statisticsOfGroup(halves as GroupTallies, half)).toEqual(groupStatistics(members));
    }
  });

  it("gives the same from marks not aligned on four bytes", () => {
    const shifted = new Uint8Array(school.marks.length + 1);
    shifted.set(school.marks, 1);
    const unaligned = { ...school, marks: shifted.subarray(1) };
    for (const [, lo, hi] of ranges) {
      const [a] = tallyGroups(unaligned, lo, hi, [everyone(pupils.length)]);
      const [b] = tallyGroups(school, lo, hi, [everyone(pupils.length)]);
      expect(statisticsOfGroup(a as GroupTallies, 0)).toEqual(
        statisticsOfGroup(b as GroupTallies, 0),
      );
    }
  });

  it("counts a pupil with no marks in no group's enrolments", () => {
    const [all] = tallyGroups(school, 0, SLOTS_PER_YEAR, [everyone(pupils.length)]);
    const nonEmpty = pupils.filter((m) => m.some((c) => c !== 0)).length;
    expect(statisticsOfGroup(all as GroupTallies, 0).enrolments).toBe(nonEmpty);
    expect(statisticsOfGroup(all as GroupTallies, 0).persistentAbsentees).toBeGreaterThan(0);
  });

  it("gives each pupil's own marks back by id", () => {
    const back = yearMarksByPupil(school);
    expect([...back.keys()]).toEqual(ids);
    expect(back.get(102)).toEqual(pupils[2]);
  });
});

describe("prefix sums per category", () => {
  const counts = rangeCountsOf(school);

  it.each(ranges)("give every pupil's exact counts over %s", (_, lo, hi) => {
    for (let p = 0; p < pupils.length; p++) {
      const expected = measuresOf(countsFromTally(tallyMarks(pupils[p] as YearMarks, lo, hi)));
      expect([...countsBetween(counts, p, lo, hi)], `pupil ${p}`).toEqual(expected);
    }
  });

  it("agree with a plain count for every range starting or ending at any slot", () => {
    const pupil = 3;
    const marks = pupils[pupil] as YearMarks;
    for (let lo = 0; lo <= SLOTS_PER_YEAR; lo += 7) {
      for (const hi of [lo, lo + 1, lo + 15, lo + 16, lo + 17, SLOTS_PER_YEAR]) {
        if (hi > SLOTS_PER_YEAR) continue;
        const expected = measuresOf(countsFromTally(tallyMarks(marks, lo, hi)));
        expect([...countsBetween(counts, pupil, lo, hi)], `${lo}..${hi}`).toEqual(expected);
      }
    }
  });

  it("find the persistent absentees of a term, holidays inside it counting nothing", () => {
    const [lo, hi] = slotRange(2025, "2025-09-01", "2025-12-19");
    const { possible, absence } = absenceBetween(counts, lo, hi);
    for (let p = 0; p < pupils.length; p++) {
      const c = countsFromTally(tallyMarks(pupils[p] as YearMarks, lo, hi));
      expect([possible[p], absence[p]]).toEqual([c.possible, c.absence]);
    }
    expect(possible[1]).toBe(0); // the pupil with no marks
    expect(absence[2]).toBe(possible[2]); // the pupil who missed everything
  });
});
