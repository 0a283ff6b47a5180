import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import { bandOf } from "../bands.ts";
import { attendanceOver, describeAttendance, periodRange } from "../evaluation.ts";
import { period } from "../fields.ts";
import type { ConditionKind } from "./kind.ts";

/** The band now compared with the band at the last review. */
export const schema = z.object({
  kind: z.literal("band_change"),
  direction: z.enum(["better", "worse", "same"]),
  period: period.optional(),
});
export type BandChangeCondition = z.infer<typeof schema>;

export const bandChange: ConditionKind<BandChangeCondition> = {
  evaluate(c, e) {
    const last = e.context.lastReview;
    if (!last)
      return { met: false, reason: "no earlier review to compare bands with", evidence: [] };
    const { lo, hi, label } = periodRange(c.period ?? "year_to_date", e);
    const ratio = attendanceOver(e.codes, lo, hi);
    const now = bandOf(e.policy.bands, ratio);
    const before = e.policy.bands.findIndex((b) => b.id === last.band);
    if (!now || before < 0) return { met: false, reason: `no band ${label}`, evidence: [] };
    const after = e.policy.bands.indexOf(now);
    const direction = after < before ? "better" : after > before ? "worse" : "same";
    const was = e.policy.bands[before]?.name;
    return {
      met: direction === c.direction,
      reason: `${describeAttendance(ratio, label)}: ${now.name}, ${direction === "same" ? "the same band as" : `${direction} than`} ${was} at the review on ${dayLabel(last.on)}`,
      evidence: [],
    };
  },
  description: {
    title: "band change",
    summary:
      "The pupil's band now compared with their band at the last review: better, worse or the same.",
    fields: [
      { path: "direction", label: "direction", meaning: "better, worse or same" },
      { path: "period", label: "period", meaning: "year to date unless given" },
    ],
  },
};
