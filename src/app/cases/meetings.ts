import type { Kysely } from "kysely";
import { addCaseEvent } from "../../db/repositories/cases.ts";
import type { DB, MeetingFormat } from "../../db/schema.ts";
import { addDays, dayLabel, type IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { caseworkRules } from "../../domain/policy/casework.ts";
import type { SchoolAccess } from "../access/access.ts";
import { caseToWork } from "./case-access.ts";

/** What the trust policy's Internal School Attendance Panel records. */
export interface MeetingAgenda {
  reasonForAbsence?: string;
  outcomesWanted?: string;
  howAchieved?: string;
  planActions?: string[];
  reviewDate?: IsoDate;
}

export interface MeetingInvitation {
  caseId: number;
  kind: string;
  scheduledFor: Date;
  /** The day the meeting takes place, London time: the notice is counted to it. */
  scheduledDay: IsoDate;
  format: MeetingFormat;
  location?: string | null;
  attendees: { name: string; role: string }[];
}

/**
 * Invites the family to a meeting with the notice the policy asks for (a week by default),
 * offering online or telephone as alternatives. A second invitation of the same kind follows a
 * missed first one; after the policy's number of misses, a professionals' meeting is held instead.
 */
export async function inviteToMeeting(
  db: Kysely<DB>,
  access: SchoolAccess,
  invitation: MeetingInvitation,
  today: IsoDate,
): Promise<{ meetingId: number; invitation: number }> {
  const { caseRecord, stored } = await caseToWork(db, access, invitation.caseId);
  const rules = caseworkRules(stored.policy);
  const earliest = addDays(today, rules.meetingNoticeDays);
  if (invitation.kind !== "professionals_meeting" && invitation.scheduledDay < earliest) {
    throw new RollbookError(
      "invalid_input",
      `A meeting needs at least ${rules.meetingNoticeDays} days' notice: the earliest date is ${dayLabel(earliest)}`,
    );
  }
  const earlier = await db
    .selectFrom("meetings")
    .select(["status", "invitation"])
    .where("school_id", "=", access.schoolId)
    .where("case_id", "=", caseRecord.id)
    .where("kind", "=", invitation.kind)
    .orderBy("invitation", "desc")
    .execute();
  const missed = earlier.filter((m) => m.status === "failed_to_attend").length;
  if (
    invitation.kind !== "professionals_meeting" &&
    missed >= rules.missedMeetingsBeforeProfessionalsMeeting
  ) {
    throw new RollbookError(
      "invalid_input",
      `The family has missed ${missed} ${invitation.kind.replaceAll("_", " ")}s: hold a professionals' meeting instead of inviting them again`,
    );
  }
  if (earlier.some((m) => m.status === "invited")) {
    throw new RollbookError(
      "conflict",
      `A ${invitation.kind.replaceAll("_", " ")} is already arranged for this case: record how it went first`,
    );
  }
  const number = (earlier[0]?.invitation ?? 0) + 1;
  const { id } = await db
    .insertInto("meetings")
    .values({
      school_id: access.schoolId,
      case_id: caseRecord.id,
      kind: invitation.kind,
      invitation: number,
      invited_on: today,
      scheduled_for: invitation.scheduledFor,
      format: invitation.format,
      location: invitation.location ?? null,
      attendees: JSON.stringify(invitation.attendees),
      recorded_by: access.signature(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const ordinal = number === 1 ? "" : number === 2 ? "second " : `${number}th `;
  await addCaseEvent(db, access.schoolId, caseRecord.id, {
    on: today,
    by: access.signature(),
    kind: "meeting_invited",
    summary:
      `${ordinal}invitation to ${withArticle(invitation.kind.replaceAll("_", " "))} on ${dayLabel(invitation.scheduledDay)} (${invitation.format.replace("_", " ")})`.replace(
        /^./,
        (c) => c.toUpperCase(),
      ),
    detail: { meetingId: id },
  });
  return { meetingId: id, invitation: number };
}

export interface MeetingRecord {
  meetingId: number;
  status: "held" | "failed_to_attend" | "cancelled";
  agenda?: MeetingAgenda;
  notes?: string | null;
  outcome?: string | null;
}

/** What happened at a meeting; for a missed one, the next step the process calls for. */
export async function recordMeeting(
  db: Kysely<DB>,
  access: SchoolAccess,
  record: MeetingRecord,
  today: IsoDate,
): Promise<{ nextStep: string | null }> {
  const meeting = await db
    .selectFrom("meetings")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", record.meetingId)
    .executeTakeFirst();
  if (!meeting)
    throw new RollbookError("not_found", `No meeting ${record.meetingId} in this school`);
  if (meeting.status !== "invited")
    throw new RollbookError(
      "conflict",
      `Meeting ${record.meetingId} was already recorded as ${meeting.status}`,
    );
  const { stored } = await caseToWork(db, access, meeting.case_id);
  const rules = caseworkRules(stored.policy);
  await db
    .updateTable("meetings")
    .set({
      status: record.status,
      agenda: record.agenda ? JSON.stringify(record.agenda) : null,
      notes: record.notes ?? null,
      outcome: record.outcome ?? null,
    })
    .where("school_id", "=", access.schoolId)
    .where("id", "=", meeting.id)
    .execute();
  let nextStep: string | null = null;
  if (record.status === "failed_to_attend") {
    nextStep =
      meeting.invitation >= rules.missedMeetingsBeforeProfessionalsMeeting
        ? "Telephone the family and record it; hold a professionals' meeting to agree support without them, and write to them (failed to attend)"
        : "Telephone the family and record it; send a second invitation noting the missed meeting, again offering online or telephone";
  }
  const kind = meeting.kind.replaceAll("_", " ");
  const summary =
    record.status === "held"
      ? `${kind} held${record.outcome ? `: ${record.outcome}` : ""}`
      : record.status === "failed_to_attend"
        ? `Family did not attend the ${kind} (invitation ${meeting.invitation})`
        : `${kind} cancelled`;
  await addCaseEvent(db, access.schoolId, meeting.case_id, {
    on: today,
    by: access.signature(),
    kind: `meeting_${record.status}`,
    summary: summary.replace(/^./, (c) => c.toUpperCase()),
    detail: { meetingId: meeting.id, agenda: record.agenda ?? null, nextStep },
  });
  return { nextStep };
}

/** "an attendance contract meeting", "a review meeting"; "isap" is read "an I-S-A-P". */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}
