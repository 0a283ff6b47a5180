import { z } from "zod";

/** Shapes shared by many routes' schemas. */
/** A row id: PostgreSQL's integer, so a larger number is refused here, not by the database. */
export const id = z.coerce.number().int().positive().max(2_147_483_647);
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().startsWith(v) &&
      // There was no year 0 (1 BC came before AD 1): the database refuses it.
      !v.startsWith("0000"),
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

/** An absence span as staff and families read it back: the pupil by name, first and last session. */
export const absenceSpanView = z.object({
  id: z.number(),
  pupil_id: z.number(),
  pupil_name: z.string(),
  from_date: z.string(),
  from_session: session,
  to_date: z.string(),
  to_session: session,
  reason: z.string(),
});

/** How every list names a pupil: by name, with UPN and registration group, never by number alone. */
export const pupilLine = {
  pupilId: z.number(),
  upn: z.string(),
  name: z.string(),
  group: z.string().nullable(),
};
