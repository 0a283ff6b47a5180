import type { Ratio } from "../statistics.ts";

export interface ImprovementRule {
  /** Percentage points attendance must rise by at the least. */
  minimumPoints?: number;
  /** Share of the gap between the starting attendance and the target that must be closed. */
  shareOfGap?: number;
}

export interface Improvement {
  improved: boolean;
  /** Points of rise that were needed. */
  needed: number;
  startPercent: number;
  nowPercent: number;
}

/**
 * "Assess improvement in proportion to the student's starting attendance": a pupil who started at
 * 80% and reached 87% has improved, even if still below every threshold.
 */
export function judgeImprovement(
  baseline: Ratio,
  now: Ratio,
  target: number,
  rule: ImprovementRule,
): Improvement {
  const startPercent = baseline.denominator ? (baseline.numerator * 100) / baseline.denominator : 0;
  const nowPercent = now.denominator ? (now.numerator * 100) / now.denominator : 0;
  const needed = Math.max(
    rule.minimumPoints ?? 0.1,
    (rule.shareOfGap ?? 0) * Math.max(0, target - startPercent),
  );
  return {
    improved: now.denominator > 0 && nowPercent - startPercent >= needed - 1e-9,
    needed,
    startPercent,
    nowPercent,
  };
}
