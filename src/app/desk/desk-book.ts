import { visiblePupil } from "../access/visible-pupil.ts";
import type { UseCaseContext } from "../context.ts";
import { displayName } from "../registers/register.ts";

export interface BookEntry {
  id: number;
  pupilId: number;
  name: string;
  group: string | null;
  kind: "late_arrival" | "signed_out" | "back_in";
  date: string;
  at: string;
  session: "AM" | "PM";
  code: string | null;
  minutesLate: number | null;
  reason: string | null;
  recordedBy: string;
}

function entries(ctx: UseCaseContext) {
  return ctx.db
    .selectFrom("desk_signings as d")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "d.school_id").onRef("p.id", "=", "d.pupil_id"),
    )
    .leftJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .select([
      "d.id",
      "d.pupil_id",
      "d.kind",
      "d.date",
      "d.at_time",
      "d.session",
      "d.code",
      "d.minutes_late",
      "d.reason",
      "d.recorded_by",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "g.name as group",
    ])
    .where("d.school_id", "=", ctx.access.schoolId);
}

function present(r: Awaited<ReturnType<ReturnType<typeof entries>["execute"]>>[number]): BookEntry {
  return {
    id: r.id,
    pupilId: r.pupil_id,
    name: displayName(r),
    group: r.group,
    kind: r.kind,
    date: r.date,
    at: r.at_time,
    session: r.session,
    code: r.code,
    minutesLate: r.minutes_late,
    reason: r.reason,
    recordedBy: r.recorded_by,
  };
}

/** The reception book for a day, in the order people came and went. */
export async function deskBook(ctx: UseCaseContext, date: string): Promise<BookEntry[]> {
  ctx.access.require("office.view");
  const rows = await entries(ctx)
    .where("d.date", "=", date)
    .orderBy("d.at_time")
    .orderBy("d.id")
    .execute();
  ctx.access.audit.listed(
    ctx.access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  return rows.map(present);
}

/** One pupil's sign-ins and sign-outs, newest first, for their page. */
export async function pupilSignings(ctx: UseCaseContext, pupilId: number): Promise<BookEntry[]> {
  ctx.access.require("school.view");
  const pupil = await visiblePupil(ctx.db, ctx.access, pupilId);
  const rows = await entries(ctx)
    .where("d.pupil_id", "=", pupil.id)
    .orderBy("d.date", "desc")
    .orderBy("d.id", "desc")
    .limit(200)
    .execute();
  return rows.map(present);
}
