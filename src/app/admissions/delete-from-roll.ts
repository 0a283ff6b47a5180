import { sql } from "kysely";
import { notOfCompulsorySchoolAge } from "../../domain/age.ts";
import { dayLabel, type IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import {
  continuousUnauthorisedDays,
  deletionGround,
  MISSING_CHILD_DAYS,
} from "../../domain/roll-deletion.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { enqueue } from "../messages/outbox.ts";
import { loadEvaluationData } from "../policy/evaluation-data.ts";

export interface DeletionRequest {
  pupilId: number;
  ground: string;
  leavingDate: IsoDate;
  /** What makes the ground true: the new school, the parent's letter, the date of death... */
  details: string;
  /** The enquiries the school and the local authority made to find a missing child. */
  enquiries: string | null;
}

export interface Deletion {
  deletionId: number;
  leavingDate: IsoDate;
  notified: { to: string; who: "local_authority" | "social_worker" }[];
}

/** Refused with every reason at once, so the office knows all that must happen first. */
function refuse(reasons: string[]): never {
  throw new RollbookError(
    "invalid_input",
    `The pupil cannot be deleted from the admission register yet: ${reasons.join("; ")}`,
    { reasons },
  );
}

/**
 * Deletes a pupil from the admission register on one of the 2024 Regulations' grounds (reg 9):
 * the ground must fit the pupil's age; a ground about a missing child needs the enquiries made
 * with the local authority; and a child absent without authorisation for ten school days or more
 * cannot be taken off roll (on any ground but death) until they have been reported to the local
 * authority as missing education and the enquiries are recorded. The deletion is recorded with
 * who made it, and the local authority (and a social worker) are sent the deletion return.
 */
export async function deleteFromRoll(
  ctx: UseCaseContext,
  request: DeletionRequest,
  today: IsoDate,
): Promise<Deletion> {
  const { db, access } = ctx;
  access.require("pupils.manage");
  const pupil = await visiblePupil(db, access, request.pupilId);
  const reasons: string[] = [];
  const ground = deletionGround(request.ground);
  if (!ground) reasons.push(`"${request.ground}" is not a ground in the 2024 Regulations`);
  if (pupil.leaving_date !== null)
    reasons.push(`the pupil was already deleted from the register on ${pupil.leaving_date}`);
  if (request.leavingDate < pupil.admission_date)
    reasons.push(`the leaving date is before admission (${pupil.admission_date})`);
  const lastMark = await db
    .selectFrom("session_marks")
    .select(sql<string>`max(date)::text`.as("last"))
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .executeTakeFirst();
  if (lastMark?.last && lastMark.last > request.leavingDate)
    reasons.push(
      `the register has marks up to ${lastMark.last}: a pupil is not deleted retrospectively, the leaving date must be on or after the last recorded session`,
    );
  const age = notOfCompulsorySchoolAge(pupil.date_of_birth, request.leavingDate);
  if (ground?.appliesTo === "compulsory" && age)
    reasons.push(`"${ground.name}" is a ground for a pupil of compulsory school age, and ${age}`);
  if (ground?.appliesTo === "not_compulsory" && !age)
    reasons.push(`"${ground.name}" is a ground only for a pupil not of compulsory school age`);
  const { index, pupils } = await loadEvaluationData(db, access.schoolId, today, today, [pupil.id]);
  const absentDays = pupils[0] ? continuousUnauthorisedDays(index, pupils[0].codes, today) : 0;
  if (ground?.minimumContinuousAbsenceDays && absentDays < ground.minimumContinuousAbsenceDays)
    reasons.push(
      `"${ground.name}" needs ${ground.minimumContinuousAbsenceDays} school days of continuous unauthorised absence; the pupil has ${absentDays}`,
    );
  const missing = absentDays >= MISSING_CHILD_DAYS && ground?.id !== "died";
  if ((ground?.needsJointEnquiries || missing) && !request.enquiries?.trim())
    reasons.push(
      missing
        ? `the pupil has been absent without authorisation for ${absentDays} school days in a row: record the enquiries the school and the local authority made to find them`
        : "record the enquiries the school and the local authority made to find the child",
    );
  if (missing) {
    const reported = await db
      .selectFrom("interventions as i")
      .innerJoin("attendance_cases as c", (j) =>
        j.onRef("c.school_id", "=", "i.school_id").onRef("c.id", "=", "i.case_id"),
      )
      .select("i.id")
      .where("i.school_id", "=", access.schoolId)
      .where("c.pupil_id", "=", pupil.id)
      .where("i.kind", "=", "cme_report")
      .executeTakeFirst();
    if (!reported)
      reasons.push(
        `a child missing ${absentDays} school days must first be reported to the local authority as a child missing education (the case's missing-education report)`,
      );
  }
  const school = await db
    .selectFrom("schools")
    .select(["name", "la_notifications_email"])
    .where("id", "=", access.schoolId)
    .executeTakeFirstOrThrow();
  if (!school.la_notifications_email)
    reasons.push(
      "the local authority must be sent the deletion return: set its address (messaging settings, laNotificationsEmail) first",
    );
  if (reasons.length > 0 || !ground) refuse(reasons);

  const contacts = await db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .orderBy("priority")
    .execute();
  const name = `${pupil.legal_forename} ${pupil.legal_surname}`;
  const livesWith = contacts.filter((c) => c.lives_with_pupil && c.parental_responsibility);
  const returnBody = [
    `${school.name}: deletion from the admission register (School Attendance (Pupil Registration) (England) Regulations 2024, regulation 9).`,
    `Pupil: ${name}, UPN ${pupil.upn}, born ${dayLabel(pupil.date_of_birth)}.`,
    `Deleted from: ${dayLabel(request.leavingDate)}. Ground: ${ground.name}.`,
    `Details: ${request.details}`,
    ...(request.enquiries ? [`Enquiries made to find the child: ${request.enquiries}`] : []),
    ...(absentDays > 0 ? [`Continuous unauthorised absence: ${absentDays} school days.`] : []),
    "Parents the pupil lives with:",
    ...(livesWith.length > 0
      ? livesWith.map(
          (c) =>
            `- ${c.name} (${c.relationship}); address: ${c.address ?? "not held"}; phone: ${c.phone ?? "not held"}`,
        )
      : ["- none recorded"]),
    `Recorded by ${access.signature()}.`,
  ].join("\n");
  const socialWorker = pupil.has_social_worker
    ? contacts.find((c) => /social worker/i.test(c.relationship) && c.email)
    : undefined;
  const instant = ctx.clock();
  return inTransaction(ctx, "delete from admission register", async (tx) => {
    const { id } = await tx
      .insertInto("roll_deletions")
      .values({
        school_id: access.schoolId,
        pupil_id: pupil.id,
        ground: ground.id,
        leaving_date: request.leavingDate,
        details: request.details,
        enquiries: request.enquiries?.trim() || null,
        recorded_by: access.signature(),
        recorded_by_user_id: access.accountId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .updateTable("pupils")
      .set({ leaving_date: request.leavingDate })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", pupil.id)
      .execute();
    const notified: Deletion["notified"] = [];
    const la = school.la_notifications_email as string;
    await enqueue(
      tx,
      {
        schoolId: access.schoolId,
        idempotencyKey: `roll-deletion:${id}:la`,
        channel: "email",
        to: la,
        subject: `Deletion from the admission register: ${name} (${pupil.upn})`,
        body: returnBody,
        pupilId: pupil.id,
        purpose: "roll_deletion_return",
      },
      instant,
    );
    notified.push({ to: la, who: "local_authority" });
    if (socialWorker) {
      await enqueue(
        tx,
        {
          schoolId: access.schoolId,
          idempotencyKey: `roll-deletion:${id}:social-worker`,
          channel: "email",
          to: socialWorker.email as string,
          subject: `${pupil.preferred_forename ?? pupil.legal_forename} is leaving ${school.name}`,
          body: `${school.name} is letting you know that ${name} is deleted from the school's admission register from ${dayLabel(request.leavingDate)}: ${ground.name}. ${request.details}`,
          pupilId: pupil.id,
          contactId: socialWorker.id,
          purpose: "social_worker",
        },
        instant,
      );
      notified.push({ to: socialWorker.email as string, who: "social_worker" });
    }
    return { deletionId: id, leavingDate: request.leavingDate, notified };
  });
}
