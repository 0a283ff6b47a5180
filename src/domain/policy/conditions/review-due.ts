import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import type { ConditionKind } from "./kind.ts";

/** The stage's review date has come. */
export const schema = z.object({ kind: z.literal("review_due") });
export type ReviewDueCondition = z.infer<typeof schema>;

export const reviewDue: ConditionKind<ReviewDueCondition> = {
  evaluate(_c, e) {
    const due = e.context.stage?.reviewDue;
    if (!due) return { met: false, reason: "no review date set", evidence: [] };
    return due <= e.asOf
      ? { met: true, reason: `the review was due on ${dayLabel(due)}`, evidence: [] }
      : { met: false, reason: `the review is due on ${dayLabel(due)}`, evidence: [] };
  },
  usesStage: () => true,
  description: {
    title: "review due",
    summary: "The review date of the pupil's stage has come.",
    fields: [],
  },
};
