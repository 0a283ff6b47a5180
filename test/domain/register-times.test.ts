import { describe, expect, it } from "vitest";
import { lateMark, registerState, validateRegisterTimes } from "../../src/domain/register-times.ts";

const times = { amOpens: "08:40", amCloses: "09:10", pmOpens: "13:15", pmCloses: "13:45" };

describe("register times", () => {
  it("is open from opening to closing time inclusive, on the day only", () => {
    expect(registerState(times, "2025-09-03", "AM", { date: "2025-09-03", clock: "08:39" })).toBe(
      "not_open_yet",
    );
    expect(registerState(times, "2025-09-03", "AM", { date: "2025-09-03", clock: "08:40" })).toBe(
      "open",
    );
    expect(registerState(times, "2025-09-03", "AM", { date: "2025-09-03", clock: "09:10" })).toBe(
      "open",
    );
    expect(registerState(times, "2025-09-03", "AM", { date: "2025-09-03", clock: "09:11" })).toBe(
      "closed",
    );
    expect(registerState(times, "2025-09-02", "PM", { date: "2025-09-03", clock: "08:00" })).toBe(
      "closed",
    );
    expect(registerState(times, "2025-09-04", "AM", { date: "2025-09-03", clock: "23:00" })).toBe(
      "not_open_yet",
    );
  });

  it("marks a late arrival L up to the closing minute and U after it, counting minutes from opening", () => {
    expect(lateMark(times, "AM", "08:55")).toEqual({ code: "L", minutesLate: 15 });
    expect(lateMark(times, "AM", "09:10")).toEqual({ code: "L", minutesLate: 30 });
    expect(lateMark(times, "AM", "09:11")).toEqual({ code: "U", minutesLate: 31 });
    expect(lateMark(times, "PM", "13:50")).toEqual({ code: "U", minutesLate: 35 });
    expect(() => lateMark(times, "AM", "08:30")).toThrow(/not late: the register opens at 08:40/);
  });

  it("refuses a register open for more than 30 minutes, or closing before it opens", () => {
    expect(validateRegisterTimes(times)).toEqual(times);
    expect(() => validateRegisterTimes({ ...times, amCloses: "09:11" })).toThrow(
      /at most 30 minutes, not 31/,
    );
    expect(() => validateRegisterTimes({ ...times, pmCloses: "13:00" })).toThrow(
      /PM register must close after it opens/,
    );
    expect(() => validateRegisterTimes({ ...times, pmOpens: "9am" })).toThrow(
      /PM times must be HH:MM/,
    );
    expect(() => validateRegisterTimes({ ...times, pmOpens: "09:00", pmCloses: "09:20" })).toThrow(
      /afternoon register must open after/,
    );
  });
});
