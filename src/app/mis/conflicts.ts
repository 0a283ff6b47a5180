import { RollbookError } from "../../domain/errors.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { amendMark } from "../registers/amend-mark.ts";

export interface MisConflict {
  id: number;
  pupilId: number;
  pupil: string;
  date: string;
  session: "AM" | "PM";
  ours: string;
  oursMinutesLate: number | null;
  oursAt: Date | null;
  theirs: string;
  theirsMinutesLate: number | null;
  theirsAt: Date | null;
  foundAt: Date;
}

/** Marks on which the MIS and Rollbook disagree, for the office to decide; the oldest first. */
export async function listMisConflicts(ctx: UseCaseContext): Promise<MisConflict[]> {
  ctx.access.require("marks.amend");
  const rows = await ctx.db
    .selectFrom("mis_conflicts as c")
    .innerJoin("pupils as p", (join) =>
      join.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .select([
      "c.id",
      "c.pupil_id",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "c.date",
      "c.session",
      "c.ours",
      "c.ours_minutes_late",
      "c.ours_at",
      "c.theirs",
      "c.theirs_minutes_late",
      "c.theirs_at",
      "c.found_at",
    ])
    .where("c.school_id", "=", ctx.access.schoolId)
    .where("c.decision", "is", null)
    .orderBy("c.date")
    .orderBy("c.id")
    .limit(500)
    .execute();
  ctx.audit.listed(
    ctx.access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  return rows.map((r) => ({
    id: r.id,
    pupilId: r.pupil_id,
    pupil: `${r.preferred_forename ?? r.legal_forename} ${r.legal_surname}`,
    date: r.date,
    session: r.session,
    ours: r.ours,
    oursMinutesLate: r.ours_minutes_late,
    oursAt: r.ours_at,
    theirs: r.theirs,
    theirsMinutesLate: r.theirs_minutes_late,
    theirsAt: r.theirs_at,
    foundAt: r.found_at,
  }));
}

export interface ConflictDecision {
  conflictId: number;
  decision: "keep_ours" | "take_theirs";
  reason: string;
}

/**
 * The office decides a disagreement. Taking the MIS's mark is an amendment with the office's
 * reason (the one append-only path: the original stays in the history); keeping Rollbook's
 * releases its writeback, so the MIS is brought into line. Either way the decision is recorded.
 */
export async function decideMisConflict(
  ctx: UseCaseContext,
  input: ConflictDecision,
): Promise<{ decision: ConflictDecision["decision"] }> {
  ctx.access.require("marks.amend");
  const reason = input.reason.trim();
  if (!reason) throw new RollbookError("invalid_input", "Say why, for the register's history");
  const schoolId = ctx.access.schoolId;
  const conflict = await ctx.db
    .selectFrom("mis_conflicts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("id", "=", input.conflictId)
    .executeTakeFirst();
  if (!conflict)
    throw new RollbookError("not_found", `No conflict ${input.conflictId} in this school`);
  if (conflict.decision)
    throw new RollbookError(
      "conflict",
      `This disagreement was already decided by ${conflict.decided_by}`,
    );
  const at = ctx.clock();
  return inTransaction(ctx, "decide MIS conflict", async (tx) => {
    const inner = { ...ctx, db: tx };
    const session = (q: ReturnType<typeof tx.updateTable<"mis_writebacks">>) =>
      q
        .where("school_id", "=", schoolId)
        .where("pupil_id", "=", conflict.pupil_id)
        .where("date", "=", conflict.date)
        .where("session", "=", conflict.session)
        .where("state", "in", ["held", "pending"]);
    if (input.decision === "take_theirs") {
      await amendMark(inner, {
        pupilId: conflict.pupil_id,
        date: conflict.date,
        session: conflict.session,
        code: conflict.theirs,
        minutesLate: conflict.theirs_minutes_late,
        reason: `Taken from the MIS: ${reason}`,
      });
      // The MIS already holds this mark: nothing to write back for the session.
      await session(tx.updateTable("mis_writebacks"))
        .set({ state: "refused", last_error: "Not sent: the office took the MIS's mark instead" })
        .execute();
    } else {
      // Rollbook's mark goes to the MIS, sent again now even if it was held.
      const released = await session(tx.updateTable("mis_writebacks"))
        .set({ state: "pending", next_attempt_at: at, attempts: 0, last_error: null })
        .executeTakeFirst();
      if (Number(released.numUpdatedRows) === 0)
        await tx
          .insertInto("mis_writebacks")
          .values({
            school_id: schoolId,
            pupil_id: conflict.pupil_id,
            date: conflict.date,
            session: conflict.session,
            code: conflict.ours,
            minutes_late: conflict.ours_minutes_late,
            comment: reason.slice(0, 250),
            next_attempt_at: at,
            queued_at: at,
          })
          .execute();
    }
    await tx
      .updateTable("mis_conflicts")
      .set({ decision: input.decision, decided_by: ctx.access.signature(), decided_at: at, reason })
      .where("school_id", "=", schoolId)
      .where("id", "=", conflict.id)
      .execute();
    ctx.audit.subject(conflict.pupil_id);
    return { decision: input.decision };
  });
}
