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
 * roll with their form and year group, in three queries.
 */
export async function schoolPunctuality(
  db: Kysely<DB>,
  schoolId: number,
  range: DateRange,
  lateThreshold: number,
): Promise<SchoolPunctuality> {
  const [marks, onRoll, yearGroups] = await Promise.all([
    db
      .selectFrom("session_marks")
      .select(["pupil_id", "date", "session", "code", "minutes_late"])
      .where("school_id", "=", schoolId)
      .where("code", "in", ["L", "U"])
      .where("date", ">=", range.from)
      .where("date", "<=", range.to)
      .execute(),
    pupilsOnRollWithGroup(db, schoolId, range),
    // Year groups of the school's pupils; the roll above decides who is counted.
    db
      .selectFrom("pupils as p")
      .innerJoin("year_groups as y", (j) =>
        j.onRef("y.school_id", "=", "p.school_id").onRef("y.id", "=", "p.year_group_id"),
      )
      .select(["p.id", "y.name", "y.nc_year"])
      .where("p.school_id", "=", schoolId)
      .execute(),
  ]);
  const yearOf = new Map(yearGroups.map((y) => [y.id, y]));
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
      yearGroup: yearOf.get(p.id)?.name ?? null,
      ncYear: yearOf.get(p.id)?.nc_year ?? null,
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
