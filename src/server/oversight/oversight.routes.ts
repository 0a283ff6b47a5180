import { z } from "zod";
import { benchmarksOverseen } from "../../app/oversight/benchmarks-overseen.ts";
import {
  conversationList,
  conversationPupils,
  overview,
  pupilAcrossSchools,
  schoolsInScope,
} from "../../app/oversight/overview.ts";
import { momentOf } from "../../app/registers/register.ts";
import { RollbookError } from "../../domain/errors.ts";
import { accessRecordOf } from "../audit/request-record.ts";
import { groupBenchmarksResponse } from "../benchmarks/benchmarks.schema.ts";
import { id } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  conversationListQuery,
  conversationListResponse,
  conversationPupilsQuery,
  conversationPupilsResponse,
  overviewResponse,
  pupilAcrossSchoolsResponse,
  scope,
  upnParams,
} from "./oversight.schema.ts";

/** Trust and local-authority views across many schools, read from each school's snapshot. */
export async function oversightRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const today = () => momentOf(app.clock()).date;

  app.get(
    "/schools",
    {
      schema: {
        tags: ["oversight"],
        summary:
          "Every school overseen, side by side (year to date), with the total summed from counts",
        querystring: scope,
        response: { 200: overviewResponse },
      },
    },
    async (request) => {
      const schoolIds = await schoolsInScope(db, request.requireActor(), request.query);
      return overview(db, schoolIds, today());
    },
  );

  app.get(
    "/conversation-list",
    {
      schema: {
        tags: ["oversight"],
        summary:
          "The termly conversation list: how many pupils are severely or persistently absent or at risk, by school",
        querystring: conversationListQuery,
        response: { 200: conversationListResponse },
      },
    },
    async (request) => {
      const { atRiskBelow, ...where } = request.query;
      const schoolIds = await schoolsInScope(db, request.requireActor(), where);
      return { atRiskBelow, schools: await conversationList(db, schoolIds, today(), atRiskBelow) };
    },
  );

  app.get(
    "/conversation-list/:schoolId",
    {
      schema: {
        tags: ["oversight"],
        summary:
          "One page of the pupils to discuss at one school, by concern, lowest attendance first",
        params: z.object({ schoolId: id }),
        querystring: conversationPupilsQuery,
        response: { 200: conversationPupilsResponse },
      },
    },
    async (request) => {
      const { atRiskBelow, offset, limit, ...where } = request.query;
      const schoolIds = await schoolsInScope(db, request.requireActor(), where);
      const { schoolId } = request.params;
      if (!schoolIds.includes(schoolId))
        throw new RollbookError("forbidden", `You do not oversee school ${schoolId}`);
      return conversationPupils(
        db,
        schoolId,
        today(),
        { atRiskBelow, offset, limit },
        accessRecordOf(request),
      );
    },
  );

  app.get(
    "/pupils/:upn",
    {
      schema: {
        tags: ["oversight"],
        summary: "One pupil's enrolments across the schools overseen, matched by UPN",
        params: upnParams,
        querystring: scope,
        response: { 200: pupilAcrossSchoolsResponse },
      },
    },
    async (request) => {
      const schoolIds = await schoolsInScope(db, request.requireActor(), request.query);
      return pupilAcrossSchools(
        db,
        schoolIds,
        request.params.upn,
        today(),
        accessRecordOf(request),
      );
    },
  );

  app.get(
    "/benchmarks",
    {
      schema: {
        tags: ["oversight"],
        summary:
          "The schools overseen, summed phase by phase, against DfE's local authority and England figures",
        querystring: scope,
        response: { 200: groupBenchmarksResponse },
      },
    },
    async (request) => benchmarksOverseen(db, request.requireActor(), request.query, today()),
  );
}
