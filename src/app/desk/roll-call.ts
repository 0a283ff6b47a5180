import { sql } from "kysely";
import type { SessionName } from "../../domain/calendar.ts";
import { sessionAt, type WhereAbouts, whereabouts } from "../../domain/desk.ts";
import { RollbookError } from "../../domain/errors.ts";
import { compareFormNames } from "../../domain/forms.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { displayName, momentOf, registerTimesOf } from "../registers/register.ts";

export interface RollCallPupil {
  pupilId: number;
  name: string;
  whereabouts: WhereAbouts;
  /** Ticked in the drill under way: found (true), marked missing (false), or not yet (null). */
  found: boolean | null;
  tickedBy: string | null;
}

export interface RollCall {
  date: string;
  at: string;
  session: SessionName;
  drill: { id: number; startedBy: string; startedAt: Date } | null;
  forms: { group: string; pupils: RollCallPupil[] }[];
  counts: Record<WhereAbouts, number> & { found: number };
}

async function openDrill(ctx: UseCaseContext) {
  return ctx.db
    .selectFrom("roll_calls")
    .select(["id", "started_by", "started_at"])
    .where("school_id", "=", ctx.access.schoolId)
    .where("ended_at", "is", null)
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/**
 * Who is on site now, form by form: the session's marks (in the afternoon, the morning's until
 * the afternoon register is taken), planned absences and the desk's signings out and back in; with
 * the ticks of a drill under way. One query over the roll, so it answers in a drill.
 */
export async function rollCall(ctx: UseCaseContext): Promise<RollCall> {
  const { access } = ctx;
  access.require("office.view");
  const now = momentOf(ctx.clock());
  const session = sessionAt(await registerTimesOf(ctx.db, access.schoolId), now.clock);
  const drill = await openDrill(ctx);
  const { rows } = await sql<{
    id: number;
    legal_forename: string;
    legal_surname: string;
    preferred_forename: string | null;
    preferred_surname: string | null;
    group: string | null;
    am: string | null;
    pm: string | null;
    planned: boolean;
    signing: "late_arrival" | "signed_out" | "back_in" | null;
    found: boolean | null;
    ticked_by: string | null;
  }>`
    select p.id, p.legal_forename, p.legal_surname, p.preferred_forename, p.preferred_surname,
           g.name as "group", am.code as am, pm.code as pm,
           exists (select 1 from planned_absences a
                   where a.school_id = p.school_id and a.pupil_id = p.id and a.cancelled_at is null
                     and (a.start_date, a.start_session) <= (${now.date}::date, ${session}::text)
                     and (a.end_date, a.end_session) >= (${now.date}::date, ${session}::text)) as planned,
           d.kind as signing, t.found, t.ticked_by
    from pupils p
    left join registration_groups g on g.school_id = p.school_id and g.id = p.registration_group_id
    left join session_marks am on am.school_id = p.school_id and am.pupil_id = p.id
                              and am.date = ${now.date} and am.session = 'AM'
    left join session_marks pm on pm.school_id = p.school_id and pm.pupil_id = p.id
                              and pm.date = ${now.date} and pm.session = 'PM'
    left join lateral (select kind from desk_signings d
                       where d.school_id = p.school_id and d.pupil_id = p.id and d.date = ${now.date}
                       order by d.id desc limit 1) d on true
    left join lateral (select found, ticked_by from roll_call_ticks t
                       where t.school_id = p.school_id and t.pupil_id = p.id
                         and t.roll_call_id = ${drill?.id ?? -1}
                       order by t.id desc limit 1) t on true
    where p.school_id = ${access.schoolId} and p.admission_date <= ${now.date}
      and (p.leaving_date is null or p.leaving_date >= ${now.date})
    order by p.legal_surname, p.legal_forename, p.id`.execute(ctx.db);
  const byForm = new Map<string, RollCallPupil[]>();
  const counts = { on_site: 0, signed_out: 0, away: 0, not_marked: 0, found: 0 };
  for (const r of rows) {
    const where = whereabouts({
      mark: session === "PM" ? (r.pm ?? r.am) : r.am,
      planned: r.planned,
      lastSigning: r.signing,
    });
    counts[where] += 1;
    if (r.found) counts.found += 1;
    const group = r.group ?? "No form";
    const list = byForm.get(group) ?? [];
    list.push({
      pupilId: r.id,
      name: displayName(r),
      whereabouts: where,
      found: r.found,
      tickedBy: r.ticked_by,
    });
    byForm.set(group, list);
  }
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.id),
  );
  return {
    date: now.date,
    at: now.clock,
    session,
    drill: drill
      ? { id: drill.id, startedBy: drill.started_by, startedAt: drill.started_at }
      : null,
    forms: [...byForm]
      .sort(([a], [b]) => compareFormNames(a, b))
      .map(([group, pupils]) => ({ group, pupils })),
    counts,
  };
}

/** A fire drill (or a real evacuation) starts: ticks from now on belong to it. */
export async function startRollCall(ctx: UseCaseContext): Promise<{ id: number }> {
  ctx.access.require("roll_call.take");
  if (await openDrill(ctx))
    throw new RollbookError("conflict", "A roll call is already under way: finish it first");
  return inTransaction(ctx, "start a roll call", (tx) =>
    tx
      .insertInto("roll_calls")
      .values({
        school_id: ctx.access.schoolId,
        started_by: ctx.access.signature(),
        started_at: ctx.clock(),
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
}

/** A pupil found (or not) at the assembly point; the last tick counts, every tick is kept. */
export async function tickRollCall(
  ctx: UseCaseContext,
  input: { rollCallId: number; pupilId: number; found: boolean },
): Promise<{ found: boolean; tickedBy: string }> {
  ctx.access.require("roll_call.take");
  const drill = await openDrill(ctx);
  if (!drill || drill.id !== input.rollCallId)
    throw new RollbookError("conflict", "This roll call has finished; start a new one");
  const pupil = await ctx.db
    .selectFrom("pupils")
    .select("id")
    .where("school_id", "=", ctx.access.schoolId)
    .where("id", "=", input.pupilId)
    .executeTakeFirst();
  if (!pupil) throw new RollbookError("not_found", `No pupil ${input.pupilId} in this school`);
  ctx.access.audit.subject(pupil.id);
  const by = ctx.access.signature();
  await inTransaction(ctx, "tick a roll call", (tx) =>
    tx
      .insertInto("roll_call_ticks")
      .values({
        school_id: ctx.access.schoolId,
        roll_call_id: drill.id,
        pupil_id: pupil.id,
        found: input.found,
        ticked_by: by,
        ticked_at: ctx.clock(),
      })
      .execute(),
  );
  return { found: input.found, tickedBy: by };
}

/** The drill is over; its ticks stay with it. */
export async function finishRollCall(ctx: UseCaseContext, rollCallId: number): Promise<void> {
  ctx.access.require("roll_call.take");
  await inTransaction(ctx, "finish a roll call", async (tx) => {
    const done = await tx
      .updateTable("roll_calls")
      .set({ ended_by: ctx.access.signature(), ended_at: ctx.clock() })
      .where("school_id", "=", ctx.access.schoolId)
      .where("id", "=", rollCallId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0)
      throw new RollbookError("not_found", `No roll call ${rollCallId} under way`);
  });
}
