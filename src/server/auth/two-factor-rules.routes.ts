import {
  setTwoFactorRequiredRoles,
  twoFactorRequiredRoles,
} from "../../app/accounts/two-factor-rules.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { RouteApp } from "../route-app.ts";
import { twoFactorRules } from "./two-factor-rules.schema.ts";

/** Which staff roles must use two-factor sign-in: the deployment's setting, an administrator's. */
export async function twoFactorRuleRoutes(app: RouteApp): Promise<void> {
  const db = app.database.db;
  app.get(
    "/",
    {
      schema: {
        tags: ["auth"],
        summary: "The staff roles that must use two-factor sign-in (administrators)",
        response: { 200: twoFactorRules },
      },
    },
    async (request) => {
      if (!request.requireActor().grants.some((g) => g.role === "admin"))
        throw new RollbookError("forbidden", "Only administrators see this setting");
      return { requiredFor: await twoFactorRequiredRoles(db) };
    },
  );
  app.put(
    "/",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Require two-factor sign-in of these staff roles (people without it set it up at their next request)",
        body: twoFactorRules,
        response: { 200: twoFactorRules },
      },
    },
    async (request) => ({
      requiredFor: await setTwoFactorRequiredRoles(
        db,
        request.requireActor(),
        request.body.requiredFor,
      ),
    }),
  );
}
