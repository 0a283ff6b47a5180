import { meetsPercent } from "./policy/bands.ts";
import type { Percent } from "./policy/types.ts";
import type { Ratio } from "./statistics.ts";

/**
 * The rules of attendance rewards, on exact integer counts: rates are compared as fractions
 * (a/b against c/d by cross-multiplying), so two classes at 290/300 and 29/30 tie, and 100% means
 * not one possible session missed. The target is the school's own (its policy), never a constant.
 */

/** -1, 0 or 1 as rate `x` is below, equal to or above rate `y`, exactly. */
export function compareRates(x: Ratio, y: Ratio): number {
  return Math.sign(x.numerator * y.denominator - y.numerator * x.denominator);
}

/**
 * Every entry sharing the highest rate: the week's best class, with ties. Entries with no possible
 * sessions have no rate and are never best.
 */
export function bestWithTies<T extends { rate: Ratio }>(entries: readonly T[]): T[] {
  const rated = entries.filter((e) => e.rate.denominator > 0);
  let best: T[] = [];
  for (const entry of rated) {
    const order = best[0] ? compareRates(entry.rate, best[0].rate) : 1;
    if (order > 0) best = [entry];
    else if (order === 0) best.push(entry);
  }
  return best;
}

/** Attendance at or above the school's target; null when nothing was possible. */
export function meetsTarget(rate: Ratio, target: Percent): boolean | null {
  return rate.denominator === 0 ? null : meetsPercent(rate, target);
}

/** 100% attendance: at least one possible session, and every possible session attended. */
export function hasFullAttendance(rate: Ratio): boolean {
  return rate.denominator > 0 && rate.numerator === rate.denominator;
}

export interface ImprovementRule {
  /** Possible sessions needed in each of the two periods before a rise is judged. */
  minimumSessions: number;
  /** How many places the list has; pupils tied with the last place are all kept. */
  places: number;
}

export interface Improvement<T> {
  item: T;
  before: Ratio;
  now: Ratio;
  /**
   * The rise as a fraction (now - before), exact: its percentage (`formatPercent`) is the rise in
   * percentage points.
   */
  rise: Ratio;
}

/** now - before as one exact fraction. */
export function riseBetween(before: Ratio, now: Ratio): Ratio {
  return {
    numerator: now.numerator * before.denominator - before.numerator * now.denominator,
    denominator: now.denominator * before.denominator,
  };
}

/**
 * The most improved: pupils whose attendance rose from the earlier period to the later one, by
 * percentage points, largest rise first. A pupil is judged only with at least `minimumSessions`
 * possible sessions in both periods (one good week after a short earlier period is not a rise),
 * and only a rise above zero counts. The list keeps `places` pupils and anyone tied with the last.
 */
export function mostImproved<T>(
  entries: readonly { item: T; before: Ratio; now: Ratio }[],
  rule: ImprovementRule,
): Improvement<T>[] {
  const rising = entries
    .filter(
      (e) =>
        e.before.denominator >= Math.max(1, rule.minimumSessions) &&
        e.now.denominator >= Math.max(1, rule.minimumSessions),
    )
    .map((e) => ({ ...e, rise: riseBetween(e.before, e.now) }))
    .filter((e) => e.rise.numerator > 0)
    .sort((a, b) => compareRates(b.rise, a.rise));
  const last = rising[rule.places - 1];
  if (!last) return rising;
  return rising.filter((e) => compareRates(e.rise, last.rise) >= 0);
}
