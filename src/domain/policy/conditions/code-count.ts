import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import { describeSessions, joinCodes, sinceIndex, windowRange } from "../evaluation.ts";
import { codes, positive, window } from "../fields.ts";
import { codeSet } from "../timeline.ts";
import { type ConditionKind, checkCodes } from "./kind.ts";

/** At least `atLeast` sessions with any of the codes inside one window. */
export const schema = z.object({
  kind: z.literal("code_count"),
  codes,
  atLeast: positive,
  window,
});
export type CodeCountCondition = z.infer<typeof schema>;

export const codeCount: ConditionKind<CodeCountCondition> = {
  evaluate(c, e) {
    const set = codeSet(c.codes);
    const range = windowRange(c.window, e);
    const lo = Math.max(range.lo, sinceIndex(e));
    const found: number[] = [];
    for (let i = lo; i < range.hi; i++) if (set[e.codes[i] as number]) found.push(i);
    const codes = joinCodes(c.codes);
    const met = found.length >= c.atLeast;
    if (!met)
      return {
        met,
        reason: `${found.length} session(s) of ${codes} ${range.label}, fewer than ${c.atLeast}`,
        evidence: [],
      };
    const from = dayLabel(e.index.dates[found[0] as number] as string);
    const to = dayLabel(e.index.dates[found.at(-1) as number] as string);
    return {
      met,
      reason: `${found.length} sessions of ${codes} ${range.label} (${from} to ${to}), at least ${c.atLeast}: ${describeSessions(e, found)}`,
      evidence: found,
    };
  },
  check(c, at, _references, problems) {
    checkCodes(c.codes, at, problems);
  },
  description: {
    title: "{codes} sessions in {window}",
    summary:
      "At least a number of sessions marked with any of the codes inside one window of school weeks, school days or a period.",
    fields: [
      { path: "codes", label: "codes", meaning: "the register codes counted" },
      {
        path: "atLeast",
        label: "at least",
        meaning: "sessions with the codes that meet the condition",
        adjustable: true,
      },
      {
        path: "window.length",
        label: "window length",
        meaning: "school weeks or school days, ending on the day evaluated",
        adjustable: true,
      },
      {
        path: "window",
        label: "window",
        meaning:
          '{ unit: school_weeks or school_days, length }, { period }, or { after: "stage_evidence" }: the sessions after the day of the absence that began the stage, so "further absence during the notice" never counts the marks that caused the notice',
      },
    ],
  },
};
