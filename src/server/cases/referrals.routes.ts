import { referralReadiness as readiness } from "../../app/cases/referral-readiness.ts";
import type { RouteApp } from "../route-app.ts";
import { caseParams } from "./meetings.schema.ts";
import { referralReadiness } from "./referrals.schema.ts";

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
}
