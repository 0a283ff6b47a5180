import { z } from "zod";

/**
 * The one shape every failure leaves in (src/server/errors.ts): a stable code, a message a person
 * can act on, and for some codes details (the request's issues, the rows an import refused).
 */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

type FailureStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;

/** Response schemas for the failures a route answers with, each in the shared error shape. */
export function failures<S extends FailureStatus>(...statuses: S[]): Record<S, typeof errorBody> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody])) as Record<S, typeof errorBody>;
}
