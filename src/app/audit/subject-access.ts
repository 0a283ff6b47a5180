import type { Kysely } from "kysely";
import { caseContracts, caseEvents, caseMeetings } from "../../db/repositories/cases.ts";
import type { DB } from "../../db/schema.ts";
import type { SchoolAccess } from "../access/access.ts";
import { caseEventFor, mayReadSafeguarding, WITHHELD } from "../access/safeguarding.ts";
import { accessToPupil } from "./access-log.ts";

/** Tables whose rows belong to one pupil and go into the export whole. */
type PupilTable =
  | "contacts"
  | "planned_absences"
  | "absence_reports"
  | "leave_requests"
  | "contact_log"
  | "transferred_attendance";

/**
 * Everything Rollbook holds about one pupil, for a subject access request: the record and
 * contacts, every register mark with its full history, planned absences, parents' reports and
 * leave requests, the policy's proposals, cases with their chronology, meetings, contracts, reviews
 * and interventions, the contact log, letters (their text), messages sent, and who has looked at
 * the record.
 */
export async function subjectAccessExport(
  db: Kysely<DB>,
  access: SchoolAccess,
  pupilId: number,
  at: Date,
) {
  access.require("pupils.subject_access");
  const { schoolId } = access;
  access.audit.subject(pupilId);
  const whole = (table: PupilTable) =>
    db
      .selectFrom(table)
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .orderBy("id")
      .execute();
  const [pupil, contacts, marks, history, planned, reports, leave, contactLog, transferred] =
    await Promise.all([
      db
        .selectFrom("pupils")
        .selectAll()
        .where("school_id", "=", schoolId)
        .where("id", "=", pupilId)
        .executeTakeFirst(),
      whole("contacts"),
      db
        .selectFrom("session_marks")
        .select(["date", "session", "code", "minutes_late", "recorded_by", "recorded_at"])
        .where("school_id", "=", schoolId)
        .where("pupil_id", "=", pupilId)
        .orderBy("date")
        .orderBy("session")
        .execute(),
      db
        .selectFrom("mark_history")
        .select(["date", "session", "previous_code", "code", "minutes_late"])
        .select(["changed_by", "changed_at", "reason", "source"])
        .where("school_id", "=", schoolId)
        .where("pupil_id", "=", pupilId)
        .orderBy("id")
        .execute(),
      whole("planned_absences"),
      whole("absence_reports"),
      whole("leave_requests"),
      whole("contact_log"),
      whole("transferred_attendance"),
    ]);
  const [letters, messages, proposals, cases, accessLog] = await Promise.all([
    db
      .selectFrom("letters")
      .select(["id", "letter_id", "addressee", "issued_on", "issued_by", "content", "case_id"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("outbox")
      .select(["channel", "to_address", "subject", "body", "purpose", "status"])
      .select(["created_at", "sent_at"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("proposed_actions")
      .select(["trigger_name", "explanation", "proposed_on", "status"])
      .select(["decided_by", "decided_at", "decision_reason"])
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .orderBy("id")
      .execute(),
    caseFiles(db, access, pupilId),
    accessToPupil(db, schoolId, pupilId),
  ]);
  // Whoever answers the request sees the safeguarding notes only if their role may read them;
  // without it they are left out (and the export says so) for the DSL to review and add.
  const safeguarding = mayReadSafeguarding(access);
  return {
    exportedAt: at.toISOString(),
    ...(safeguarding ? {} : { withheld: `Safeguarding notes: ${WITHHELD}` }),
    pupil:
      pupil && !safeguarding
        ? {
            ...pupil,
            looked_after: null,
            has_social_worker: null,
            safeguarding_concern: null,
            child_protection_plan: null,
            child_in_need_plan: null,
          }
        : pupil,
    safeguardingFlagChanges: safeguarding
      ? await db
          .selectFrom("pupil_flag_changes")
          .selectAll()
          .where("school_id", "=", schoolId)
          .where("pupil_id", "=", pupilId)
          .orderBy("id")
          .execute()
      : [],
    deletionsFromRoll: await db
      .selectFrom("roll_deletions")
      .selectAll()
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", pupilId)
      .orderBy("id")
      .execute(),
    contacts,
    register: { marks, history, plannedAbsences: planned, fromPreviousSchools: transferred },
    fromParents: { absenceReports: reports, leaveRequests: leave },
    policy: { proposedActions: proposals },
    cases,
    contactLog: safeguarding ? contactLog : [],
    letters,
    messages,
    accessLog,
  };
}

/** Each of the pupil's cases whole, as its page shows it. */
async function caseFiles(db: Kysely<DB>, access: SchoolAccess, pupilId: number) {
  const { schoolId } = access;
  const cases = await db
    .selectFrom("attendance_cases")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .orderBy("id")
    .execute();
  return Promise.all(
    cases.map(async (c) => ({
      ...c,
      events: (await caseEvents(db, schoolId, c.id)).map((e) => caseEventFor(access, e)),
      meetings: await caseMeetings(db, schoolId, c.id),
      contracts: await caseContracts(db, schoolId, c.id),
      interventions: await db
        .selectFrom("interventions")
        .selectAll()
        .where("school_id", "=", schoolId)
        .where("case_id", "=", c.id)
        .orderBy("id")
        .execute()
        .then((rows) => rows.map((i) => caseEventFor(access, i))),
    })),
  );
}
