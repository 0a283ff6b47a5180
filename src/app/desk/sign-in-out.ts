import { sessionAt } from "../../domain/desk.ts";
import { RollbookError } from "../../domain/errors.ts";
import { lateMark, minutesOfDay } from "../../domain/register-times.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { amendMark } from "../registers/amend-mark.ts";
import { momentOf, registerTimesOf } from "../registers/register.ts";

export interface Signing {
  id: number;
  pupilId: number;
  kind: "late_arrival" | "signed_out" | "back_in";
  date: string;
  at: string;
  session: "AM" | "PM";
  code: string | null;
  minutesLate: number | null;
  reason: string | null;
}

/** The time given at the desk (a late entry written up afterwards) or now; never in the future. */
function timeOfSigning(ctx: UseCaseContext, given: string | undefined) {
  const now = momentOf(ctx.clock());
  const at = given ?? now.clock;
  if (minutesOfDay(at) > minutesOfDay(now.clock))
    throw new RollbookError("invalid_input", `${at} is later than now (${now.clock})`);
  return { date: now.date, at };
}

/**
 * A late arrival signed in at reception: `L` with minutes late while the session's register is
 * open, `U` after it closed (the register-close rule in src/domain/register-times.ts), written to
 * the register through the amendment path, so the history keeps the tutor's mark and says why.
 */
export async function signInLate(
  ctx: UseCaseContext,
  input: { pupilId: number; at?: string | undefined; reason?: string | undefined },
): Promise<Signing> {
  ctx.access.require("marks.amend");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  const { date, at } = timeOfSigning(ctx, input.at);
  const times = await registerTimesOf(ctx.db, ctx.access.schoolId);
  const session = sessionAt(times, at);
  const { code, minutesLate } = lateMark(times, session, at);
  const why = input.reason?.trim();
  return inTransaction(ctx, "sign in a late arrival", async (tx) => {
    await amendMark(
      { ...ctx, db: tx },
      {
        pupilId: pupil.id,
        date,
        session,
        code,
        minutesLate,
        reason: `Signed in late at reception at ${at}${why ? `: ${why}` : ""}`,
      },
    );
    return record(ctx, tx, {
      pupilId: pupil.id,
      date,
      at,
      kind: "late_arrival",
      session,
      code,
      minutesLate,
      reason: why || null,
    });
  });
}

/** An early leaver signed out with the reason (a medical appointment, sent home ill...). */
export async function signOutPupil(
  ctx: UseCaseContext,
  input: { pupilId: number; at?: string | undefined; reason: string },
): Promise<Signing> {
  ctx.access.require("marks.amend");
  const reason = input.reason.trim();
  if (!reason) throw new RollbookError("invalid_input", "Signing out needs a reason");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  const { date, at } = timeOfSigning(ctx, input.at);
  const session = sessionAt(await registerTimesOf(ctx.db, ctx.access.schoolId), at);
  return inTransaction(ctx, "sign a pupil out", (tx) =>
    record(ctx, tx, {
      pupilId: pupil.id,
      date,
      at,
      kind: "signed_out",
      session,
      code: null,
      minutesLate: null,
      reason,
    }),
  );
}

/** A pupil who signed out coming back the same day. */
export async function signBackIn(
  ctx: UseCaseContext,
  input: { pupilId: number; at?: string | undefined },
): Promise<Signing> {
  ctx.access.require("marks.amend");
  const pupil = await visiblePupil(ctx.db, ctx.access, input.pupilId);
  const { date, at } = timeOfSigning(ctx, input.at);
  const last = await ctx.db
    .selectFrom("desk_signings")
    .select("kind")
    .where("school_id", "=", ctx.access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .where("date", "=", date)
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (last?.kind !== "signed_out")
    throw new RollbookError("invalid_input", "This pupil has not been signed out today");
  const session = sessionAt(await registerTimesOf(ctx.db, ctx.access.schoolId), at);
  return inTransaction(ctx, "sign a pupil back in", (tx) =>
    record(ctx, tx, {
      pupilId: pupil.id,
      date,
      at,
      kind: "back_in",
      session,
      code: null,
      minutesLate: null,
      reason: null,
    }),
  );
}

async function record(
  ctx: UseCaseContext,
  tx: UseCaseContext["db"],
  s: Omit<Signing, "id">,
): Promise<Signing> {
  const row = await tx
    .insertInto("desk_signings")
    .values({
      school_id: ctx.access.schoolId,
      pupil_id: s.pupilId,
      date: s.date,
      at_time: s.at,
      kind: s.kind,
      session: s.session,
      code: s.code,
      minutes_late: s.minutesLate,
      reason: s.reason,
      recorded_by: ctx.access.signature(),
      recorded_by_user_id: ctx.access.accountId,
      recorded_at: ctx.clock(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, ...s };
}
