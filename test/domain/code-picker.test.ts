import { describe, expect, test } from "vitest";
import { codePicker } from "../../src/domain/code-picker.ts";
import { codesValidOn } from "../../src/domain/codes.ts";

describe("the register's code picker", () => {
  test("puts the school's most-used codes first, most used first", () => {
    const usage = new Map([
      ["/", 900],
      ["I", 40],
      ["L", 25],
      ["M", 25],
      ["N", 3],
      ["V", 60],
      ["G", 1],
    ]);
    const picker = codePicker("2026-01-14", "AM", usage);
    // Present has its own button; ties keep register order (L before M).
    expect(picker.common).toEqual(["V", "I", "L", "M", "N", "G"]);
  });

  test("a school with no marks yet still sees the usual codes first", () => {
    expect(codePicker("2026-01-14", "PM", new Map()).common).toEqual([
      "L",
      "N",
      "I",
      "M",
      "U",
      "C",
    ]);
  });

  test("every code valid on the date is reachable, but not the other session's present mark", () => {
    const am = codePicker("2026-01-14", "AM", new Map());
    const valid = codesValidOn("2026-01-14").map((c) => c.symbol);
    expect(am.all).toEqual(valid.filter((s) => s !== "\\"));
    expect(codePicker("2026-01-14", "PM", new Map()).all).not.toContain("/");
    // 2024 Regulations codes are not offered on a 2023 register, and the old ones are.
    const old = codePicker("2023-10-02", "AM", new Map()).all;
    expect(old).not.toContain("K");
    expect(old).toContain("H");
  });
});
