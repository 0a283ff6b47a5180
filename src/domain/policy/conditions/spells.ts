import { z } from "zod";
import { ABSENCE_SYMBOLS } from "../../codes.ts";
import { dayLabel } from "../../dates.ts";
import { periodRange, sinceIndex } from "../evaluation.ts";
import { codes, period, positive } from "../fields.ts";
import { codeSet, POSSIBLE } from "../timeline.ts";
import { type ConditionKind, checkCodes } from "./kind.ts";

/** At least `atLeast` separate spells of absence (runs of absent sessions) in the period. */
export const schema = z.object({
  kind: z.literal("spells"),
  codes: codes.optional(),
  atLeast: positive,
  period,
});
export type SpellsCondition = z.infer<typeof schema>;

export const spells: ConditionKind<SpellsCondition> = {
  evaluate(c, e) {
    const set = codeSet(c.codes ?? ABSENCE_SYMBOLS);
    const range = periodRange(c.period, e);
    const lo = Math.max(range.lo, sinceIndex(e));
    const starts: number[] = [];
    let inSpell = false;
    for (let i = lo; i < range.hi; i++) {
      const code = e.codes[i] as number;
      const absent = set[code] === 1;
      if (absent && !inSpell) starts.push(i);
      if (POSSIBLE[code] || absent) inSpell = absent;
    }
    const met = starts.length >= c.atLeast;
    return met
      ? {
          met,
          reason: `${starts.length} separate spells of absence ${range.label}, starting ${starts.map((i) => `${dayLabel(e.index.dates[i] as string)} ${e.index.sessions[i]}`).join(", ")}`,
          evidence: starts,
        }
      : {
          met,
          reason: `${starts.length} spell(s) of absence ${range.label}, fewer than ${c.atLeast}`,
          evidence: [],
        };
  },
  check(c, at, _references, problems) {
    checkCodes(c.codes, at, problems);
  },
  description: {
    title: "spells",
    summary:
      "At least a number of separate spells of absence (unbroken runs of absent sessions) in the period.",
    fields: [
      {
        path: "codes",
        label: "codes",
        meaning: "the register codes counted as absent; every absence code unless given",
      },
      {
        path: "atLeast",
        label: "at least",
        meaning: "spells that meet the condition",
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
