import { describe, expect, it } from "vitest";
import { count, countOf } from "../../src/domain/plural.ts";

describe("counts in words", () => {
  it("says one without the plural and every other number with it, zero included", () => {
    expect(count(1, "class")).toBe("1 class");
    expect(count(2, "class")).toBe("2 classes");
    expect(count(0, "pupil")).toBe("0 pupils");
    expect(count(1, "pupil")).toBe("1 pupil");
    expect(count(3, "person")).toBe("3 people");
    expect(countOf(1, "open case")).toBe("1 open case");
    expect(countOf(5, "open case")).toBe("5 open cases");
    expect(countOf(2, "child", "children")).toBe("2 children");
  });
});
