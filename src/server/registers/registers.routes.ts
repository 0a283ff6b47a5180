import { amendMark } from "../../app/registers/amend-mark.ts";
import {
  cancelPlannedAbsence,
  planAbsence,
  plannedAbsencesBetween,
} from "../../app/registers/planned-absences.ts";
import { momentOf } from "../../app/registers/register.ts";
import { registersOfDay } from "../../app/registers/registers-of-day.ts";
import { saveRegister } from "../../app/registers/save-register.ts";
import { showRegister } from "../../app/registers/show-register.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { amended, amendmentBody } from "./amendments.schema.ts";
import {
  registerLoaded,
  registerParams,
  registerSaveBody,
  registerSaved,
} from "./register.schema.ts";
import {
  plannedAbsenceBody,
  plannedAbsenceCancelled,
  plannedAbsenceParams,
  plannedAbsenceRangeQuery,
  plannedAbsenceRecorded,
  plannedAbsencesResponse,
  registerListQuery,
  registerListResponse,
} from "./registers.schema.ts";

export async function registerRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/:schoolId/registers",
    {
      schema: {
        tags: ["registers"],
        summary: "The registers of a day the caller may see, with whether each is taken",
        params: schoolParams,
        querystring: registerListQuery,
        response: { 200: registerListResponse },
      },
    },
    async (request) =>
      registersOfDay(
        db,
        await request.schoolAccess(request.params.schoolId),
        request.query.date ?? momentOf(app.clock()).date,
      ),
  );

  app.get(
    "/:schoolId/registers/:groupId/:date/:session",
    {
      schema: {
        tags: ["registers"],
        summary: "One register: each pupil's mark or planned absence",
        params: registerParams,
        response: { 200: registerLoaded },
      },
    },
    async (request) => {
      const { groupId, date, session } = request.params;
      return showRegister(
        db,
        await request.schoolAccess(request.params.schoolId),
        { groupId, date, session },
        momentOf(app.clock()),
      );
    },
  );

  app.put(
    "/:schoolId/registers/:groupId/:date/:session",
    {
      schema: {
        tags: ["registers"],
        summary: "Save a register (idempotent; 409 if someone else changed a mark meanwhile)",
        params: registerParams,
        body: registerSaveBody,
        response: { 200: registerSaved },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const { groupId, date, session: name } = request.params;
      return saveRegister(ctx, { groupId, date, session: name, ...request.body });
    },
  );

  app.post(
    "/:schoolId/marks/amendments",
    {
      schema: {
        tags: ["registers"],
        summary: "Amend one mark with a reason (office roles); the original stays in the history",
        params: schoolParams,
        body: amendmentBody,
        response: { 200: amended },
      },
    },
    async (request) => {
      return amendMark(await request.useCaseContext(request.params.schoolId), request.body);
    },
  );

  app.get(
    "/:schoolId/planned-absences",
    {
      schema: {
        tags: ["registers"],
        summary: "Planned absences overlapping a date range",
        params: schoolParams,
        querystring: plannedAbsenceRangeQuery,
        response: { 200: plannedAbsencesResponse },
      },
    },
    async (request) =>
      plannedAbsencesBetween(
        db,
        await request.schoolAccess(request.params.schoolId),
        request.query,
      ),
  );

  app.post(
    "/:schoolId/planned-absences",
    {
      schema: {
        tags: ["registers"],
        summary: "Record an absence known in advance; it pre-fills the registers it covers",
        params: schoolParams,
        body: plannedAbsenceBody,
        response: { 201: plannedAbsenceRecorded },
      },
    },
    async (request, reply) => {
      const created = await planAbsence(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return { id: created };
    },
  );

  app.post(
    "/:schoolId/planned-absences/:absenceId/cancel",
    {
      schema: {
        tags: ["registers"],
        summary: "Cancel a planned absence (kept, marked cancelled)",
        params: plannedAbsenceParams,
        response: { 200: plannedAbsenceCancelled },
      },
    },
    async (request) => {
      await cancelPlannedAbsence(
        await request.useCaseContext(request.params.schoolId),
        request.params.absenceId,
      );
      return { cancelled: request.params.absenceId };
    },
  );
}
