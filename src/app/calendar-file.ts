import { z } from "zod";
import type { AcademicYearCalendar } from "../domain/calendar.ts";
import { RollbookError } from "../domain/errors.ts";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

/** The calendar file format (docs/formats.md): academic years of half terms and closures. */
export const calendarFileSchema = z.object({
  academicYears: z
    .array(
      z.object({
        startYear: z.number().int().min(1990).max(2200),
        halfTerms: z
          .array(
            z.object({
              name: z.string().min(1),
              term: z.enum(["Autumn", "Spring", "Summer"]),
              start: isoDate,
              end: isoDate,
            }),
          )
          .min(1),
        closures: z
          .array(
            z.object({
              date: isoDate,
              session: z.enum(["AM", "PM"]).nullable().default(null),
              reason: z.string().min(1),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
});

export function parseCalendarFile(text: string, file: string): AcademicYearCalendar[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RollbookError(
      "invalid_input",
      `${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = calendarFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(top level)"}: ${i.message}`,
    );
    throw new RollbookError(
      "invalid_input",
      `${file} is not a Rollbook calendar:\n  ${problems.join("\n  ")}`,
    );
  }
  return parsed.data.academicYears;
}
