import { z } from "zod";
import { dayLabel } from "../../dates.ts";
import { positive } from "../fields.ts";
import { countingNotices, yearsBefore } from "../history.ts";
import type { ConditionKind } from "./kind.ts";

/**
 * Penalty notices already issued for this child, counted per parent as the law counts them
 * (per person, withdrawn ones never): "a second penalty notice within three years leads to
 * prosecution", "no third notice within three years".
 */
export const schema = z.object({
  kind: z.literal("penalty_notices"),
  atLeast: positive,
  withinYears: z.number().min(0.25).max(10),
  /** Any one parent has had that many (the default), or every parent has. */
  parent: z.enum(["any", "every"]).optional(),
  /** Count every notice issued (the default), or only paid or only unpaid ones. */
  count: z.enum(["issued", "paid", "unpaid"]).optional(),
});
export type PenaltyNoticesCondition = z.infer<typeof schema>;

export const penaltyNotices: ConditionKind<PenaltyNoticesCondition> = {
  evaluate(c, e) {
    const parents = e.context.history?.parents ?? [];
    const which = c.count && c.count !== "issued" ? `${c.count} ` : "";
    if (parents.length === 0)
      return {
        met: false,
        reason: "no one with parental responsibility or day-to-day care is recorded",
        evidence: [],
      };
    const from = yearsBefore(e.asOf, c.withinYears);
    const counted = parents.map((p) => ({
      name: p.name,
      notices: countingNotices(p.notices, from, e.asOf, c.count),
    }));
    const reaching = counted.filter((p) => p.notices.length >= c.atLeast);
    const met = c.parent === "every" ? reaching.length === parents.length : reaching.length > 0;
    const detail = counted
      .map(
        (p) =>
          `${p.name} ${p.notices.length}${p.notices.length > 0 ? ` (${p.notices.map((n) => dayLabel(n.issuedOn)).join(", ")})` : ""}`,
      )
      .join("; ");
    const who = c.parent === "every" ? "every parent has" : "a parent has";
    return {
      met,
      reason: met
        ? `${who} had at least ${c.atLeast} ${which}penalty notice(s) for this child within ${c.withinYears} years: ${detail}`
        : `fewer than ${c.atLeast} ${which}penalty notice(s) within ${c.withinYears} years for ${c.parent === "every" ? "some parent" : "every parent"}: ${detail}`,
      evidence: [],
    };
  },
  description: {
    title: "{atLeast} penalty notices within {withinYears} years",
    summary:
      "Penalty notices already issued for this child, counted per parent (a person with parental responsibility or day-to-day care); withdrawn notices never count.",
    fields: [
      {
        path: "atLeast",
        label: "at least",
        meaning: "notices issued to the parent for this child",
        adjustable: true,
      },
      {
        path: "withinYears",
        label: "within years",
        meaning: "years before the day evaluated (the law: 3)",
        adjustable: true,
      },
      { path: "parent", label: "parent", meaning: "any one parent (any) or every parent (every)" },
      { path: "count", label: "count", meaning: "issued (all), paid or unpaid notices" },
    ],
  },
};
