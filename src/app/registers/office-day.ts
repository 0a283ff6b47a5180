import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import type { SchoolAccess } from "../access/access.ts";
import { contactCheck } from "../follow-up/contact-check.ts";
import {
  latesOn,
  outstandingNCodes,
  registersNotTaken,
  unexplainedAbsences,
} from "./office-views.ts";
import type { Moment } from "./register.ts";

/** The office's day: registers not yet taken, absences without a reason (N) and lates. */
export async function officeDay(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { date: IsoDate; now: Moment },
) {
  access.require("office.view");
  const [notTaken, unexplained, lates] = await Promise.all([
    registersNotTaken(db, access.schoolId, input.date, input.now),
    unexplainedAbsences(db, access.schoolId, input.date),
    latesOn(db, access.schoolId, input.date),
  ]);
  return {
    date: input.date,
    registersNotTaken: notTaken,
    unexplainedAbsences: unexplained,
    lates,
  };
}

/** Outstanding N codes, oldest first; with `dueOnly` those whose five school days have passed. */
export async function nCodesToResolve(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { today: IsoDate; dueOnly: boolean },
) {
  access.require("office.view");
  const all = await outstandingNCodes(db, access.schoolId, input.today);
  return { today: input.today, nCodes: input.dueOnly ? all.filter((n) => n.due) : all };
}

/** The school's contact check, or one pupil's part of it for their page. */
export async function contactCheckOf(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { today: IsoDate; minimum: number; pupilId?: number | undefined },
) {
  access.require("office.view");
  const check = await contactCheck(db, access.schoolId, input.today, input.minimum);
  if (input.pupilId === undefined) return check;
  const pupils = check.pupils.filter((p) => p.pupilId === input.pupilId);
  return { ...check, belowMinimum: pupils.filter((p) => p.belowMinimum).length, pupils };
}
