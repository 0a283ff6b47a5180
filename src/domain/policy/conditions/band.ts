import { z } from "zod";
import { bandOf } from "../bands.ts";
import { attendanceOver, describeAttendance, periodRange } from "../evaluation.ts";
import { id, minimumSessions, period } from "../fields.ts";
import type { ConditionKind } from "./kind.ts";

/** The attendance band the pupil is in (year to date unless a period is given). */
export const schema = z.object({
  kind: z.literal("band"),
  in: z.array(id).min(1),
  period: period.optional(),
  minimumSessions: minimumSessions.optional(),
});
export type BandCondition = z.infer<typeof schema>;

export const band: ConditionKind<BandCondition> = {
  evaluate(c, e) {
    const { lo, hi, label } = periodRange(c.period ?? "year_to_date", e);
    const ratio = attendanceOver(e.codes, lo, hi);
    const current = bandOf(e.policy.bands, ratio);
    if (!current || ratio.denominator < (c.minimumSessions ?? 0)) {
      return {
        met: false,
        reason: `only ${ratio.denominator} possible sessions ${label}, not enough to judge`,
        evidence: [],
      };
    }
    const met = c.in.includes(current.id);
    return { met, reason: `${describeAttendance(ratio, label)}: ${current.name}`, evidence: [] };
  },
  check(c, at, references, problems) {
    for (const bandId of c.in)
      if (!references.bands.has(bandId)) problems.push(`${at}.in: there is no band "${bandId}"`);
  },
  description: {
    title: "band",
    summary: "The attendance band the pupil is in, year to date unless a period is given.",
    fields: [
      { path: "in", label: "bands", meaning: "the ids of the bands that meet the condition" },
      { path: "period", label: "period", meaning: "year to date unless given" },
      {
        path: "minimumSessions",
        label: "judged after sessions",
        meaning: "possible sessions the period must hold before the band is judged",
        adjustable: true,
      },
    ],
  },
};
