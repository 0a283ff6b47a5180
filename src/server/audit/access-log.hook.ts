import type { FastifyInstance, FastifyRequest } from "fastify";
import { logAccess } from "../../app/audit/access-log.ts";
import type { AccessAction } from "../../db/schema.ts";

/** Addresses that hand over a whole record: logged as exports rather than views. */
const EXPORTS =
  /\/(subject-access|evidence-pack|ctf)(\?|$)|\/(pdf|docx|zip)(\?|$)|\.pdf(\?|$)|[?&]format=(pdf|csv|xlsx)\b/;

const positive = (value: unknown) => {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : null;
};

/** The pupil a request is about: named in the address or body, or the pupil of the case asked for. */
async function pupilOf(app: FastifyInstance, request: FastifyRequest, schoolId: number) {
  const params = request.params as Record<string, string | undefined>;
  const body = request.body as Record<string, unknown> | null | undefined;
  const named = positive(
    params.pupilId ?? (body && typeof body === "object" ? body.pupilId : undefined),
  );
  if (named || !positive(params.caseId)) return named;
  const found = await app.database.db
    .selectFrom("attendance_cases")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("id", "=", positive(params.caseId) as number)
    .executeTakeFirst();
  return found?.pupil_id ?? null;
}

/**
 * Records every signed-in request to a school's data (who, which pupil where the address or body
 * names one, what, and the answer given), after the response has gone: logging never slows a
 * register save or blocks it, and a logging failure is itself logged.
 */
export function recordAccess(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const actor = request.actor;
    const schoolId = Number((request.params as { schoolId?: string } | undefined)?.schoolId);
    if (!actor || !Number.isInteger(schoolId) || schoolId <= 0) return;
    const action: AccessAction =
      request.method === "GET" ? (EXPORTS.test(request.url) ? "export" : "view") : "change";
    try {
      await logAccess(app.database.db, {
        schoolId,
        at: app.clock(),
        userId: actor.userId,
        actor: actor.name,
        action,
        pupilId: await pupilOf(app, request, schoolId),
        what: `${request.method} ${request.routeOptions.url ?? request.url.split("?")[0]}`,
        status: reply.statusCode,
      });
    } catch (error) {
      request.log.error({ err: error }, "could not record access to pupil data");
    }
  });
}
