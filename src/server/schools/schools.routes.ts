import type { z } from "zod";
import type { RangeRequest } from "../../app/attendance-statistics.ts";
import { calendarFileSchema } from "../../app/calendar-file.ts";
import { saveCalendar, showCalendar } from "../../app/schools/school-calendar.ts";
import {
  addSchool,
  changeSchoolSettings,
  listSchools,
  showSchool,
} from "../../app/schools/school-settings.ts";
import { schoolStatistics } from "../../app/schools/school-statistics.ts";
import { RollbookError } from "../../domain/errors.ts";
import { rangeQuery, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { schoolStatisticsResponse } from "../statistics.schema.ts";
import {
  calendarResponse,
  newSchoolBody,
  schoolAdded,
  schoolList,
  schoolResponse,
  settingsBody,
  settingsChanged,
} from "./schools.schema.ts";

export function rangeRequestOf(query: z.infer<typeof rangeQuery>): RangeRequest {
  if (query.from || query.to) {
    if (!query.from || !query.to)
      throw new RollbookError("invalid_input", "Give both from and to for a custom range");
    return { kind: "custom", from: query.from, to: query.to };
  }
  if (query.period === "year_to_date") return { kind: "year_to_date", date: query.date };
  return { kind: "period", period: query.period, date: query.date };
}

export async function schoolRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/",
    {
      schema: {
        tags: ["schools"],
        summary: "Schools the signed-in user can see",
        response: { 200: schoolList },
      },
    },
    async (request) => ({ schools: await listSchools(db, request.requireActor()) }),
  );

  app.post(
    "/",
    {
      schema: {
        tags: ["schools"],
        summary:
          "Add a school (administrators); its calendar and groups follow through the set-up routes",
        body: newSchoolBody,
        response: { 201: schoolAdded },
      },
    },
    async (request, reply) => {
      const added = await addSchool(db, request.requireActor(), request.body);
      reply.status(201);
      return added;
    },
  );

  app.get(
    "/:schoolId",
    {
      schema: {
        tags: ["schools"],
        summary: "A school, its register times and groups",
        params: schoolParams,
        response: { 200: schoolResponse },
      },
    },
    async (request) => showSchool(await request.useCaseContext(request.params.schoolId)),
  );

  app.patch(
    "/:schoolId/settings",
    {
      schema: {
        tags: ["schools"],
        summary:
          "Change register opening and closing times (at most 30 minutes open) and the school's DfE establishment number",
        params: schoolParams,
        body: settingsBody,
        response: { 200: settingsChanged },
      },
    },
    async (request) =>
      changeSchoolSettings(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.get(
    "/:schoolId/calendar",
    {
      schema: {
        tags: ["schools"],
        summary: "Term dates and closures",
        params: schoolParams,
        response: { 200: calendarResponse },
      },
    },
    async (request) => showCalendar(await request.useCaseContext(request.params.schoolId)),
  );

  app.put(
    "/:schoolId/calendar",
    {
      schema: {
        tags: ["schools"],
        summary:
          "Set term dates (the calendar file format of docs/formats.md): every year in the file saved, or none",
        params: schoolParams,
        body: calendarFileSchema,
        response: { 200: calendarResponse },
      },
    },
    async (request) =>
      saveCalendar(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.get(
    "/:schoolId/statistics",
    {
      schema: {
        tags: ["statistics"],
        summary: "The school's attendance by year group and registration group",
        params: schoolParams,
        querystring: rangeQuery,
        response: { 200: schoolStatisticsResponse },
      },
    },
    async (request) =>
      schoolStatistics(
        await request.useCaseContext(request.params.schoolId),
        rangeRequestOf(request.query),
      ),
  );
}
