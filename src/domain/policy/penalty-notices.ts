import { addDays, type IsoDate } from "../dates.ts";
import type { PenaltyNoticeRules } from "./types.ts";

export interface PreviousNotice {
  issuedOn: IsoDate;
  withdrawn: boolean;
}

export type NoticeTerms =
  | {
      allowed: true;
      ordinal: 1;
      reducedAmount: number;
      reducedWithinDays: number;
      fullAmount: number;
      fullWithinDays: number;
    }
  | { allowed: true; ordinal: 2; amount: number; withinDays: number }
  | { allowed: false; reason: string };

/**
 * Whether a penalty notice may be issued to a parent for a child on a date, and on what terms:
 * withdrawn notices do not count; paid and unpaid ones do (2024 national framework).
 */
export function penaltyNoticeTerms(
  rules: PenaltyNoticeRules,
  previous: PreviousNotice[],
  on: IsoDate,
): NoticeTerms {
  const windowStart = addDays(on, -Math.round(rules.repeatWindowYears * 365.25));
  const counting = previous.filter(
    (n) => !n.withdrawn && n.issuedOn > windowStart && n.issuedOn <= on,
  );
  if (counting.length >= rules.maxNoticesInWindow) {
    return {
      allowed: false,
      reason: `${counting.length} penalty notices were issued to this parent for this child in the ${rules.repeatWindowYears} years to ${on}; another is not allowed: consider prosecution or another legal intervention`,
    };
  }
  if (counting.length === 0) return { allowed: true, ordinal: 1, ...rules.firstNotice };
  return {
    allowed: true,
    ordinal: 2,
    amount: rules.secondNotice.amount,
    withinDays: rules.secondNotice.withinDays,
  };
}
