import type { FastifyInstance, FastifyRequest } from "fastify";
import { type AccessEntry, logAccess } from "../../app/audit/access-log.ts";
import type { AccessAction } from "../../db/schema.ts";
import { accessRecordOf } from "./request-record.ts";

/**
 * Routes that hand over a whole record or a file: logged as exports rather than views. Judged on
 * the route the router matched and the parsed query, never the address as sent (which an
 * encoded or padded spelling could make look like something else).
 */
const EXPORT_ROUTES = /\/(subject-access|evidence-pack|ctf|:format|certificate\.pdf)$/;
const EXPORT_FORMATS = new Set(["pdf", "csv", "xlsx", "docx", "zip"]);

function isExport(request: FastifyRequest): boolean {
  if (EXPORT_ROUTES.test(request.routeOptions.url ?? "")) return true;
  const format = (request.query as { format?: unknown } | undefined)?.format;
  return typeof format === "string" && EXPORT_FORMATS.has(format);
}

/** A row id PostgreSQL's integer column can hold; anything else names no pupil. */
const rowId = (value: unknown) => {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : null;
};

/**
 * The pupil of a request no use case resolved (typically one refused before anything was loaded):
 * the pupil in the address, or the pupil of the case in the address. Never the body: a body's
 * `pupilId` is whatever the caller wrote.
 */
async function addressedPupil(app: FastifyInstance, request: FastifyRequest, schoolId: number) {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const named = rowId(params.pupilId);
  const caseId = rowId(params.caseId);
  if (named || !caseId) return named;
  const found = await app.database.db
    .selectFrom("attendance_cases")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("id", "=", caseId)
    .executeTakeFirst();
  return found?.pupil_id ?? null;
}

/**
 * Records every signed-in request to pupils' data after the response has gone: who, what, the
 * answer given, and the pupils the request resolved (the pupil a use case loaded, the case's
 * pupil, every pupil a list showed, in each school it showed them). A change whose use case wrote
 * its row in its own transaction (`inTransaction`) is not logged twice; what is logged here is
 * reads, refusals and failures (which changed nothing), and the changes not yet converted.
 * Logging never slows an answer, and a logging failure is itself logged.
 */
export function recordAccess(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const actor = request.actor;
    if (!actor) return;
    const record = accessRecordOf(request);
    const schoolId = rowId((request.params as { schoolId?: unknown } | undefined)?.schoolId);
    const action: AccessAction =
      request.method === "GET" ? (isExport(request) ? "export" : "view") : "change";
    const entry = (school: number): Omit<AccessEntry, "pupilId"> => ({
      schoolId: school,
      at: app.clock(),
      userId: actor.userId,
      actor: actor.name,
      action,
      pupilIds: record.listedIn(school),
      what: record.what ?? request.method,
      status: reply.statusCode,
    });
    try {
      // A change logged in its own transaction is not logged again, unless the request then
      // failed (a later step refused): that failure is recorded too.
      // A change not yet given its own transaction's row is still logged, after the answer; the
      // warning names it, so none stays unconverted unnoticed.
      if (schoolId && action === "change" && reply.statusCode < 400 && !record.changeLogged)
        request.log.warn(
          { route: request.routeOptions.url },
          "change logged after the answer, not in its own transaction",
        );
      if (schoolId && !(record.changeLogged && reply.statusCode < 400)) {
        await logAccess(app.database.db, {
          ...entry(schoolId),
          pupilId: record.subjectId ?? (await addressedPupil(app, request, schoolId)),
        });
      }
      // Lists across schools (a trust's overview, a UPN looked up in every school overseen):
      // one row in each school whose pupils were shown.
      for (const listedSchool of record.lists.keys()) {
        if (listedSchool === schoolId) continue;
        await logAccess(app.database.db, { ...entry(listedSchool), pupilId: null });
      }
    } catch (error) {
      request.log.error({ err: error }, "could not record access to pupil data");
    }
  });
}
