import { z } from "zod";

/** Shapes shared by many routes' schemas. */
export const id = z.coerce.number().int().positive();
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    "must be a real date",
  );
export const session = z.enum(["AM", "PM"]);
export const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM");
export const schoolParams = z.object({ schoolId: id });

export const rangeQuery = z.object({
  period: z.enum(["year", "term", "half_term", "year_to_date"]).default("year_to_date"),
  date: isoDate.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

/** An absence a family tells the school about or asks leave for: first and last session, and why. */
export const absenceSpan = z.object({
  fromDate: isoDate,
  fromSession: session.default("AM"),
  toDate: isoDate,
  toSession: session.default("PM"),
  reason: z.string().trim().min(1).max(2000),
});
