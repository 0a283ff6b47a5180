import { contactsOf } from "../../db/repositories/pupils.ts";
import type { Contact, Pupil } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { recordFlagChange } from "../safeguarding/flags.ts";

/** A pupil's details as the office enters them. */
export interface PupilDetails {
  upn: string;
  legalForename: string;
  legalSurname: string;
  preferredForename: string | null;
  preferredSurname: string | null;
  dateOfBirth: IsoDate;
  sex: "F" | "M" | "X";
  registrationGroupId: number | null;
  yearGroupId: number | null;
  admissionDate: IsoDate;
  leavingDate: IsoDate | null;
  senSupport: boolean;
  ehcp: boolean;
  fsm: boolean;
  pupilPremium: boolean;
  lookedAfter: boolean;
  hasSocialWorker: boolean;
  medicalCondition: boolean;
}

export interface ContactDetails {
  priority: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  parentalResponsibility: boolean;
  livesWithPupil: boolean;
}

function pupilRow(details: PupilDetails) {
  return {
    upn: details.upn,
    legal_forename: details.legalForename,
    legal_surname: details.legalSurname,
    preferred_forename: details.preferredForename,
    preferred_surname: details.preferredSurname,
    date_of_birth: details.dateOfBirth,
    sex: details.sex,
    year_group_id: details.yearGroupId,
    registration_group_id: details.registrationGroupId,
    admission_date: details.admissionDate,
    leaving_date: details.leavingDate,
    sen_support: details.senSupport,
    ehcp: details.ehcp,
    fsm: details.fsm,
    pupil_premium: details.pupilPremium,
    looked_after: details.lookedAfter,
    has_social_worker: details.hasSocialWorker,
    medical_condition: details.medicalCondition,
  };
}

/** Admits a pupil; a UPN already on the roll is refused with the pupil who holds it. */
export async function admitPupil(ctx: UseCaseContext, details: PupilDetails): Promise<Pupil> {
  const { access } = ctx;
  access.require("pupils.manage");
  const holder = await ctx.db
    .selectFrom("pupils")
    .select("id")
    .where("school_id", "=", access.schoolId)
    .where("upn", "=", details.upn)
    .executeTakeFirst();
  if (holder)
    throw new RollbookError(
      "conflict",
      `A pupil with UPN ${details.upn} is already on this school's roll (pupil ${holder.id})`,
    );
  return inTransaction(ctx, "admit pupil", async (tx) => {
    const pupil = await tx
      .insertInto("pupils")
      .values({ school_id: access.schoolId, ...pupilRow(details) })
      .returningAll()
      .executeTakeFirstOrThrow();
    access.audit.subject(pupil.id);
    return pupil;
  });
}

export async function changePupil(
  ctx: UseCaseContext,
  change: { pupilId: number; details: PupilDetails },
): Promise<Pupil> {
  const { access } = ctx;
  access.require("pupils.manage");
  const before = await visiblePupil(ctx.db, access, change.pupilId);
  if (change.details.leavingDate !== before.leaving_date)
    throw new RollbookError(
      "invalid_input",
      before.leaving_date === null
        ? "A pupil leaves the roll by deletion from the admission register, on one of the 2024 Regulations' grounds: POST /pupils/:pupilId/deletion"
        : `The pupil was deleted from the admission register on ${before.leaving_date}; that is kept as recorded`,
    );
  const row = pupilRow(change.details);
  return inTransaction(ctx, "change pupil", async (tx) => {
    // Safeguarding flags changed here keep their history too, as if set on their own.
    for (const [flag, value] of [
      ["looked_after", row.looked_after],
      ["has_social_worker", row.has_social_worker],
    ] as const) {
      if (before[flag] !== value)
        await recordFlagChange(
          tx,
          access,
          before.id,
          flag,
          value,
          "changed with the pupil's details",
        );
    }
    return tx
      .updateTable("pupils")
      .set(row)
      .where("school_id", "=", access.schoolId)
      .where("id", "=", before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Adds the contact at a priority, or replaces the one there; answers the pupil's contacts. */
export async function saveContact(
  ctx: UseCaseContext,
  change: { pupilId: number; contact: ContactDetails },
): Promise<Contact[]> {
  const { access } = ctx;
  access.require("pupils.manage");
  const pupil = await visiblePupil(ctx.db, access, change.pupilId);
  const c = change.contact;
  const values = {
    name: c.name,
    relationship: c.relationship,
    phone: c.phone,
    email: c.email,
    address: c.address,
    parental_responsibility: c.parentalResponsibility,
    lives_with_pupil: c.livesWithPupil,
  };
  return inTransaction(ctx, "save contact", async (tx) => {
    await tx
      .insertInto("contacts")
      .values({ school_id: access.schoolId, pupil_id: pupil.id, priority: c.priority, ...values })
      .onConflict((oc) => oc.columns(["school_id", "pupil_id", "priority"]).doUpdateSet(values))
      .execute();
    return contactsOf(tx, access.schoolId, pupil.id);
  });
}
