import { describe, expect, it } from "vitest";
import { SchoolCalendar } from "../../src/domain/calendar.ts";
import { compareFormNames } from "../../src/domain/forms.ts";
import { sessionsOffered } from "../../src/domain/school-sessions.ts";
import { aCalendar, year2025 } from "../support/builders.ts";

describe("registers only on school sessions", () => {
  const calendar = aCalendar();

  it("offers both registers on a school day and none at the weekend, pointing to the school days around it", () => {
    expect(sessionsOffered(calendar, "2025-09-03")).toMatchObject({
      sessions: ["AM", "PM"],
      why: null,
    });
    expect(sessionsOffered(calendar, "2025-09-06")).toEqual({
      sessions: [],
      why: "The school does not meet at weekends.",
      previousSchoolDay: "2025-09-05",
      nextSchoolDay: "2025-09-08",
    });
  });

  it("says a holiday or a closure is why no register is taken", () => {
    expect(sessionsOffered(calendar, "2025-10-28")).toMatchObject({
      sessions: [],
      why: "This is a school holiday.",
      previousSchoolDay: "2025-10-24",
      nextSchoolDay: "2025-11-03",
    });
    expect(sessionsOffered(calendar, "2025-09-01").why).toBe("The school is closed: INSET.");
    const year = year2025();
    year.closures.push({ date: "2025-12-19", session: "PM", reason: "Christmas early finish" });
    expect(sessionsOffered(new SchoolCalendar([year]), "2025-12-19")).toMatchObject({
      sessions: ["AM"],
      why: "The afternoon is closed: Christmas early finish.",
    });
    expect(sessionsOffered(calendar, "2027-01-12").why).toBe(
      "The school's calendar does not cover this date yet.",
    );
  });
});

describe("forms in a school's order", () => {
  it("sorts numbers by value and letters alphabetically", () => {
    const forms = ["10A", "11E", "7B", "9D", "7A", "Reception", "10b", "8C"];
    expect([...forms].sort(compareFormNames)).toEqual([
      "7A",
      "7B",
      "8C",
      "9D",
      "10A",
      "10b",
      "11E",
      "Reception",
    ]);
  });
});
