import { z } from "zod";
import { withinSchoolYears } from "../../app/attendance-statistics.ts";
import { pupilsWithPhotos } from "../../app/pupils/pupil-photos.ts";
import { amendMark } from "../../app/registers/amend-mark.ts";
import { registerCodePicker } from "../../app/registers/code-picker.ts";
import {
  cancelPlannedAbsence,
  listPlannedAbsences,
  planAbsence,
} from "../../app/registers/planned-absences.ts";
import {
  assertSchoolSession,
  findGroup,
  loadRegister,
  momentOf,
} from "../../app/registers/register.ts";
import { registerAlerts } from "../../app/registers/register-alerts.ts";
import { saveRegister } from "../../app/registers/save-register.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { RollbookError } from "../../domain/errors.ts";
import { byFormName } from "../../domain/forms.ts";
import { sessionsOffered } from "../../domain/school-sessions.ts";
import { clock, id, isoDate, schoolParams, session } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { amended, amendmentBody } from "./amendments.schema.ts";

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
        querystring: z.object({ date: isoDate.optional() }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      if (!access.can("registers.take_own") && !access.can("registers.view_all"))
        throw new RollbookError("forbidden", "Registers are for school staff");
      const date = request.query.date ?? momentOf(app.clock()).date;
      const [groups, taken, calendar] = await Promise.all([
        db
          .selectFrom("registration_groups")
          .select(["id", "name"])
          .where("school_id", "=", access.schoolId)
          .execute(),
        db
          .selectFrom("registers_taken")
          .select(["registration_group_id", "session", "first_taken_by", "last_saved_at"])
          .where("school_id", "=", access.schoolId)
          .where("date", "=", date)
          .execute(),
        loadCalendar(db, access.schoolId),
      ]);
      const offered = sessionsOffered(calendar, date);
      const takenOf = (groupId: number, s: "AM" | "PM") =>
        taken.find((t) => t.registration_group_id === groupId && t.session === s) ?? null;
      return {
        date,
        ...offered,
        registers: byFormName(groups, (g) => g.name)
          .filter((g) => access.canViewRegister(g.id))
          .map((g) => ({
            groupId: g.id,
            group: g.name,
            AM: takenOf(g.id, "AM"),
            PM: takenOf(g.id, "PM"),
          })),
      };
    },
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
        querystring: z.object({ from: isoDate, to: isoDate }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("registers.view_all");
      const range = withinSchoolYears(await loadCalendar(db, access.schoolId), request.query);
      return { plannedAbsences: await listPlannedAbsences(db, access.schoolId, range) };
    },
  );

  app.post(
    "/:schoolId/planned-absences",
    {
      schema: {
        tags: ["registers"],
        summary: "Record an absence known in advance; it pre-fills the registers it covers",
        params: schoolParams,
        body: z.object({
          pupilId: id,
          startDate: isoDate,
          startSession: session.default("AM"),
          endDate: isoDate,
          endSession: session.default("PM"),
          code: codeField,
          reason: z.string().trim().min(1).max(500),
        }),
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
        params: schoolParams.extend({ absenceId: id }),
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
