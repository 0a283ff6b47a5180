import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatPercent } from "../../src/domain/percent.ts";

describe("percentages as people read them", () => {
  it("rounds half up on the exact counts, where floating point would not", () => {
    // 2514/12000 is 20.95: toFixed(1) on the float gives 20.9, a letter from the server 21.0.
    expect(((2514 * 100) / 12000).toFixed(1)).toBe("20.9");
    expect(formatPercent({ numerator: 2514, denominator: 12000 })).toBe("21.0");
    expect(formatPercent({ numerator: 38, denominator: 380 })).toBe("10.0");
    expect(formatPercent({ numerator: 0, denominator: 0 })).toBe("–");
  });

  it("is the one way the web app shows a rate from counts", () => {
    const root = join(import.meta.dirname, "../../web/src");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) =>
      /\.tsx?$/.test(f),
    );
    // A percentage worked out from a numerator and denominator in the browser, then rounded there.
    const ownRounding = /\*\s*100\)?\s*\/[^;\n]*\)\.toFixed|\*\s*1000\)\s*\/[^;\n]*\.toFixed/;
    const offenders = files.filter((f) => ownRounding.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
