import { z } from "zod";
import { comparePercent } from "../bands.ts";
import { attendanceOver, describeAttendance, periodRange } from "../evaluation.ts";
import { minimumSessions, percent, period } from "../fields.ts";
import type { ConditionKind } from "./kind.ts";

/**
 * Attendance over a period compared with a threshold; not judged until the period holds at
 * least `minimumSessions` possible sessions (one absent day in the first week is not a trend).
 */
export const schema = z
  .object({
    kind: z.literal("attendance"),
    below: percent.optional(),
    atOrBelow: percent.optional(),
    atOrAbove: percent.optional(),
    period,
    minimumSessions: minimumSessions.optional(),
  })
  .refine(
    (c) => c.below !== undefined || c.atOrBelow !== undefined || c.atOrAbove !== undefined,
    "give below, atOrBelow or atOrAbove",
  );
export type AttendanceCondition = z.infer<typeof schema>;

export const attendance: ConditionKind<AttendanceCondition> = {
  evaluate(c, e) {
    const { lo, hi, label } = periodRange(c.period, e);
    const ratio = attendanceOver(e.codes, lo, hi);
    if (ratio.denominator === 0)
      return { met: false, reason: `no possible sessions ${label}`, evidence: [] };
    if (ratio.denominator < (c.minimumSessions ?? 0)) {
      return {
        met: false,
        reason: `only ${ratio.denominator} possible sessions ${label}, fewer than the ${c.minimumSessions} needed to judge`,
        evidence: [],
      };
    }
    const checks: [boolean, string][] = [];
    if (c.below !== undefined)
      checks.push([comparePercent(ratio, c.below) < 0, `below ${c.below}%`]);
    if (c.atOrBelow !== undefined)
      checks.push([comparePercent(ratio, c.atOrBelow) <= 0, `at or below ${c.atOrBelow}%`]);
    if (c.atOrAbove !== undefined)
      checks.push([comparePercent(ratio, c.atOrAbove) >= 0, `at or above ${c.atOrAbove}%`]);
    const met = checks.every(([ok]) => ok);
    return {
      met,
      reason: `${describeAttendance(ratio, label)}, ${met ? "" : "not "}${checks.map(([, text]) => text).join(" and ")}`,
      evidence: [],
    };
  },
  description: {
    title: "Attendance ({period})",
    summary:
      "The pupil's attendance over a period compared with a threshold, once the period holds enough possible sessions to judge.",
    fields: [
      {
        path: "below",
        label: "below (%)",
        meaning: "met when attendance is under this",
        adjustable: true,
      },
      {
        path: "atOrBelow",
        label: "at or below (%)",
        meaning: "met when attendance is this or under",
        adjustable: true,
      },
      {
        path: "atOrAbove",
        label: "at or above (%)",
        meaning: "met when attendance is this or over",
        adjustable: true,
      },
      {
        path: "period",
        label: "period",
        meaning: "year to date, term, half term or since the stage began",
      },
      {
        path: "minimumSessions",
        label: "judged after sessions",
        meaning: "possible sessions the period must hold before attendance is judged",
        adjustable: true,
      },
    ],
  },
};
