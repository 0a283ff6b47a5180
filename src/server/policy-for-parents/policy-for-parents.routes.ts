import {
  printPolicyForParents,
  showPolicyForParents,
} from "../../app/policy/policy-for-parents.ts";
import { asDownload, PDF_FILE } from "../download.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { policyForParentsResponse } from "./policy-for-parents.schema.ts";

/** The policy page families read, on the parent portal and as a PDF to print or publish. */
export async function policyForParentsRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/:schoolId/policy/for-parents",
    {
      schema: {
        tags: ["policy"],
        summary:
          "The attendance policy in force, in families' words: the school day, first-day contact, the steps, leave and penalty notices; 404 before a policy is set",
        params: schoolParams,
        response: { 200: policyForParentsResponse },
      },
    },
    async (request) => showPolicyForParents(await request.useCaseContext(request.params.schoolId)),
  );

  app.get(
    "/:schoolId/policy/for-parents.pdf",
    {
      schema: {
        tags: ["policy"],
        summary: "The same page as a PDF on the school's letterhead",
        params: schoolParams,
        response: { 200: PDF_FILE },
      },
    },
    async (request, reply) => {
      const pdf = await printPolicyForParents(
        await request.useCaseContext(request.params.schoolId),
      );
      return asDownload(reply, "application/pdf", "attendance-policy.pdf").send(pdf);
    },
  );
}
