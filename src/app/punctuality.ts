import type { Kysely } from "kysely";
import { pupilsOnRollWithGroup } from "../db/repositories/pupils.ts";
import type { DB } from "../db/schema.ts";
import type { DateRange } from "../domain/calendar.ts";
import {
  type FrequentLateArriver,
  type LateMark,
  type Punctuality,
  punctuality,
} from "../domain/punctuality.ts";
import { displayName } from "./registers/register.ts";

export interface SchoolPunctuality extends Omit<Punctuality, "frequentLateArrivers"> {
  range: DateRange;
  lateThreshold: number;
  frequentLateArrivers: (FrequentLateArriver & {
    upn: string;
    name: string;
    form: string | null;
  })[];
}

/**
 * The dashboard's punctuality figures for a date range: the school's current L and U marks (one
 * per session: `session_marks` holds the mark in force, amendments included) and its pupils on
 * roll with their form and year group, in two queries.
 */
export async function schoolPunctuality(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
  lateThreshold: number,
): Promise<SchoolPunctuality> {
  const [marks, onRoll] = await Promise.all([
    db
      .selectFrom("session_marks")
      .select(["pupil_id", "date", "session", "code", "minutes_late"])
      .where("school_id", "=", schoolId)
      .where("code", "in", ["L", "U"])
      .where("date", ">=", range.from)
      .where("date", "<=", range.to)
      .execute(),
    pupilsOnRollWithGroup(db, schoolId, range),
  ]);
  const lates: LateMark[] = marks.map((m) => ({
    pupilId: m.pupil_id,
    date: m.date,
    session: m.session,
    code: m.code as LateMark["code"],
    minutesLate: m.minutes_late,
  }));
  const figures = punctuality(
    lates,
    onRoll.map((p) => ({
      pupilId: p.id,
      yearGroup: p.year_group,
      ncYear: p.nc_year,
    })),
    lateThreshold,
  );
  const pupil = new Map(onRoll.map((p) => [p.id, p]));
  return {
    range,
    lateThreshold,
    ...figures,
    frequentLateArrivers: figures.frequentLateArrivers.map((arriver) => {
      const p = pupil.get(arriver.pupilId);
      return {
        ...arriver,
        upn: p?.upn ?? "",
        name: p ? displayName(p) : `Pupil ${arriver.pupilId}`,
        form: p?.group_name ?? null,
      };
    }),
  };
}
