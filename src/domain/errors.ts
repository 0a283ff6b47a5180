/**
 * Errors a user can act on. The domain raises them with a stable code and a message that
 * names the row, field, pupil or date at fault; the edges (HTTP, CLI) map codes to statuses
 * and exit codes. Nothing else should reach a user.
 */
export type RollbookErrorCode =
  | "unknown_code"
  | "code_not_valid_on_date"
  | "invalid_date"
  | "invalid_calendar"
  | "not_a_school_session"
  | "invalid_input"
  | "import_rejected"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unauthenticated"
  | "rate_limited"
  | "unsupported_media_type"
  | "too_large"
  | "overloaded"
  | "database_unavailable"
  /** The school's MIS data platform (Wonde...) refused or failed a request: its reason is named. */
  | "mis_failed"
  /** The person's role must use two-factor sign-in and they have not set it up yet. */
  | "two_factor_setup_required";

export class RollbookError extends Error {
  readonly code: RollbookErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: RollbookErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "RollbookError";
    this.code = code;
    this.details = details;
  }
}

export function isRollbookError(error: unknown): error is RollbookError {
  return error instanceof RollbookError;
}
