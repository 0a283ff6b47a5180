import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionName } from "../../domain/calendar.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { SchoolAccess } from "../access/access.ts";
import { pupilsWithPhotos } from "../pupils/pupil-photos.ts";
import { registerCodePicker } from "./code-picker.ts";
import { assertSchoolSession, findGroup, loadRegister, type Moment } from "./register.ts";
import { registerAlerts } from "./register-alerts.ts";

export interface RegisterToShow {
  groupId: number;
  date: string;
  session: SessionName;
}

/**
 * A register as the tutor opens it: only on a school session, only for someone who may see the
 * group's registers, with each pupil's alert icons and photo and the school's code picker. The
 * access log names every pupil it shows.
 */
export async function showRegister(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: RegisterToShow,
  now: Moment,
) {
  const { groupId, date, session } = input;
  await findGroup(db, access.schoolId, groupId);
  assertSchoolSession(await loadCalendar(db, access.schoolId), date, session);
  if (!access.canViewRegister(groupId))
    throw new RollbookError("forbidden", "You can only see the registers of your own groups");
  const [register, picker] = await Promise.all([
    loadRegister(db, access.schoolId, groupId, date, session, now),
    registerCodePicker(db, access.schoolId, date, session),
  ]);
  const ids = register.pupils.map((p) => p.pupilId);
  access.audit.listed(access.schoolId, ids);
  const [alerts, photos] = await Promise.all([
    registerAlerts(db, access, ids),
    pupilsWithPhotos(db, access.schoolId, ids),
  ]);
  const pupils = register.pupils.map((p) => ({
    ...p,
    alerts: alerts.get(p.pupilId) ?? [],
    photo: photos.has(p.pupilId),
  }));
  return { ...register, pupils, picker };
}
