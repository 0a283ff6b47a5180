import { z } from "zod";
import { ABSENCE_SYMBOLS } from "../../codes.ts";
import { dayLabel, WEEKDAY_NAMES } from "../../dates.ts";
import { periodRange, sinceIndex } from "../evaluation.ts";
import { codes, period, positive } from "../fields.ts";
import { codeSet } from "../timeline.ts";
import { type ConditionKind, checkCodes } from "./kind.ts";

/** Absent on the same weekday at least `atLeast` times in the period. */
export const schema = z.object({
  kind: z.literal("weekday_pattern"),
  codes: codes.optional(),
  atLeast: positive,
  period,
});
export type WeekdayPatternCondition = z.infer<typeof schema>;

export const weekdayPattern: ConditionKind<WeekdayPatternCondition> = {
  evaluate(c, e) {
    const set = codeSet(c.codes ?? ABSENCE_SYMBOLS);
    const range = periodRange(c.period, e);
    const lo = Math.max(range.lo, sinceIndex(e));
    const byWeekday: number[][] = [[], [], [], [], [], [], []];
    const seenDays = new Set<number>();
    for (let i = lo; i < range.hi; i++) {
      const day = e.index.day[i] as number;
      if (!set[e.codes[i] as number] || seenDays.has(day)) continue;
      seenDays.add(day);
      byWeekday[e.index.weekday[i] as number]?.push(i);
    }
    let worst = 0;
    byWeekday.forEach((list, d) => {
      if (list.length > (byWeekday[worst]?.length ?? 0)) worst = d;
    });
    const list = byWeekday[worst] ?? [];
    const met = list.length >= c.atLeast;
    const name = WEEKDAY_NAMES[worst] as string;
    return met
      ? {
          met,
          reason: `absent on ${list.length} ${name}s ${range.label}: ${list.map((i) => dayLabel(e.index.dates[i] as string)).join(", ")}`,
          evidence: list,
        }
      : {
          met,
          reason: `absent on at most ${list.length} of the same weekday ${range.label}, fewer than ${c.atLeast}`,
          evidence: [],
        };
  },
  check(c, at, _references, problems) {
    checkCodes(c.codes, at, problems);
  },
  description: {
    title: "weekday pattern",
    summary:
      "Absent on the same weekday (every Monday, say) at least a number of times in the period.",
    fields: [
      {
        path: "codes",
        label: "codes",
        meaning: "the register codes counted as absent; every absence code unless given",
      },
      {
        path: "atLeast",
        label: "at least",
        meaning: "absences on one weekday that meet the condition",
        adjustable: true,
      },
      {
        path: "period",
        label: "period",
        meaning: "year to date, term, half term or since the stage began",
      },
    ],
  },
};
