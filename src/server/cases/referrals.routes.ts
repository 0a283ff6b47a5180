import {
  referToEarlyHelp,
  referToSchoolNursing,
  requestSafeAndWellCheck,
} from "../../app/cases/interventions.ts";
import { referralReadiness as readiness } from "../../app/cases/referral-readiness.ts";
import { failures } from "../error.schema.ts";
import type { RouteApp } from "../route-app.ts";
import { interventionRecorded } from "./cases.schema.ts";
import { caseParams } from "./meetings.schema.ts";
import { earlyHelpBody, referralReadiness, safeAndWellBody } from "./referrals.schema.ts";

const refusals = failures(400, 403, 404, 409);

/** The referral screen's data: every step's preconditions, checked by the step itself. */
export async function referralRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/:schoolId/cases/:caseId/referrals",
    {
      schema: {
        tags: ["cases"],
        summary: "Which referrals and legal steps can be taken today, and what must happen first",
        params: caseParams,
        response: { 200: referralReadiness },
      },
    },
    async (request) =>
      readiness(await request.useCaseContext(request.params.schoolId), request.params.caseId),
  );

  app.post(
    "/:schoolId/cases/:caseId/school-nursing-referral",
    {
      schema: {
        tags: ["cases"],
        summary: "Refer to the school nursing team (sickness continually reported)",
        params: caseParams,
        response: { 200: interventionRecorded, ...refusals },
      },
    },
    async (request) => ({
      interventionId: await referToSchoolNursing(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      ),
    }),
  );

  app.post(
    "/:schoolId/cases/:caseId/early-help-referral",
    {
      schema: {
        tags: ["cases"],
        summary: "Refer for a voluntary early help assessment, with the family's agreement",
        params: caseParams,
        body: earlyHelpBody,
        response: { 200: interventionRecorded, ...refusals },
      },
    },
    async (request) => ({
      interventionId: await referToEarlyHelp(
        await request.useCaseContext(request.params.schoolId),
        { caseId: request.params.caseId, ...request.body },
      ),
    }),
  );

  app.post(
    "/:schoolId/cases/:caseId/safe-and-well-check",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Ask the police for a safe-and-well check (a safeguarding concern, no contact after a home visit)",
        params: caseParams,
        body: safeAndWellBody,
        response: { 200: interventionRecorded, ...refusals },
      },
    },
    async (request) => ({
      interventionId: await requestSafeAndWellCheck(
        await request.useCaseContext(request.params.schoolId),
        { caseId: request.params.caseId, ...request.body },
      ),
    }),
  );
}
