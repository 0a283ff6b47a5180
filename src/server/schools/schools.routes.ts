import { z } from "zod";
import { visibleSchoolIds } from "../../app/access/access.ts";
import { type RangeRequest, resolveRange, schoolReport } from "../../app/attendance-statistics.ts";
import { calendarFileSchema } from "../../app/calendar-file.ts";
import { momentOf } from "../../app/registers/register.ts";
import { loadCalendar, saveAcademicYear } from "../../db/repositories/calendar.ts";
import { createSchool } from "../../db/repositories/schools.ts";
import { RollbookError } from "../../domain/errors.ts";
import { byFormName } from "../../domain/forms.ts";
import { validateRegisterTimes } from "../../domain/register-times.ts";
import { clock, rangeQuery, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";

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
    { schema: { tags: ["schools"], summary: "Schools the signed-in user can see" } },
    async (request) => {
      const ids = await visibleSchoolIds(db, request.requireActor());
      if (ids.length === 0) return { schools: [] };
      const schools = await db
        .selectFrom("schools")
        .leftJoin("trusts", "trusts.id", "schools.trust_id")
        .leftJoin("local_authorities as la", "la.code", "schools.la_code")
        .select([
          "schools.id",
          "schools.name",
          "schools.phase",
          "schools.urn",
          "trusts.name as trust",
          "la.name as localAuthority",
        ])
        .where("schools.id", "in", ids)
        .orderBy("schools.name")
        .execute();
      return { schools };
    },
  );

  app.post(
    "/",
    {
      schema: {
        tags: ["schools"],
        summary:
          "Add a school (administrators); its calendar and groups follow through the set-up routes",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          phase: z.enum([
            "nursery",
            "primary",
            "secondary",
            "all_through",
            "special",
            "alternative_provision",
          ]),
          urn: z
            .string()
            .regex(/^\d{6}$/, "must be six digits")
            .nullable()
            .default(null),
          estab: z
            .string()
            .regex(/^\d{4}$/, "must be the four-digit DfE establishment number")
            .nullable()
            .default(null),
          address: z.string().max(500).default(""),
          trustName: z.string().trim().min(1).max(200).nullable().default(null),
          localAuthority: z
            .object({
              code: z.string().regex(/^\d{3}$/, "must be three digits"),
              name: z.string().min(1),
            })
            .nullable()
            .default(null),
        }),
      },
    },
    async (request, reply) => {
      if (!request.requireActor().grants.some((g) => g.role === "admin")) {
        throw new RollbookError("forbidden", "Only an administrator can add a school");
      }
      if (request.body.urn) {
        const taken = await db
          .selectFrom("schools")
          .select("id")
          .where("urn", "=", request.body.urn)
          .executeTakeFirst();
        if (taken)
          throw new RollbookError(
            "conflict",
            `A school with URN ${request.body.urn} already exists (school ${taken.id})`,
          );
      }
      const school = await createSchool(db, request.body);
      reply.status(201);
      return { id: school.id, name: school.name };
    },
  );

  app.get(
    "/:schoolId",
    {
      schema: {
        tags: ["schools"],
        summary: "A school, its register times and groups",
        params: schoolParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const school = await db
        .selectFrom("schools")
        .selectAll()
        .where("id", "=", access.schoolId)
        .executeTakeFirstOrThrow();
      const [yearGroups, registrationGroups] = await Promise.all([
        db
          .selectFrom("year_groups")
          .select(["id", "name", "nc_year"])
          .where("school_id", "=", school.id)
          .orderBy("nc_year")
          .execute(),
        db
          .selectFrom("registration_groups")
          .select(["id", "name", "year_group_id"])
          .where("school_id", "=", school.id)
          .execute()
          .then((groups) => byFormName(groups, (g) => g.name)),
      ]);
      return {
        id: school.id,
        name: school.name,
        phase: school.phase,
        urn: school.urn,
        address: school.address,
        registerTimes: {
          amOpens: school.am_register_opens,
          amCloses: school.am_register_closes,
          pmOpens: school.pm_register_opens,
          pmCloses: school.pm_register_closes,
        },
        yearGroups,
        registrationGroups: registrationGroups.filter((g) => access.canViewRegister(g.id)),
        yourRoles: access.roles,
        /** What the caller may do in this school: the web app shows only these. */
        permissions: access.permissionList(),
      };
    },
  );

  app.patch(
    "/:schoolId/settings",
    {
      schema: {
        tags: ["schools"],
        summary:
          "Change register opening and closing times (at most 30 minutes open) and the school's DfE establishment number",
        params: schoolParams,
        body: z
          .object({
            registerTimes: z
              .object({ amOpens: clock, amCloses: clock, pmOpens: clock, pmCloses: clock })
              .optional(),
            estab: z
              .string()
              .regex(/^\d{4}$/, "must be the four-digit DfE establishment number")
              .optional(),
          })
          .refine((b) => b.registerTimes !== undefined || b.estab !== undefined, {
            message: "give registerTimes, estab or both",
          }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("school.setup");
      const { estab } = request.body;
      const times = request.body.registerTimes
        ? validateRegisterTimes(request.body.registerTimes)
        : undefined;
      await db
        .updateTable("schools")
        .set({
          ...(times
            ? {
                am_register_opens: times.amOpens,
                am_register_closes: times.amCloses,
                pm_register_opens: times.pmOpens,
                pm_register_closes: times.pmCloses,
              }
            : {}),
          ...(estab ? { estab } : {}),
        })
        .where("id", "=", access.schoolId)
        .execute();
      return { ...(times ? { registerTimes: times } : {}), ...(estab ? { estab } : {}) };
    },
  );

  app.get(
    "/:schoolId/calendar",
    { schema: { tags: ["schools"], summary: "Term dates and closures", params: schoolParams } },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const calendar = await loadCalendar(db, access.schoolId);
      return { academicYears: calendar.years };
    },
  );

  app.put(
    "/:schoolId/calendar",
    {
      schema: {
        tags: ["schools"],
        summary: "Set term dates (the calendar file format of docs/formats.md)",
        params: schoolParams,
        body: calendarFileSchema,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("school.setup");
      for (const year of request.body.academicYears)
        await saveAcademicYear(db, access.schoolId, year);
      const calendar = await loadCalendar(db, access.schoolId);
      return { academicYears: calendar.years };
    },
  );

  app.get(
    "/:schoolId/statistics",
    {
      schema: {
        tags: ["statistics"],
        summary: "The school's attendance by year group and registration group",
        params: schoolParams,
        querystring: rangeQuery,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const calendar = await loadCalendar(db, access.schoolId);
      const range = resolveRange(
        calendar,
        rangeRequestOf(request.query),
        momentOf(app.clock()).date,
      );
      return schoolReport(db, access.schoolId, range);
    },
  );
}
