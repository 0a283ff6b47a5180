import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionName } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { byFormName } from "../../domain/forms.ts";
import { sessionsOffered } from "../../domain/school-sessions.ts";
import type { SchoolAccess } from "../access/access.ts";

/**
 * The registers of a day the caller may see, in form order, each session with who first took it
 * and when it was last saved (null: not taken), and which sessions the day has at all.
 */
export async function registersOfDay(db: Kysely<DB>, access: SchoolAccess, date: IsoDate) {
  if (!access.can("registers.take_own") && !access.can("registers.view_all"))
    throw new RollbookError("forbidden", "Registers are for school staff");
  const [groups, taken, calendar] = await Promise.all([
    db
      .selectFrom("registration_groups")
      .select(["id", "name"])
      .where("school_id", "=", access.schoolId)
      .execute(),
    db
      .selectFrom("registers_taken")
      .select(["registration_group_id", "session", "first_taken_by", "last_saved_at"])
      .where("school_id", "=", access.schoolId)
      .where("date", "=", date)
      .execute(),
    loadCalendar(db, access.schoolId),
  ]);
  const takenOf = (groupId: number, session: SessionName) => {
    const t = taken.find((r) => r.registration_group_id === groupId && r.session === session);
    return t ? { firstTakenBy: t.first_taken_by, lastSavedAt: t.last_saved_at } : null;
  };
  return {
    date,
    ...sessionsOffered(calendar, date),
    registers: byFormName(groups, (g) => g.name)
      .filter((g) => access.canViewRegister(g.id))
      .map((g) => ({
        groupId: g.id,
        group: g.name,
        AM: takenOf(g.id, "AM"),
        PM: takenOf(g.id, "PM"),
      })),
  };
}
