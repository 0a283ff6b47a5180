import {
  decideLeave,
  leavePolicy,
  listLeaveRequests,
  requestLeave,
} from "../../app/follow-up/leave-requests.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  leaveDecided,
  leaveDecisionBody,
  leaveRequestBody,
  leaveRequested,
  leaveRequestList,
  leaveRequestParams,
  leaveRequestsQuery,
  pupilLeaveParams,
} from "./leave-requests.schema.ts";

/** Leave of absence in exceptional circumstances: families ask, the head of school decides. */
export async function leaveRequestRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/:schoolId/leave-requests",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Leave requests (parents see their own children's)",
        params: schoolParams,
        querystring: leaveRequestsQuery,
        response: { 200: leaveRequestList },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      return {
        requests: await listLeaveRequests(ctx, request.query),
        rules: await leavePolicy(ctx),
      };
    },
  );

  app.post(
    "/:schoolId/pupils/:pupilId/leave-requests",
    {
      schema: {
        tags: ["follow-up"],
        summary:
          "Ask for leave of absence in exceptional circumstances (the head of school decides)",
        params: pupilLeaveParams,
        body: leaveRequestBody,
        response: { 201: leaveRequested },
      },
    },
    async (request, reply) => {
      const created = await requestLeave(await request.useCaseContext(request.params.schoolId), {
        pupilId: request.params.pupilId,
        ...request.body,
      });
      reply.status(201);
      return { id: created };
    },
  );

  app.post(
    "/:schoolId/leave-requests/:requestId/decide",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Authorise (coded C, pre-filling registers) or refuse a leave request",
        params: leaveRequestParams,
        body: leaveDecisionBody,
        response: { 200: leaveDecided },
      },
    },
    async (request) =>
      decideLeave(await request.useCaseContext(request.params.schoolId), {
        requestId: request.params.requestId,
        ...request.body,
      }),
  );
}
