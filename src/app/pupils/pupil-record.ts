import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { markHistory } from "../../db/repositories/marks.ts";
import { contactsOf, pupilsMatching } from "../../db/repositories/pupils.ts";
import type { Contact, DB, Pupil } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { isOnRoll } from "../../domain/pupil.ts";
import type { SchoolAccess } from "../access/access.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import {
  type PupilReport,
  pupilReport,
  type RangeRequest,
  resolveRange,
  withinSchoolYears,
} from "../attendance-statistics.ts";
import { pupilCalendar } from "../dashboard.ts";
import { displayName } from "../registers/register.ts";

/** A pupil as the caller may see them: safeguarding flags only for the roles that hold them. */
export function pupilView(pupil: Pupil, access: SchoolAccess) {
  return {
    id: pupil.id,
    upn: pupil.upn,
    name: displayName(pupil),
    legalForename: pupil.legal_forename,
    legalSurname: pupil.legal_surname,
    preferredForename: pupil.preferred_forename,
    dateOfBirth: pupil.date_of_birth,
    sex: pupil.sex,
    yearGroupId: pupil.year_group_id,
    registrationGroupId: pupil.registration_group_id,
    admissionDate: pupil.admission_date,
    leavingDate: pupil.leaving_date,
    flags: {
      senSupport: pupil.sen_support,
      ehcp: pupil.ehcp,
      fsm: pupil.fsm,
      pupilPremium: pupil.pupil_premium,
      medicalCondition: pupil.medical_condition,
    },
    ...(access.can("pupils.safeguarding")
      ? {
          safeguarding: {
            lookedAfter: pupil.looked_after,
            hasSocialWorker: pupil.has_social_worker,
            childProtectionPlan: pupil.child_protection_plan,
            childInNeedPlan: pupil.child_in_need_plan,
            safeguardingConcern: pupil.safeguarding_concern,
          },
        }
      : {}),
  };
}

/**
 * The pupils on roll on `date` that the caller may see (a teacher their groups, a parent their
 * children), each named in the access log.
 */
export async function listPupils(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { date: IsoDate; groupId?: number | undefined; search?: string | undefined },
) {
  const rows = await pupilsMatching(db, access.schoolId, input);
  const shown = rows.filter((p) => access.canSeePupil(p) && isOnRoll(p, input.date));
  access.audit.listed(
    access.schoolId,
    shown.map((p) => p.id),
  );
  return { pupils: shown.map((p) => pupilView(p, access)) };
}

/** A pupil, with their contacts for the office, the DSL and the pupil's own parents. */
export async function showPupil(db: Kysely<DB>, access: SchoolAccess, pupilId: number) {
  const pupil = await visiblePupil(db, access, pupilId);
  const seesContacts =
    access.can("pupils.manage") ||
    access.can("pupils.safeguarding") ||
    access.children.includes(pupil.id);
  const contacts: Contact[] | undefined = seesContacts
    ? await contactsOf(db, access.schoolId, pupil.id)
    : undefined;
  return { ...pupilView(pupil, access), ...(contacts ? { contacts } : {}) };
}

/** A pupil's register entries and every amendment, within the school's years when a range is given. */
export async function pupilMarkHistory(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { pupilId: number; from?: IsoDate | undefined; to?: IsoDate | undefined },
) {
  const pupil = await visiblePupil(db, access, input.pupilId);
  const { from, to } = input;
  const range =
    from && to
      ? withinSchoolYears(await loadCalendar(db, access.schoolId), { from, to })
      : undefined;
  return { pupilId: pupil.id, history: await markHistory(db, access.schoolId, pupil.id, range) };
}

/** A pupil the caller may see, and a period of the school's calendar resolved for them. */
async function pupilOverPeriod(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { pupilId: number; range: RangeRequest; today: IsoDate },
) {
  const pupil = await visiblePupil(db, access, input.pupilId);
  const range = resolveRange(await loadCalendar(db, access.schoolId), input.range, input.today);
  return { pupil, range };
}

/** A pupil's attendance over a period of the school's calendar. */
export async function pupilStatisticsOver(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { pupilId: number; range: RangeRequest; today: IsoDate },
): Promise<PupilReport> {
  const { pupil, range } = await pupilOverPeriod(db, access, input);
  return pupilReport(db, access.schoolId, pupil.id, range);
}

/**
 * A pupil's marks day by day over a period of the school's calendar (the heat map). "Year to
 * date" means the whole year here: the heat map shows the year, the days to come left blank.
 */
export async function pupilCalendarOver(
  db: Kysely<DB>,
  access: SchoolAccess,
  input: { pupilId: number; range: RangeRequest; today: IsoDate },
) {
  const asked = input.range;
  const range: RangeRequest =
    asked.kind === "year_to_date" ? { kind: "period", period: "year", date: asked.date } : asked;
  const { pupil, range: period } = await pupilOverPeriod(db, access, { ...input, range });
  return { range: period, days: await pupilCalendar(db, access.schoolId, pupil.id, period) };
}
