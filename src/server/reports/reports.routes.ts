import { momentOf } from "../../app/registers/register.ts";
import { censusSummary, censusTable } from "../../app/reports/census-summary.ts";
import {
  continuousAbsenceReturn,
  continuousAbsenceTable,
  illnessReturn,
  illnessTable,
} from "../../app/reports/la-returns.ts";
import { academicYearOf } from "../../domain/calendar.ts";
import { sendTable } from "../exports/send-table.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  censusQuery,
  censusResponse,
  continuousAbsenceResponse,
  illnessResponse,
  returnQuery,
} from "./reports.schema.ts";

/** The census attendance summary and the local authority's returns, as JSON, CSV or XLSX. */
export async function reportRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const today = () => momentOf(app.clock()).date;

  app.get(
    "/:schoolId/reports/census",
    {
      schema: {
        tags: ["reports"],
        summary:
          "School census termly attendance per pupil (DfE headline cohort): sessions possible, authorised, unauthorised and per reason",
        params: schoolParams,
        querystring: censusQuery,
        response: { 200: censusResponse },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const { term, format } = request.query;
      const year = request.query.year ?? academicYearOf(today());
      const summary = await censusSummary(db, access.schoolId, term, year);
      return format === "json" ? summary : sendTable(reply, censusTable(summary), format);
    },
  );

  app.get(
    "/:schoolId/reports/continuous-absence",
    {
      schema: {
        tags: ["reports"],
        summary:
          "Return to the local authority: pupils absent without permission for N school days in a row this year (policy threshold, else 10)",
        params: schoolParams,
        querystring: returnQuery,
        response: { 200: continuousAbsenceResponse },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const report = await continuousAbsenceReturn(
        db,
        access.schoolId,
        request.query.date ?? today(),
      );
      const { format } = request.query;
      return format === "json" ? report : sendTable(reply, continuousAbsenceTable(report), format);
    },
  );

  app.get(
    "/:schoolId/reports/illness",
    {
      schema: {
        tags: ["reports"],
        summary:
          "Return to the local authority: pupils with M school days of illness this year, in a row or in all (policy threshold, else 15)",
        params: schoolParams,
        querystring: returnQuery,
        response: { 200: illnessResponse },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const report = await illnessReturn(db, access.schoolId, request.query.date ?? today());
      const { format } = request.query;
      return format === "json" ? report : sendTable(reply, illnessTable(report), format);
    },
  );
}
