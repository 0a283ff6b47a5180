import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isRollbookError, type RollbookErrorCode } from "../domain/errors.ts";

/** The one table from Rollbook's error codes to HTTP statuses. */
export const HTTP_STATUS: Record<RollbookErrorCode, number> = {
  unknown_code: 400,
  code_not_valid_on_date: 400,
  invalid_date: 400,
  invalid_calendar: 400,
  not_a_school_session: 400,
  invalid_input: 400,
  import_rejected: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unsupported_media_type: 415,
  too_large: 413,
  overloaded: 503,
  database_unavailable: 503,
  mis_failed: 502,
  two_factor_setup_required: 403,
};

/** Statuses Fastify and its plugins raise themselves, under Rollbook's codes. */
const FRAMEWORK_CODES: Record<number, RollbookErrorCode> = {
  404: "not_found",
  413: "too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const DATABASE_DOWN = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "57P01",
  "57P03",
  "08006",
  "08001",
]);

/** PostgreSQL's query_canceled: here, the statement timeout (src/db/database.ts). */
const STATEMENT_TIMED_OUT = "57014";

/** node-postgres reports a connection lost mid-query by message only, without a code. */
const CONNECTION_LOST =
  /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/;

export function isDatabaseDown(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return DATABASE_DOWN.has(code ?? "") || CONNECTION_LOST.test(message ?? "");
}

/**
 * Every failure leaves as JSON with a code and a message a person can act on; never a stack
 * trace. Unexpected errors are logged in full and answered with a plain 500.
 */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (isRollbookError(error)) {
    reply
      .status(HTTP_STATUS[error.code])
      .send(
        body(
          error.code,
          error.message,
          Object.keys(error.details).length ? error.details : undefined,
        ),
      );
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => {
      const where = `${error.validationContext ?? "request"}${v.instancePath ? v.instancePath.replaceAll("/", ".") : ""}`;
      return `${where}: ${v.message}`;
    });
    reply
      .status(400)
      .send(body("invalid_input", `The request is not valid: ${issues.join("; ")}`, { issues }));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const code = FRAMEWORK_CODES[status] ?? "invalid_input";
    const message =
      status === 413
        ? `The request body is larger than this address takes (${Math.round((request.routeOptions.bodyLimit ?? 0) / 1024)} KB)`
        : fastifyError.message;
    reply.status(status).send(body(code, message));
    return;
  }
  if ((error as { code?: string }).code === STATEMENT_TIMED_OUT) {
    request.log.warn({ err: error }, "statement timeout");
    reply
      .status(503)
      .header("retry-after", "30")
      .send(
        body(
          "database_unavailable",
          "The database took too long to answer and the request was stopped; nothing was saved. Try a shorter date range, or again later.",
        ),
      );
    return;
  }
  if (isDatabaseDown(error)) {
    request.log.warn({ err: error }, "database unavailable");
    reply
      .status(503)
      .header("retry-after", "5")
      .send(
        body(
          "database_unavailable",
          "The database is not answering just now; nothing was saved. Try again in a few seconds.",
        ),
      );
    return;
  }
  request.log.error({ err: error }, "unexpected error");
  reply
    .status(500)
    .send(
      body(
        "internal",
        "Something went wrong on the server; it has been logged. Nothing was half-saved.",
      ),
    );
}

export function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
