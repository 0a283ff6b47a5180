import { addDays, type IsoDate } from "../dates.ts";
import type { ParentHistory } from "./history.ts";
import type { PenaltyNoticeRules } from "./types.ts";

export interface PreviousNotice {
  issuedOn: IsoDate;
  withdrawn: boolean;
  /** As the local authority reported it; unknown when not recorded. */
  paid?: boolean | null;
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

/**
 * Why no parent may receive another notice (every one of them at the limit), or null when one
 * may. Unknown parents (no history loaded, none recorded) never block: a person decides.
 */
export function noNoticeAllowed(
  rules: PenaltyNoticeRules,
  parents: readonly ParentHistory[] | undefined,
  on: IsoDate,
): string | null {
  if (!parents || parents.length === 0) return null;
  const refusals: string[] = [];
  for (const parent of parents) {
    const terms = penaltyNoticeTerms(rules, parent.notices, on);
    if (terms.allowed) return null;
    refusals.push(`${parent.name}: ${terms.reason}`);
  }
  return refusals.join("; ");
}
