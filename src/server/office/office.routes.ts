import { contactCheckOf, nCodesToResolve, officeDay } from "../../app/registers/office-day.ts";
import { momentOf } from "../../app/registers/register.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  contactCheckQuery,
  contactCheckResponse,
  nCodesQuery,
  nCodesResponse,
  officeTodayQuery,
  officeTodayResponse,
} from "./office.schema.ts";

export async function officeRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/:schoolId/office/today",
    {
      schema: {
        tags: ["office"],
        summary:
          "Registers not yet taken, absences without a reason (N) and lates, for a day (default today)",
        params: schoolParams,
        querystring: officeTodayQuery,
        response: { 200: officeTodayResponse },
      },
    },
    async (request) => {
      const now = momentOf(app.clock());
      return officeDay(db, await request.schoolAccess(request.params.schoolId), {
        date: request.query.date ?? now.date,
        now,
      });
    },
  );

  app.get(
    "/:schoolId/office/n-codes",
    {
      schema: {
        tags: ["office"],
        summary:
          "Outstanding N codes with school days elapsed; due ones must now be resolved (reason or O)",
        params: schoolParams,
        querystring: nCodesQuery,
        response: { 200: nCodesResponse },
      },
    },
    async (request) =>
      nCodesToResolve(db, await request.schoolAccess(request.params.schoolId), {
        today: momentOf(app.clock()).date,
        dueOnly: request.query.dueOnly === "true",
      }),
  );

  app.get(
    "/:schoolId/office/contact-check",
    {
      schema: {
        tags: ["office"],
        summary:
          "Pupils on roll today with fewer than `minimum` working contacts (no phone or email, or known to have failed), with the reasons",
        params: schoolParams,
        querystring: contactCheckQuery,
        response: { 200: contactCheckResponse },
      },
    },
    async (request) =>
      contactCheckOf(db, await request.schoolAccess(request.params.schoolId), {
        today: momentOf(app.clock()).date,
        ...request.query,
      }),
  );
}
