import type { Ratio } from "../statistics.ts";
import type { Band, Percent } from "./types.ts";

/**
 * Whether attendance meets a percentage, exactly: percentages have at most two decimals, so
 * numerator/denominator >= p/100 becomes numerator * 10000 >= round(p * 100) * denominator.
 */
export function meetsPercent(ratio: Ratio, percent: Percent): boolean {
  return comparePercent(ratio, percent) >= 0;
}

/** -1, 0 or 1 as attendance is below, exactly at or above a percentage. */
export function comparePercent(ratio: Ratio, percent: Percent): number {
  return Math.sign(ratio.numerator * 10_000 - Math.round(percent * 100) * ratio.denominator);
}

/** The band attendance falls in: the first (best) band whose minimum it meets. */
export function bandOf(bands: readonly Band[], ratio: Ratio): Band | undefined {
  if (ratio.denominator === 0) return undefined;
  return bands.find((b) => meetsPercent(ratio, b.min)) ?? bands.at(-1);
}
