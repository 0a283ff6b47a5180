import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { z } from "zod";
import { SESSION_COOKIE } from "./auth/session.ts";

type Transform = typeof jsonSchemaTransform;
type TransformInput = Parameters<Transform>[0] & {
  route?: { method?: string | string[]; config?: { public?: boolean } };
};

/** The session cookie and the CSRF header every change carries (see src/server/auth/session.ts). */
export const SECURITY_SCHEMES = {
  session: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: "The session cookie set by POST /api/auth/login",
  },
  csrf: {
    type: "apiKey",
    in: "header",
    name: "x-csrf-token",
    description: "The session's CSRF token (from GET /api/auth/session), sent with every change",
  },
} as const;

/** A stable name per operation for generated clients: getSchoolsSchoolIdOfficeCallList. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, "")
    .split(/[/_.:{}-]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => (w[0] ?? "").toUpperCase() + w.slice(1)).join("");
}

/**
 * The zod transform, then what every operation should say: its operationId, and whether it needs
 * a session (public routes say `security: []`; changes also need the CSRF header).
 */
export const openApiTransform = (input: TransformInput) => {
  const out = jsonSchemaTransform(input);
  // A route declared without any schema (GET /health) still gets its name and security.
  const schema = (out.schema ?? {}) as Record<string, unknown>;
  if (schema.hide) return out;
  const method = [input.route?.method ?? "get"].flat()[0] ?? "get";
  schema.operationId ??= operationIdOf(method, out.url);
  if (input.route?.config?.public) schema.security = [];
  else if (!["GET", "HEAD"].includes(method.toUpperCase()))
    schema.security = [{ session: [], csrf: [] }];
  return { ...out, schema };
};

/** A route that answers with a redirect: documented as such, with no body. */
export function redirectResponse(description: string) {
  return z.null().describe(description);
}
