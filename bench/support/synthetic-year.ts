import { Random } from "../../src/app/demo/random.ts";
import type { SchoolCalendar } from "../../src/domain/calendar.ts";
import { codeOn } from "../../src/domain/codes.ts";
import { emptyYearMarks, slotOf, type YearMarks } from "../../src/domain/marks.ts";

/**
 * A year of compact marks per pupil for benchmarks: most pupils absent about 3% of sessions, a
 * fifth about 12% (persistent absence), 2% over half (severe), with illness, unauthorised
 * absence, holidays, appointments and late arrivals mixed in. Deterministic from the seed.
 */
export function syntheticYear(
  calendar: SchoolCalendar,
  startYear: number,
  pupils: number,
  seed = 42,
): { marks: YearMarks[]; count: number } {
  const random = new Random(seed);
  const sessions = calendar
    .schoolDays(`${startYear}-08-01`, `${startYear + 1}-07-31`)
    .flatMap((date) =>
      calendar.sessionsOn(date).map((session) => ({ slot: slotOf(date, session).slot, session })),
    );
  const index = (symbol: string) => codeOn(symbol, `${startYear}-09-10`).index;
  const [am, pm, late, ill, other, holiday, lateAfter, medical] = [
    "/",
    "\\",
    "L",
    "I",
    "O",
    "G",
    "U",
    "M",
  ].map(index) as number[];
  const marks: YearMarks[] = [];
  for (let p = 0; p < pupils; p++) {
    const year = emptyYearMarks();
    const absence = random.chance(0.02) ? 0.55 : random.chance(0.2) ? 0.12 : 0.03;
    for (const { slot, session } of sessions) {
      const r = random.next();
      let code: number;
      if (r < absence * 0.6) code = ill as number;
      else if (r < absence * 0.8) code = other as number;
      else if (r < absence * 0.9) code = holiday as number;
      else if (r < absence) code = medical as number;
      else if (r < absence + 0.02) code = (session === "AM" ? late : pm) as number;
      else if (r < absence + 0.023) code = lateAfter as number;
      else code = (session === "AM" ? am : pm) as number;
      year[slot] = code;
    }
    marks.push(year);
  }
  return { marks, count: pupils * sessions.length };
}
