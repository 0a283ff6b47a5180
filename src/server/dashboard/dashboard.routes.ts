import { z } from "zod";
import type { SchoolAccess } from "../../app/access/access.ts";
import { mayReadSafeguarding } from "../../app/access/safeguarding.ts";
import { resolveRange } from "../../app/attendance-statistics.ts";
import {
  SENSITIVE_COHORTS,
  schoolDashboard,
  withoutAbsenceMeasures,
  withoutGroupMeasures,
} from "../../app/dashboard.ts";
import { lastYearAtSameDate } from "../../app/dashboard-comparison.ts";
import { schoolPunctuality } from "../../app/punctuality.ts";
import { momentOf } from "../../app/registers/register.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import { absenceMeasuresOver } from "../../domain/absence-measures.ts";
import { WEEKDAY_NAMES } from "../../domain/dates.ts";
import { lateThresholdOf } from "../../domain/punctuality.ts";
import { rangeQuery, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { rangeRequestOf } from "../schools/schools.routes.ts";
import { dashboardPupilsResponse, lastYearResponse } from "../statistics.schema.ts";

export async function dashboardRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const today = () => momentOf(app.clock()).date;
  /** The period a dashboard figure is asked for, once the user may read the school's statistics. */
  const dashboardPeriod = async (access: SchoolAccess, query: z.infer<typeof rangeQuery>) => {
    access.require("statistics.view");
    const calendar = await loadCalendar(db, access.schoolId);
    const request = rangeRequestOf(query);
    const range = resolveRange(calendar, request, today());
    const kind = request.kind === "period" ? request.period : request.kind;
    return { calendar, range, measures: absenceMeasuresOver(calendar, kind, range, today()) };
  };

  app.get(
    "/:schoolId/dashboard",
    {
      schema: {
        tags: ["statistics"],
        summary: "The school dashboard: groups, cohorts, weekdays, weekly trend, pupils",
        params: schoolParams,
        querystring: rangeQuery,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { range, measures } = await dashboardPeriod(access, request.query);
      const [counted, stored] = await Promise.all([
        schoolDashboard(db, access.schoolId, range),
        currentPolicy(db, access.schoolId),
      ]);
      // Who is in the social-worker, looked-after and medical cohorts is a safeguarding detail.
      const named = (cohort: string) =>
        mayReadSafeguarding(access) || !SENSITIVE_COHORTS.has(cohort);
      const dashboard = {
        ...counted,
        pupils: counted.pupils.map((p) => ({ ...p, cohorts: p.cohorts.filter(named) })),
        listedCohorts: counted.cohorts.map((c) => c.cohort).filter(named),
      };
      return {
        ...(measures.counted ? dashboard : withoutAbsenceMeasures(dashboard)),
        absenceMeasures: measures,
        target: stored?.policy.target ?? null,
        bands: stored?.policy.bands ?? [],
      };
    },
  );

  app.get(
    "/:schoolId/dashboard/pupils",
    {
      schema: {
        tags: ["statistics"],
        summary:
          "The pupils behind a dashboard figure: over the period (a week of the week-by-week chart as from and to), or only its sessions on one weekday (a bar of the weekday chart)",
        params: schoolParams,
        querystring: rangeQuery.extend({
          weekday: z
            .enum(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], {
              message: "weekday must be Monday, Tuesday, Wednesday, Thursday or Friday",
            })
            .optional(),
        }),
        response: { 200: dashboardPupilsResponse },
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { range, measures } = await dashboardPeriod(access, request.query);
      const weekday = request.query.weekday;
      const counted = await schoolDashboard(db, access.schoolId, range, {
        weekday: weekday === undefined ? undefined : WEEKDAY_NAMES.indexOf(weekday),
      });
      const named = (cohort: string) =>
        mayReadSafeguarding(access) || !SENSITIVE_COHORTS.has(cohort);
      // One weekday's sessions are too few, and the wrong ones, for persistent absence.
      const withMeasures = measures.counted && weekday === undefined;
      return {
        range,
        weekday: weekday ?? null,
        pupils: counted.pupils.map((p) => ({
          ...p,
          cohorts: p.cohorts.filter(named),
          persistentlyAbsent: withMeasures ? p.persistentlyAbsent : null,
          severelyAbsent: withMeasures ? p.severelyAbsent : null,
        })),
      };
    },
  );

  app.get(
    "/:schoolId/dashboard/last-year",
    {
      schema: {
        tags: ["statistics"],
        summary:
          "The same period at the same date last year: the same dates a year earlier, counted exactly",
        params: schoolParams,
        querystring: rangeQuery,
        response: { 200: lastYearResponse },
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { calendar, range, measures } = await dashboardPeriod(access, request.query);
      const lastYear = await lastYearAtSameDate(db, access.schoolId, calendar, range);
      if (!lastYear.overall || measures.counted) return lastYear;
      return {
        ...lastYear,
        overall: withoutGroupMeasures(lastYear.overall),
        byYearGroup: lastYear.byYearGroup.map((g) => ({
          ...g,
          statistics: withoutGroupMeasures(g.statistics),
        })),
      };
    },
  );

  app.get(
    "/:schoolId/dashboard/punctuality",
    {
      schema: {
        tags: ["statistics"],
        summary:
          "Punctuality: late sessions (L, U), minutes lost, by weekday, minutes and year group, and the frequent late arrivers",
        params: schoolParams,
        querystring: rangeQuery.extend({
          /** Lates in the period that make a frequent late arriver; by default the school's policy's. */
          lateThreshold: z.coerce.number().int().min(2).max(20).optional(),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { range } = await dashboardPeriod(access, request.query);
      const threshold =
        request.query.lateThreshold ??
        Math.max(2, lateThresholdOf((await currentPolicy(db, access.schoolId))?.policy));
      return schoolPunctuality(db, access.schoolId, range, threshold);
    },
  );
}
