import { describe, expect, it } from "vitest";
import { CODES, codeOn, codesValidOn, normaliseSymbol } from "../../src/domain/codes.ts";
import { RollbookError } from "../../src/domain/errors.ts";

const AFTER_2024 = "2025-01-15";
const BEFORE_2024 = "2023-01-16";

describe("attendance code registry", () => {
  it("holds every 2024 code with its DfE statistical category", () => {
    const expected: Record<string, string> = {
      "/": "present",
      "\\": "present",
      L: "present",
      K: "aea",
      V: "aea",
      P: "aea",
      W: "aea",
      B: "aea",
      C: "authorised",
      C1: "authorised",
      C2: "authorised",
      E: "authorised",
      I: "authorised",
      J1: "authorised",
      M: "authorised",
      R: "authorised",
      S: "authorised",
      T: "authorised",
      G: "unauthorised",
      N: "unauthorised",
      O: "unauthorised",
      U: "unauthorised",
      D: "not_possible",
      Q: "not_possible",
      Y1: "not_possible",
      Y2: "not_possible",
      Y3: "not_possible",
      Y4: "not_possible",
      Y5: "not_possible",
      Y6: "not_possible",
      Y7: "not_possible",
      X: "not_possible",
      Z: "not_possible",
      "#": "not_possible",
    };
    const inForce = Object.fromEntries(codesValidOn(AFTER_2024).map((c) => [c.symbol, c.category]));
    expect(inForce).toEqual(expected);
  });

  it("keeps the 2006 codes with their historical categories for older registers", () => {
    expect(codeOn("H", BEFORE_2024).category).toBe("authorised");
    expect(codeOn("J", BEFORE_2024).category).toBe("aea");
    expect(codeOn("Y", BEFORE_2024).category).toBe("not_possible");
    expect(codeOn("F", "2012-05-01").category).toBe("authorised");
    expect(codeOn("X", BEFORE_2024).meaning).toMatch(/2006/);
    expect(codeOn("B", BEFORE_2024).meaning).toMatch(/off site/);
    expect(codeOn("B", AFTER_2024).meaning).toMatch(/supervised/);
  });

  it("gives every code a unique stable index", () => {
    const indices = CODES.map((c) => c.index);
    expect(new Set(indices).size).toBe(indices.length);
    expect(Math.min(...indices)).toBe(1);
  });

  it("refuses legacy codes after 19 August 2024 and new codes before, saying when they are valid", () => {
    expect(() => codeOn("H", "2024-08-19")).toThrow(/valid until 2024-08-18/);
    expect(codeOn("H", "2024-08-18").symbol).toBe("H");
    expect(() => codeOn("C1", "2024-08-18")).toThrow(/valid from 2024-08-19/);
    expect(() => codeOn("F", "2013-09-02")).toThrow(/until 2013-08-31/);
  });

  it("names the code, pupil and date of an unknown code", () => {
    try {
      codeOn("Q9", AFTER_2024, { pupil: "A123456789012", session: "AM" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RollbookError);
      expect((error as RollbookError).code).toBe("unknown_code");
      expect((error as Error).message).toBe(
        '"Q9" is not an attendance code (pupil A123456789012, 2025-01-15 AM)',
      );
    }
  });

  it("treats the placeholder '-' as no code at all", () => {
    expect(() => codeOn("-", AFTER_2024)).toThrow(/not an attendance code/);
  });

  it("records the present mark the session calls for", () => {
    expect(normaliseSymbol("/", "PM")).toBe("\\");
    expect(normaliseSymbol("\\", "AM")).toBe("/");
    expect(normaliseSymbol(" c1 ", "AM")).toBe("C1");
  });
});
