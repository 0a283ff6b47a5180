import { z } from "zod";
import { contactCheck } from "../../app/follow-up/contact-check.ts";
import {
  latesOn,
  outstandingNCodes,
  registersNotTaken,
  unexplainedAbsences,
} from "../../app/registers/office-views.ts";
import { momentOf } from "../../app/registers/register.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";

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
        querystring: z.object({ date: isoDate.optional() }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("office.view");
      const now = momentOf(app.clock());
      const date = request.query.date ?? now.date;
      const [notTaken, unexplained, lates] = await Promise.all([
        registersNotTaken(db, access.schoolId, date, now),
        unexplainedAbsences(db, access.schoolId, date),
        latesOn(db, access.schoolId, date),
      ]);
      return { date, registersNotTaken: notTaken, unexplainedAbsences: unexplained, lates };
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
        querystring: z.object({ dueOnly: z.enum(["true", "false"]).default("false") }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("office.view");
      const today = momentOf(app.clock()).date;
      const all = await outstandingNCodes(db, access.schoolId, today);
      return { today, nCodes: request.query.dueOnly === "true" ? all.filter((n) => n.due) : all };
    },
  );

  app.get(
    "/:schoolId/office/contact-check",
    {
      schema: {
        tags: ["office"],
        summary:
          "Pupils on roll today with fewer than `minimum` working contacts (no phone or email, or known to have failed), with the reasons",
        params: schoolParams,
        querystring: z.object({
          minimum: z.coerce.number().int().min(1).max(5).default(2),
          /** One pupil's answer, for their page. */
          pupilId: id.optional(),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("office.view");
      const today = momentOf(app.clock()).date;
      const { minimum, pupilId } = request.query;
      const check = await contactCheck(db, access.schoolId, today, minimum);
      if (pupilId === undefined) return check;
      const pupils = check.pupils.filter((p) => p.pupilId === pupilId);
      return { ...check, belowMinimum: pupils.filter((p) => p.belowMinimum).length, pupils };
    },
  );
}
