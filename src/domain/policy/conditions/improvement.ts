import { z } from "zod";
import { formatPercent } from "../../statistics.ts";
import { attendanceOver, periodRange } from "../evaluation.ts";
import { judgeImprovement } from "../improvement.ts";
import type { ConditionKind } from "./kind.ts";

/**
 * Attendance since the stage began compared with the attendance when it began. "Improved" needs
 * a rise of at least `minimumPoints` percentage points, and at least `shareOfGap` of the way from
 * the starting attendance to the target ("in proportion to the starting attendance").
 */
export const schema = z.object({
  kind: z.literal("improvement"),
  expect: z.enum(["improved", "not_improved"]),
  minimumPoints: z.number().min(0).max(100).optional(),
  shareOfGap: z.number().min(0).max(1).optional(),
});
export type ImprovementCondition = z.infer<typeof schema>;

export const improvement: ConditionKind<ImprovementCondition> = {
  evaluate(c, e) {
    const stage = e.context.stage;
    if (!stage)
      return {
        met: false,
        reason: "not in a stage, so there is no starting attendance to compare with",
        evidence: [],
      };
    const { lo, hi, label } = periodRange("since_stage_start", e);
    const now = attendanceOver(e.codes, lo, hi);
    if (now.denominator === 0)
      return { met: false, reason: `no possible sessions ${label} yet`, evidence: [] };
    const { improved, needed } = judgeImprovement(stage.baseline, now, e.policy.target, c);
    const met = c.expect === "improved" ? improved : !improved;
    return {
      met,
      reason: `attendance ${label} is ${formatPercent(now)}% against ${formatPercent(stage.baseline)}% when the stage began: ${improved ? "improved" : "not improved"} (needed a rise of ${needed.toFixed(1)} points)`,
      evidence: [],
    };
  },
  usesStage: () => true,
  description: {
    title: "improvement",
    summary:
      "Attendance since the stage began compared with the attendance when it began: improved, or not improved.",
    fields: [
      { path: "expect", label: "expect", meaning: "improved or not_improved" },
      {
        path: "minimumPoints",
        label: "rise of at least (points)",
        meaning: "percentage points attendance must rise by to count as improved",
        adjustable: true,
      },
      {
        path: "shareOfGap",
        label: "share of the gap to target",
        meaning:
          "how much of the way from the starting attendance to the target it must rise (0 to 1)",
        adjustable: true,
      },
    ],
  },
};
