import { describe, expect, it } from "vitest";
import { letterText, mergeLetter, templateProblems } from "../../src/domain/letters/merge.ts";
import { DEFAULT_LETTERS } from "../../src/domain/letters/templates.ts";
import { PRESETS } from "../../src/domain/policy/presets/index.ts";

describe("letter templates", () => {
  it("exist for every letter the presets send, by trigger or by band, and are all valid", () => {
    const used = new Set(
      Object.values(PRESETS).flatMap((p) => [
        ...p.triggers.flatMap((t) =>
          t.actions.flatMap((a) => (a.type === "letter" ? [a.letter] : [])),
        ),
        ...Object.values(p.bandLetters ?? {}),
      ]),
    );
    for (const id of used) expect(DEFAULT_LETTERS.has(id), id).toBe(true);
    for (const template of DEFAULT_LETTERS.values())
      expect(templateProblems(template.body), template.id).toEqual([]);
    expect(DEFAULT_LETTERS.size).toBeGreaterThanOrEqual(25);
  });

  it("names unknown fields and stray braces", () => {
    expect(templateProblems("Dear {parnet}, { oops")).toEqual([
      "a { or } has no partner: merge fields are written {like_this}",
      expect.stringMatching(/^\{parnet\} is not a merge field/),
    ]);
    expect(templateProblems("See: {bands_table} below")).toEqual([
      "{bands_table} must be a paragraph on its own",
    ]);
  });

  it("merges fields and tables, and refuses a letter whose fields are not known", () => {
    const blocks = mergeLetter(
      "Dear {addressee},\n\n{bands_table}\n\n{chosen_forename} is at {percentage_attendance}%.",
      {
        data: { addressee: "Mrs Khan", chosen_forename: "Millie", percentage_attendance: "89.5" },
        bands: [{ range: "97% and above", name: "Green" }],
        absences: [],
      },
    );
    expect(letterText(blocks)).toBe(
      "Dear Mrs Khan,\n\n97% and above\tGreen\n\nMillie is at 89.5%.",
    );
    expect(() => mergeLetter("On {meeting_date}", { data: {}, bands: [], absences: [] })).toThrow(
      "This letter needs {meeting_date}, which is not known for this pupil or occasion",
    );
  });
});
