import { z } from "zod";
import { pupilsWithPhotos } from "../../app/pupils/pupil-photos.ts";
import { amendMark } from "../../app/registers/amend-mark.ts";
import { registerCodePicker } from "../../app/registers/code-picker.ts";
import {
  cancelPlannedAbsence,
  planAbsence,
  plannedAbsencesBetween,
} from "../../app/registers/planned-absences.ts";
import {
  assertSchoolSession,
  findGroup,
  loadRegister,
  momentOf,
} from "../../app/registers/register.ts";
import { registerAlerts } from "../../app/registers/register-alerts.ts";
import { registersOfDay } from "../../app/registers/registers-of-day.ts";
import { saveRegister } from "../../app/registers/save-register.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { RollbookError } from "../../domain/errors.ts";
import { clock, id, isoDate, schoolParams, session } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { amended, amendmentBody } from "./amendments.schema.ts";
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

const registerParams = schoolParams.extend({ groupId: id, date: isoDate, session });
const codeField = z.string().trim().min(1).max(3);

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
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { groupId, date, session: name } = request.params;
      await findGroup(db, access.schoolId, groupId);
      assertSchoolSession(await loadCalendar(db, access.schoolId), date, name);
      if (!access.canViewRegister(groupId))
        throw new RollbookError("forbidden", "You can only see the registers of your own groups");
      const [register, picker] = await Promise.all([
        loadRegister(db, access.schoolId, groupId, date, name, momentOf(app.clock())),
        registerCodePicker(db, access.schoolId, date, name),
      ]);
      // The access log names every pupil the register showed.
      access.audit.listed(
        access.schoolId,
        register.pupils.map((p) => p.pupilId),
      );
      const ids = register.pupils.map((p) => p.pupilId);
      const [alerts, photos] = await Promise.all([
        registerAlerts(db, access, ids),
        pupilsWithPhotos(db, access.schoolId, ids),
      ]);
      const pupils = register.pupils.map((p) => ({
        ...p,
        alerts: alerts.get(p.pupilId) ?? [],
        photo: photos.has(p.pupilId),
      }));
      return { ...register, pupils, picker };
    },
  );

  app.put(
    "/:schoolId/registers/:groupId/:date/:session",
    {
      schema: {
        tags: ["registers"],
        summary: "Save a register (idempotent; 409 if someone else changed a mark meanwhile)",
        params: registerParams,
        body: z.object({
          marks: z
            .array(
              z.object({
                pupilId: id,
                code: codeField.optional(),
                arrivedAt: clock.optional(),
                minutesLate: z.number().int().min(0).max(600).nullable().optional(),
                baseVersion: z.number().int().min(0).default(0),
              }),
            )
            .max(500)
            .default([]),
          allPresent: z.boolean().default(false),
          reason: z.string().trim().max(500).optional(),
        }),
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
