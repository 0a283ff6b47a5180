import { loadCalendar } from "../../db/repositories/calendar.ts";
import { markKey, type RecordResult, recordMarks } from "../../db/repositories/marks.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { codeOn, normaliseSymbol } from "../../domain/codes.ts";
import { RollbookError } from "../../domain/errors.ts";
import { isOnRoll } from "../../domain/pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { assertSchoolSession, momentOf } from "./register.ts";

export interface Amendment {
  pupilId: number;
  date: string;
  session: SessionName;
  code: string;
  minutesLate?: number | null | undefined;
  reason: string;
  /** Version of the mark the office saw; a later change by someone else is a conflict. */
  baseVersion?: number | undefined;
}

/**
 * The office changes one recorded mark (or records a missing one) with a reason: resolving an N
 * once the reason is known, or to O when none was found within 5 school days; recording U when a
 * pupil signs in after the register closed. The original stays in the history.
 */
export async function amendMark(
  ctx: UseCaseContext,
  amendment: Amendment,
): Promise<Omit<RecordResult, "versions"> & { version: number }> {
  const { db, access } = ctx;
  const instant = ctx.clock();
  const now = momentOf(instant);
  access.require("marks.amend");
  const reason = amendment.reason.trim();
  if (!reason) throw new RollbookError("invalid_input", "An amendment needs a reason");
  if (amendment.date > now.date) {
    throw new RollbookError(
      "invalid_input",
      "Marks for future sessions are recorded as planned absences",
    );
  }
  const pupil = await db
    .selectFrom("pupils")
    .select(["id", "upn", "admission_date", "leaving_date", "registration_group_id"])
    .where("school_id", "=", access.schoolId)
    .where("id", "=", amendment.pupilId)
    .executeTakeFirst();
  if (!pupil || !access.canSeePupil(pupil))
    throw new RollbookError("not_found", `No pupil ${amendment.pupilId} in this school`);
  access.audit.subject(pupil.id);
  const calendar = await loadCalendar(db, access.schoolId);
  assertSchoolSession(calendar, amendment.date, amendment.session);
  const code = codeOn(normaliseSymbol(amendment.code, amendment.session), amendment.date, {
    pupil: pupil.upn,
    session: amendment.session,
  }).symbol;
  if (code !== "Z" && !isOnRoll(pupil, amendment.date)) {
    throw new RollbookError("invalid_input", `${pupil.upn} is not on roll on ${amendment.date}`);
  }
  const minutesLate = code === "L" || code === "U" ? (amendment.minutesLate ?? null) : null;
  if ((code === "L" || code === "U") && minutesLate === null) {
    throw new RollbookError("invalid_input", `${code} needs the minutes late`);
  }
  const mark = {
    pupilId: pupil.id,
    date: amendment.date,
    session: amendment.session,
    code,
    minutesLate,
  };
  return inTransaction(ctx, "amend mark", async (tx) => {
    const result = await recordMarks(
      tx,
      access.schoolId,
      [mark],
      {
        by: access.signature(),
        at: instant,
        source: "amendment",
        reason,
        userId: access.accountId,
      },
      (existing) => {
        const current = existing.get(markKey(mark));
        if (
          current &&
          amendment.baseVersion !== undefined &&
          current.version !== amendment.baseVersion
        ) {
          throw new RollbookError(
            "conflict",
            `This mark was changed to ${current.code} by someone else since you loaded it; nothing was saved`,
            { current: current.code, version: current.version },
          );
        }
      },
    );
    const { versions, ...counts } = result;
    return { ...counts, version: versions.get(markKey(mark)) ?? 0 };
  });
}
