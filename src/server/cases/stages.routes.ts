import { closeCaseWithOutcome, moveCaseStage, reopenCase } from "../../app/cases/case-moves.ts";
import type { RouteApp } from "../route-app.ts";
import { caseParams } from "./meetings.schema.ts";
import {
  closeCaseBody,
  closedCase,
  movedCase,
  moveStageBody,
  reopenCaseBody,
  reopenedCase,
} from "./stages.schema.ts";

/** A case's stages: moved on, closed with its outcome, reopened with a reason. */
export async function stageRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/cases/:caseId/stage",
    {
      schema: {
        tags: ["cases"],
        summary: "Move the case to another stage of the policy, with the reason",
        params: caseParams,
        body: moveStageBody,
        response: { 200: movedCase },
      },
    },
    async (request) =>
      moveCaseStage(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        ...request.body,
      }),
  );

  app.post(
    "/:schoolId/cases/:caseId/close",
    {
      schema: {
        tags: ["cases"],
        summary: "Close the case with its outcome",
        params: caseParams,
        body: closeCaseBody,
        response: { 200: closedCase },
      },
    },
    async (request) =>
      closeCaseWithOutcome(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        ...request.body,
      }),
  );

  app.post(
    "/:schoolId/cases/:caseId/reopen",
    {
      schema: {
        tags: ["cases"],
        summary: "Reopen a closed case at a stage, with the reason (a new case linked to it)",
        params: caseParams,
        body: reopenCaseBody,
        response: { 201: reopenedCase },
      },
    },
    async (request, reply) => {
      const reopened = await reopenCase(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        ...request.body,
      });
      reply.status(201);
      return reopened;
    },
  );
}
