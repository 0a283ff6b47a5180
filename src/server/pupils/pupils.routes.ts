import { z } from "zod";
import type { SchoolAccess } from "../../app/access/access.ts";
import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { pupilReport, resolveRange, withinSchoolYears } from "../../app/attendance-statistics.ts";
import { admitPupil, changePupil, saveContact } from "../../app/pupils/manage-pupils.ts";
import { searchPupils } from "../../app/pupils/search-pupils.ts";
import { displayName, momentOf } from "../../app/registers/register.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { markHistory } from "../../db/repositories/marks.ts";
import { contactsOf } from "../../db/repositories/pupils.ts";
import type { Pupil } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { isOnRoll, upnProblem } from "../../domain/pupil.ts";
import { id, isoDate, rangeQuery, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { rangeRequestOf } from "../schools/schools.routes.ts";

const pupilParams = schoolParams.extend({ pupilId: id });

const pupilBody = z.object({
  upn: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => upnProblem(v) === null, {
      message: "must be a valid UPN (13 characters, correct check letter)",
    }),
  legalForename: z.string().trim().min(1).max(100),
  legalSurname: z.string().trim().min(1).max(100),
  preferredForename: z.string().trim().max(100).nullable().default(null),
  preferredSurname: z.string().trim().max(100).nullable().default(null),
  dateOfBirth: isoDate,
  sex: z.enum(["F", "M", "X"]),
  registrationGroupId: id.nullable().default(null),
  yearGroupId: id.nullable().default(null),
  admissionDate: isoDate,
  leavingDate: isoDate.nullable().default(null),
  senSupport: z.boolean().default(false),
  ehcp: z.boolean().default(false),
  fsm: z.boolean().default(false),
  pupilPremium: z.boolean().default(false),
  lookedAfter: z.boolean().default(false),
  hasSocialWorker: z.boolean().default(false),
  medicalCondition: z.boolean().default(false),
});

/** A pupil as the caller may see them: safeguarding flags only for the roles that hold them. */
export function pupilView(pupil: Pupil, access: SchoolAccess) {
  return {
    id: pupil.id,
    upn: pupil.upn,
    name: displayName(pupil),
    legalForename: pupil.legal_forename,
    legalSurname: pupil.legal_surname,
    preferredForename: pupil.preferred_forename,
    dateOfBirth: pupil.date_of_birth,
    sex: pupil.sex,
    yearGroupId: pupil.year_group_id,
    registrationGroupId: pupil.registration_group_id,
    admissionDate: pupil.admission_date,
    leavingDate: pupil.leaving_date,
    flags: {
      senSupport: pupil.sen_support,
      ehcp: pupil.ehcp,
      fsm: pupil.fsm,
      pupilPremium: pupil.pupil_premium,
      medicalCondition: pupil.medical_condition,
    },
    ...(access.can("pupils.safeguarding")
      ? {
          safeguarding: {
            lookedAfter: pupil.looked_after,
            hasSocialWorker: pupil.has_social_worker,
            childProtectionPlan: pupil.child_protection_plan,
            childInNeedPlan: pupil.child_in_need_plan,
            safeguardingConcern: pupil.safeguarding_concern,
          },
        }
      : {}),
  };
}

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
        querystring: z.object({ q: z.string().max(100, "Search for at most 100 characters") }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      if (!access.can("school.view"))
        throw new RollbookError("forbidden", "Searching pupils is for school staff");
      return searchPupils(db, access, { text: request.query.q, date: momentOf(app.clock()).date });
    },
  );

  app.get(
    "/:schoolId/pupils",
    {
      schema: {
        tags: ["pupils"],
        summary:
          "Pupils on roll the caller may see (teachers: their groups; parents: their children)",
        params: schoolParams,
        querystring: z.object({
          groupId: id.optional(),
          date: isoDate.optional(),
          search: z.string().max(100).optional(),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const date = request.query.date ?? momentOf(app.clock()).date;
      let query = db.selectFrom("pupils").selectAll().where("school_id", "=", access.schoolId);
      if (request.query.groupId)
        query = query.where("registration_group_id", "=", request.query.groupId);
      if (request.query.search) {
        const term = `%${request.query.search.replaceAll(/[%_\\]/g, "")}%`;
        query = query.where((eb) =>
          eb.or([
            eb("legal_surname", "ilike", term),
            eb("legal_forename", "ilike", term),
            eb("preferred_forename", "ilike", term),
            eb("upn", "ilike", term),
          ]),
        );
      }
      const rows = await query.orderBy("legal_surname").orderBy("legal_forename").execute();
      const shown = rows.filter((p) => access.canSeePupil(p) && isOnRoll(p, date));
      // The access log names every pupil the list showed.
      access.audit.listed(
        access.schoolId,
        shown.map((p) => p.id),
      );
      return { pupils: shown.map((p) => pupilView(p, access)) };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId",
    {
      schema: {
        tags: ["pupils"],
        summary: "A pupil, with contacts for the roles that use them",
        params: pupilParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      const seesContacts =
        access.can("pupils.manage") ||
        access.can("pupils.safeguarding") ||
        access.children.includes(pupil.id);
      return {
        ...pupilView(pupil, access),
        ...(seesContacts ? { contacts: await contactsOf(db, access.schoolId, pupil.id) } : {}),
      };
    },
  );

  app.post(
    "/:schoolId/pupils",
    {
      schema: { tags: ["pupils"], summary: "Admit a pupil", params: schoolParams, body: pupilBody },
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
        body: z.object({
          priority: z.number().int().min(1).max(20),
          name: z.string().trim().min(1).max(200),
          relationship: z.string().trim().min(1).max(100),
          phone: z
            .string()
            .trim()
            .regex(/^\+?[0-9 ()-]{7,20}$/, "must be a phone number")
            .nullable()
            .default(null),
          email: z.email().nullable().default(null),
          address: z.string().max(500).nullable().default(null),
          parentalResponsibility: z.boolean().default(true),
          livesWithPupil: z.boolean().default(true),
        }),
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
        querystring: z.object({ from: isoDate.optional(), to: isoDate.optional() }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      const { from, to } = request.query;
      const range =
        from && to
          ? withinSchoolYears(await loadCalendar(db, access.schoolId), { from, to })
          : undefined;
      const history = await markHistory(db, access.schoolId, pupil.id, range);
      return { pupilId: pupil.id, history };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/statistics",
    {
      schema: {
        tags: ["statistics"],
        summary: "A pupil's attendance over a period",
        params: pupilParams,
        querystring: rangeQuery,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      const calendar = await loadCalendar(db, access.schoolId);
      const range = resolveRange(
        calendar,
        rangeRequestOf(request.query),
        momentOf(app.clock()).date,
      );
      return pupilReport(db, access.schoolId, pupil.id, range);
    },
  );
}
