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

/** The bands as letters and the parents' page show them: "98% and above", "95% to 96.9%"... */
export function bandRanges(
  bands: readonly Band[],
): { range: string; name: string; colour: string }[] {
  return bands.map((band, i) => {
    const above = bands[i - 1];
    const { name, colour } = band;
    if (!above) return { range: `${band.min}% and above`, name, colour };
    const top = (above.min - 0.1).toFixed(1).replace(/\.0$/, "");
    return band.min === 0
      ? { range: `below ${above.min}%`, name, colour }
      : { range: `${band.min}% to ${top}%`, name, colour };
  });
}
