import { loadCalendar, saveAcademicYear } from "../../db/repositories/calendar.ts";
import type { AcademicYearCalendar } from "../../domain/calendar.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

/** Term dates and closures, for anyone who works in the school. */
export async function showCalendar(ctx: UseCaseContext) {
  const calendar = await loadCalendar(ctx.db, ctx.access.schoolId);
  return { academicYears: [...calendar.years] };
}

/** Sets term dates from a calendar file: every year in it saved, or none (one transaction). */
export async function saveCalendar(
  ctx: UseCaseContext,
  file: { academicYears: AcademicYearCalendar[] },
) {
  ctx.access.require("school.setup");
  await inTransaction(ctx, "set term dates", async (tx) => {
    for (const year of file.academicYears) await saveAcademicYear(tx, ctx.access.schoolId, year);
  });
  return showCalendar(ctx);
}
