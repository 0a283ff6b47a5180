import { myForms as loadMyForms } from "../../app/my-form.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { myForms } from "./my-form.schema.ts";

/** The form tutor's own page: their form today and this year. */
export async function myFormRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/:schoolId/my-form",
    {
      schema: {
        tags: ["registers"],
        summary:
          "A form tutor's forms: today's registers, who is absent, the year's attendance and persistent absentees, absences to chase",
        params: schoolParams,
        response: { 200: myForms },
      },
    },
    async (request) => loadMyForms(await request.useCaseContext(request.params.schoolId)),
  );
}
