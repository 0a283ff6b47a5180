import { deleteFromRoll } from "../../app/admissions/delete-from-roll.ts";
import { momentOf } from "../../app/registers/register.ts";
import { dslList } from "../../app/safeguarding/dsl-list.ts";
import { safeguardingFlagsOf, setSafeguardingFlag } from "../../app/safeguarding/flags.ts";
import { DELETION_GROUNDS } from "../../domain/roll-deletion.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  deletionBody,
  deletionResponse,
  dslListQuery,
  dslListResponse,
  flagChangeBody,
  flagsResponse,
  groundsResponse,
  pupilParams,
} from "./safeguarding.schema.ts";

/** The DSL's named list, safeguarding flags with their history, and deletion from the admission register. */
export async function safeguardingRoutes(app: RouteApp): Promise<void> {
  const now = () => momentOf(app.clock());

  app.get(
    "/:schoolId/safeguarding/children",
    {
      schema: {
        tags: ["safeguarding"],
        summary:
          "The DSL's named list: children with a social worker, a CP or CIN plan, looked after or with a concern, with today's marks and follow-up",
        params: schoolParams,
        querystring: dslListQuery,
        response: { 200: dslListResponse },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const moment = now();
      const date = request.query.date ?? moment.date;
      return { date, children: await dslList(ctx, date, moment) };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/safeguarding-flags",
    {
      schema: {
        tags: ["safeguarding"],
        summary: "A pupil's safeguarding flags and every change to them (who, when, why)",
        params: pupilParams,
        response: { 200: flagsResponse },
      },
    },
    async (request) =>
      safeguardingFlagsOf(
        await request.useCaseContext(request.params.schoolId),
        request.params.pupilId,
      ),
  );

  app.post(
    "/:schoolId/pupils/:pupilId/safeguarding-flags",
    {
      schema: {
        tags: ["safeguarding"],
        summary:
          "Set or clear a safeguarding flag with the reason (kept, append-only); a concern puts the child on the first-day ladder's urgent route",
        params: pupilParams,
        body: flagChangeBody,
        response: { 201: flagsResponse },
      },
    },
    async (request, reply) => {
      const flags = await setSafeguardingFlag(
        await request.useCaseContext(request.params.schoolId),
        { pupilId: request.params.pupilId, ...request.body },
      );
      reply.status(201);
      return flags;
    },
  );

  app.get(
    "/:schoolId/roll-deletion-grounds",
    {
      schema: {
        tags: ["safeguarding"],
        summary:
          "The grounds on which a pupil may be deleted from the admission register (2024 Regulations, reg 9)",
        params: schoolParams,
        response: { 200: groundsResponse },
      },
    },
    async (request) => {
      (await request.schoolAccess(request.params.schoolId)).require("pupils.manage");
      return { grounds: [...DELETION_GROUNDS] };
    },
  );

  app.post(
    "/:schoolId/pupils/:pupilId/deletion",
    {
      schema: {
        tags: ["safeguarding"],
        summary:
          "Delete a pupil from the admission register on a 2024 Regulations ground; the local authority (and a social worker) are sent the deletion return",
        params: pupilParams,
        body: deletionBody,
        response: { 201: deletionResponse },
      },
    },
    async (request, reply) => {
      const deletion = await deleteFromRoll(
        await request.useCaseContext(request.params.schoolId),
        { pupilId: request.params.pupilId, ...request.body },
        now().date,
      );
      reply.status(201);
      return deletion;
    },
  );
}
