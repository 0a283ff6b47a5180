/**
 * Rates as people read them. Its own module, with no imports, so the web app shows exactly the
 * figure the server, the letters and the CLI show (the same integer rounding), without taking the
 * rest of the statistics with it.
 */

/** A rate as exact integer counts: attended of possible, absent of possible. */
export interface Ratio {
  numerator: number;
  denominator: number;
}

/**
 * A rate rounded half-up for display with integer arithmetic, so 38/380 shows as exactly "10.0"
 * and never as 9.999... Returns "–" when nothing was possible.
 */
export function formatPercent(ratio: Ratio, decimals = 1): string {
  if (ratio.denominator === 0) return "–";
  const scale = 10 ** decimals;
  const scaled = Math.floor(
    (2 * ratio.numerator * 100 * scale + ratio.denominator) / (2 * ratio.denominator),
  );
  const whole = Math.floor(scaled / scale);
  if (decimals === 0) return String(whole);
  return `${whole}.${String(scaled % scale).padStart(decimals, "0")}`;
}
