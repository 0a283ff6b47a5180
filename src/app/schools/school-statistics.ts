import { loadCalendar } from "../../db/repositories/calendar.ts";
import { londonToday } from "../../domain/dates.ts";
import { type RangeRequest, resolveRange, schoolReport } from "../attendance-statistics.ts";
import type { UseCaseContext } from "../context.ts";

/** The school's attendance over a range, by year group and registration group. */
export async function schoolStatistics(ctx: UseCaseContext, request: RangeRequest) {
  ctx.access.require("statistics.view");
  const calendar = await loadCalendar(ctx.db, ctx.access.schoolId);
  const range = resolveRange(calendar, request, londonToday(ctx.clock()));
  return schoolReport(ctx.db, ctx.access.schoolId, range);
}
