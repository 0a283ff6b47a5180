import { z } from "zod";
import { UNAUTHORISED_SYMBOLS } from "../../codes.ts";
import { dayLabel } from "../../dates.ts";
import { describeSessions, sinceIndex } from "../evaluation.ts";
import { positive } from "../fields.ts";
import { codeSet } from "../timeline.ts";
import type { ConditionKind } from "./kind.ts";

const UNAUTHORISED = codeSet(UNAUTHORISED_SYMBOLS);

/**
 * Leave the head refused, taken anyway: sessions inside a refused request's dates that were
 * missed without authority ("any period of leave taken without the agreement of the School ...
 * will be classed as unauthorised and will attract a Fixed Penalty Notice"). Such sessions should
 * be G; any unauthorised code counts, so a holiday first marked N or O is not missed.
 */
export const schema = z.object({ kind: z.literal("refused_leave_taken"), atLeast: positive });
export type RefusedLeaveCondition = z.infer<typeof schema>;

export const refusedLeave: ConditionKind<RefusedLeaveCondition> = {
  evaluate(c, e) {
    const spans = e.context.history?.refusedLeave ?? [];
    if (spans.length === 0) return { met: false, reason: "no leave was refused", evidence: [] };
    const since = sinceIndex(e);
    const found: number[] = [];
    for (const span of spans) {
      const from = `${span.from}${span.fromSession}`;
      const to = `${span.to}${span.toSession}`;
      const hi = Math.min(e.end, e.index.endOf(span.to));
      for (let i = Math.max(since, e.index.firstOnOrAfter(span.from)); i < hi; i++) {
        const at = `${e.index.dates[i]}${e.index.sessions[i]}`;
        if (at >= from && at <= to && UNAUTHORISED[e.codes[i] as number]) found.push(i);
      }
    }
    const refused = spans.map((s) => `${dayLabel(s.from)} to ${dayLabel(s.to)}`).join(", ");
    const met = found.length >= c.atLeast;
    return {
      met,
      reason: met
        ? `${found.length} session(s) missed during leave the school refused (${refused}), at least ${c.atLeast}: ${describeSessions(e, found)}`
        : `${found.length} session(s) missed during leave the school refused (${refused}), fewer than ${c.atLeast}`,
      evidence: met ? found : [],
    };
  },
  description: {
    title: "refused leave taken ({atLeast} sessions)",
    summary:
      "Sessions missed without authority inside the dates of a leave request the head refused: leave taken anyway, recorded as G.",
    fields: [
      {
        path: "atLeast",
        label: "at least",
        meaning: "sessions missed during the refused leave",
        adjustable: true,
      },
    ],
  },
};
