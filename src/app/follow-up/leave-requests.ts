import { currentPolicy } from "../../db/repositories/policies.ts";
import type { SessionName } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { leaveRules } from "../../domain/policy/leave.ts";
import type { LeaveRules } from "../../domain/policy/types.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { insertPlannedAbsence } from "../registers/planned-absences.ts";
import { momentOf, PUPIL_NAME_COLUMNS, withPupilName } from "../registers/register.ts";

export interface LeaveRequest {
  pupilId: number;
  fromDate: IsoDate;
  fromSession: SessionName;
  toDate: IsoDate;
  toSession: SessionName;
  reason: string;
}

/** A parent asks for leave in exceptional circumstances, in advance; the head of school decides. */
export async function requestLeave(ctx: UseCaseContext, request: LeaveRequest): Promise<number> {
  const { access } = ctx;
  const at = ctx.clock();
  const today: IsoDate = momentOf(at).date;
  // Parents ask for their own children; the office may write a request down for a family.
  // Read-only roles (trust, LA, DSL) and teachers ask for nothing under their own name.
  await visiblePupil(ctx.db, access, request.pupilId);
  access.requireForPupil("leave_requests.record", request.pupilId);
  if (request.fromDate <= today)
    throw new RollbookError(
      "invalid_input",
      "Leave must be asked for in advance: choose dates from tomorrow",
    );
  if (`${request.toDate}${request.toSession}` < `${request.fromDate}${request.fromSession}`)
    throw new RollbookError("invalid_input", "The leave must end after it starts");
  if (request.reason.trim().length < 10)
    throw new RollbookError(
      "invalid_input",
      "Describe the exceptional circumstances (at least a sentence)",
    );
  const { id } = await inTransaction(ctx, "request leave", (tx) =>
    tx
      .insertInto("leave_requests")
      .values({
        school_id: access.schoolId,
        pupil_id: request.pupilId,
        from_date: request.fromDate,
        from_session: request.fromSession,
        to_date: request.toDate,
        to_session: request.toSession,
        reason: request.reason.trim(),
        requested_by: access.signature(),
        requested_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  return id;
}

/**
 * The head of school's decision. Authorised leave is coded C (leave for exceptional circumstances)
 * and pre-fills the registers; refused leave, if taken, is unauthorised (G), which the office
 * records when the absence happens.
 */
export async function decideLeave(
  ctx: UseCaseContext,
  decision: {
    requestId: number;
    authorise: boolean;
    reason: string;
    /** Which of the policy's exceptional circumstances applies: required to authorise when it lists any. */
    circumstance?: string | undefined;
    /** The head has found the leave is for a holiday. */
    holiday?: boolean | undefined;
  },
): Promise<{
  status: "authorised" | "refused";
  plannedAbsenceId: number | null;
  refusalLetter: string | null;
}> {
  const { access } = ctx;
  const at = ctx.clock();
  access.require("leave.authorise");
  if (!decision.reason.trim())
    throw new RollbookError(
      "invalid_input",
      "Give the reason for the decision; the family is told it",
    );
  const rules = leaveRules((await currentPolicy(ctx.db, access.schoolId))?.policy);
  const circumstance = decision.authorise ? authorisedCircumstance(rules, decision) : null;
  // One decision per request, even when two people press the button at once: the row is locked.
  return inTransaction(ctx, "decide leave", async (trx) => {
    const request = await trx
      .selectFrom("leave_requests")
      .selectAll()
      .where("school_id", "=", access.schoolId)
      .where("id", "=", decision.requestId)
      .forUpdate()
      .executeTakeFirst();
    if (!request) throw new RollbookError("not_found", `No leave request ${decision.requestId}`);
    access.audit.subject(request.pupil_id);
    if (request.status !== "pending")
      throw new RollbookError(
        "conflict",
        `Leave request ${request.id} was already ${request.status}`,
      );
    const planned = decision.authorise
      ? await insertPlannedAbsence(
          trx,
          access.schoolId,
          {
            pupilId: request.pupil_id,
            startDate: request.from_date,
            startSession: request.from_session,
            endDate: request.to_date,
            endSession: request.to_session,
            code: "C",
            reason: `Leave authorised by ${access.signature()}${circumstance ? ` (${circumstance})` : ""}: ${request.reason}`,
          },
          access.signature(),
        )
      : null;
    const status = decision.authorise ? ("authorised" as const) : ("refused" as const);
    await trx
      .updateTable("leave_requests")
      .set({
        status,
        decided_by: access.signature(),
        decided_at: at,
        decision_reason: circumstance
          ? `${circumstance}. ${decision.reason.trim()}`
          : decision.reason.trim(),
        planned_absence_id: planned,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", request.id)
      .execute();
    // The policy's refusal letter, for the head to write at once (Letters, or the pupil's page).
    const refusalLetter = decision.authorise ? null : (rules.refusalLetter ?? null);
    return { status, plannedAbsenceId: planned, refusalLetter };
  });
}

/**
 * The policy's leave rules hold when leave is authorised: a holiday is refused where the policy
 * says it is never exceptional, and the head names which of the policy's exceptional
 * circumstances applies, so every authorisation can be traced to the written policy.
 */
function authorisedCircumstance(
  rules: LeaveRules,
  decision: { circumstance?: string | undefined; holiday?: boolean | undefined },
): string | null {
  if (decision.holiday && rules.holidaysRefused)
    throw new RollbookError(
      "invalid_input",
      "The school's attendance policy does not treat a holiday as an exceptional circumstance: refuse the request, giving that reason",
    );
  const listed = rules.exceptionalCircumstances;
  if (listed.length === 0) return decision.circumstance?.trim() || null;
  const chosen = decision.circumstance?.trim();
  if (!chosen || !listed.includes(chosen))
    throw new RollbookError(
      "invalid_input",
      `Choose which of the policy's exceptional circumstances applies: ${listed.join("; ")}`,
      { exceptionalCircumstances: listed },
    );
  return chosen;
}

/** The school's leave requests, newest first; a parent sees only their own children's. */
export async function listLeaveRequests(
  ctx: UseCaseContext,
  filter: { status?: "pending" | "authorised" | "refused" | undefined },
) {
  const { db, access } = ctx;
  let query = db
    .selectFrom("leave_requests as l")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "l.school_id").onRef("p.id", "=", "l.pupil_id"),
    )
    .selectAll("l")
    .select(PUPIL_NAME_COLUMNS)
    .where("l.school_id", "=", access.schoolId);
  if (filter.status) query = query.where("l.status", "=", filter.status);
  if (!access.can("pupils.view_all"))
    query = query.where("l.pupil_id", "in", access.children.length > 0 ? access.children : [-1]);
  const rows = await query.orderBy("l.requested_at", "desc").execute();
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  // Staff and families see the pupil's name, never a number.
  return rows.map(({ school_id, ...r }) => withPupilName(r));
}

/** The policy's leave rules, shown beside the requests to whoever decides them. */
export async function leavePolicy(ctx: UseCaseContext): Promise<LeaveRules> {
  return leaveRules((await currentPolicy(ctx.db, ctx.access.schoolId))?.policy);
}
