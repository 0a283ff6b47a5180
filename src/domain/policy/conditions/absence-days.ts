import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import { describeSessions, joinCodes, periodRange, sinceIndex } from "../evaluation.ts";
import { codes, period, positive } from "../fields.ts";
import { codeSet } from "../timeline.ts";
import { type ConditionKind, checkCodes } from "./kind.ts";

/** Whole school days absent with the codes: in one unbroken run, or added up over the period. */
export const schema = z.object({
  kind: z.literal("absence_days"),
  codes,
  atLeast: positive,
  mode: z.enum(["consecutive", "cumulative"]),
  period: period.optional(),
});
export type AbsenceDaysCondition = z.infer<typeof schema>;

export const absenceDays: ConditionKind<AbsenceDaysCondition> = {
  /**
   * One pass without allocating (this runs for every pupil): a day counts when every session of
   * it carries one of the codes.
   */
  evaluate(c, e) {
    const set = codeSet(c.codes);
    const range = periodRange(c.period ?? "year_to_date", e);
    const lo = Math.max(range.lo, sinceIndex(e));
    const { codes, index } = e;
    const label = joinCodes(c.codes);
    if (c.mode === "cumulative") {
      let sessions = 0;
      for (let i = lo; i < range.hi; i++) sessions += set[codes[i] as number] as number;
      const days = sessions / 2;
      if (days < c.atLeast)
        return {
          met: false,
          reason: `${days} day(s) of ${label} ${range.label} in all, fewer than ${c.atLeast}`,
          evidence: [],
        };
      const evidence: number[] = [];
      for (let i = lo; i < range.hi; i++) if (set[codes[i] as number]) evidence.push(i);
      return {
        met: true,
        reason: `${days} day(s) of ${label} ${range.label} in all, at least ${c.atLeast}: ${describeSessions(e, evidence, 12)}`,
        evidence,
      };
    }
    let best = 0;
    let bestFrom = lo;
    let bestTo = lo;
    let run = 0;
    let runFrom = lo;
    let dayStart = lo;
    let whole = true;
    for (let i = lo; i <= range.hi; i++) {
      const newDay = i === range.hi || (i > lo && index.day[i] !== index.day[i - 1]);
      if (newDay && i > lo) {
        if (whole) {
          if (run === 0) runFrom = dayStart;
          run++;
          if (run > best) {
            best = run;
            bestFrom = runFrom;
            bestTo = i;
          }
        } else {
          run = 0;
        }
        dayStart = i;
        whole = true;
      }
      if (i < range.hi && !set[codes[i] as number]) whole = false;
    }
    if (best < c.atLeast) {
      return {
        met: false,
        reason: `longest unbroken run of ${label} ${range.label} is ${best} school day(s), fewer than ${c.atLeast}`,
        evidence: [],
      };
    }
    const evidence: number[] = [];
    for (let i = bestFrom; i < bestTo; i++) evidence.push(i);
    return {
      met: true,
      reason: `absent (${label}) for ${best} school days in a row, from ${dayLabel(index.dates[bestFrom] as string)} to ${dayLabel(index.dates[bestTo - 1] as string)}`,
      evidence,
    };
  },
  check(c, at, _references, problems) {
    checkCodes(c.codes, at, problems);
  },
  description: {
    title: "Days absent ({mode}) with {codes}",
    summary:
      "Whole school days absent with the codes (every session of the day), in one unbroken run or added up over the period.",
    fields: [
      { path: "codes", label: "codes", meaning: "the register codes that make a day absent" },
      {
        path: "atLeast",
        label: "at least",
        meaning: "whole days that meet the condition",
        adjustable: true,
      },
      {
        path: "mode",
        label: "counted",
        meaning: "consecutive (one unbroken run) or cumulative (added up)",
      },
      { path: "period", label: "period", meaning: "year to date unless given" },
    ],
  },
};
