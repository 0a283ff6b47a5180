import { admitPupil, changePupil, saveContact } from "../../app/pupils/manage-pupils.ts";
import {
  listPupils,
  pupilCalendarOver,
  pupilMarkHistory,
  pupilStatisticsOver,
  pupilView,
  showPupil,
} from "../../app/pupils/pupil-record.ts";
import { searchPupils } from "../../app/pupils/search-pupils.ts";
import { momentOf } from "../../app/registers/register.ts";
import { rangeQuery, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { rangeRequestOf } from "../schools/schools.routes.ts";
import {
  contactBody,
  contactsResponse,
  markHistoryQuery,
  markHistoryResponse,
  pupilBody,
  pupilCalendarResponse,
  pupilDetailResponse,
  pupilListQuery,
  pupilListResponse,
  pupilParams,
  pupilResponse,
  pupilSearchQuery,
  pupilSearchResponse,
  pupilStatisticsResponse,
} from "./pupils.schema.ts";

export async function pupilRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/:schoolId/pupils/search",
    {
      schema: {
        tags: ["pupils"],
        summary:
          "Find a pupil by name, UPN or form, among those the caller may see (the page header's search)",
        params: schoolParams,
        querystring: pupilSearchQuery,
        response: { 200: pupilSearchResponse },
      },
    },
    async (request) =>
      searchPupils(db, await request.schoolAccess(request.params.schoolId), {
        text: request.query.q,
        date: momentOf(app.clock()).date,
      }),
  );

  app.get(
    "/:schoolId/pupils",
    {
      schema: {
        tags: ["pupils"],
        summary:
          "Pupils on roll the caller may see (teachers: their groups; parents: their children)",
        params: schoolParams,
        querystring: pupilListQuery,
        response: { 200: pupilListResponse },
      },
    },
    async (request) =>
      listPupils(db, await request.schoolAccess(request.params.schoolId), {
        ...request.query,
        date: request.query.date ?? momentOf(app.clock()).date,
      }),
  );

  app.get(
    "/:schoolId/pupils/:pupilId",
    {
      schema: {
        tags: ["pupils"],
        summary: "A pupil, with contacts for the roles that use them",
        params: pupilParams,
        response: { 200: pupilDetailResponse },
      },
    },
    async (request) =>
      showPupil(db, await request.schoolAccess(request.params.schoolId), request.params.pupilId),
  );

  app.post(
    "/:schoolId/pupils",
    {
      schema: {
        tags: ["pupils"],
        summary: "Admit a pupil",
        params: schoolParams,
        body: pupilBody,
        response: { 201: pupilResponse },
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const pupil = await admitPupil(ctx, request.body);
      reply.status(201);
      return pupilView(pupil, ctx.access);
    },
  );

  app.put(
    "/:schoolId/pupils/:pupilId",
    {
      schema: {
        tags: ["pupils"],
        summary: "Change a pupil's details",
        params: pupilParams,
        body: pupilBody,
        response: { 200: pupilResponse },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const pupil = await changePupil(ctx, {
        pupilId: request.params.pupilId,
        details: request.body,
      });
      return pupilView(pupil, ctx.access);
    },
  );

  app.post(
    "/:schoolId/pupils/:pupilId/contacts",
    {
      schema: {
        tags: ["pupils"],
        summary: "Add or replace the contact at a priority",
        params: pupilParams,
        body: contactBody,
        response: { 200: contactsResponse },
      },
    },
    async (request) => {
      const contacts = await saveContact(await request.useCaseContext(request.params.schoolId), {
        pupilId: request.params.pupilId,
        contact: request.body,
      });
      return { contacts };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/marks",
    {
      schema: {
        tags: ["registers"],
        summary:
          "A pupil's register entries and every amendment (original mark, new mark, who, when, why)",
        params: pupilParams,
        querystring: markHistoryQuery,
        response: { 200: markHistoryResponse },
      },
    },
    async (request) =>
      pupilMarkHistory(db, await request.schoolAccess(request.params.schoolId), {
        pupilId: request.params.pupilId,
        ...request.query,
      }),
  );

  app.get(
    "/:schoolId/pupils/:pupilId/statistics",
    {
      schema: {
        tags: ["statistics"],
        summary: "A pupil's attendance over a period",
        params: pupilParams,
        querystring: rangeQuery,
        response: { 200: pupilStatisticsResponse },
      },
    },
    async (request) =>
      pupilStatisticsOver(db, await request.schoolAccess(request.params.schoolId), {
        pupilId: request.params.pupilId,
        range: rangeRequestOf(request.query),
        today: momentOf(app.clock()).date,
      }),
  );

  app.get(
    "/:schoolId/pupils/:pupilId/calendar",
    {
      schema: {
        tags: ["statistics"],
        summary:
          "A pupil's marks day by day (the heat map); the whole year unless a range is asked for",
        params: pupilParams,
        querystring: rangeQuery,
        response: { 200: pupilCalendarResponse },
      },
    },
    async (request) =>
      pupilCalendarOver(db, await request.schoolAccess(request.params.schoolId), {
        pupilId: request.params.pupilId,
        range: rangeRequestOf(request.query),
        today: momentOf(app.clock()).date,
      }),
  );
}
