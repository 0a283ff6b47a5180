import type { Kysely, Transaction } from "kysely";
import { addCaseEvent } from "../../db/repositories/cases.ts";
import type { DB, MeetingFormat } from "../../db/schema.ts";
import { addDays, dayLabel, type IsoDate, londonClock, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { caseworkRules } from "../../domain/policy/casework.ts";
import type { Action, Policy } from "../../domain/policy/types.ts";
import type { SchoolAccess } from "../access/access.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { type IssuedLetters, issueLetters } from "../letters/issue-letters.ts";
import { letterTemplate } from "../letters/letter-templates.ts";
import { caseToWork } from "./case-access.ts";

/** What the trust policy's Internal School Attendance Panel records. */
export interface MeetingAgenda {
  reasonForAbsence?: string;
  outcomesWanted?: string;
  howAchieved?: string;
  planActions?: string[];
  reviewDate?: IsoDate;
}

/** Who a meeting brings together, in the seeds' words. */
export const INVITEE_ROLES = {
  parent: "Parent or carer",
  pupil: "Pupil",
  attendance_lead: "Attendance lead",
  ewo: "EWO / ASO",
  professional: "Other professional",
} as const;
export type InviteeRole = keyof typeof INVITEE_ROLES;

export interface Invitee {
  name: string;
  role: InviteeRole;
  /** A parent: the pupil's contact with parental responsibility. */
  contactId?: number | null;
  /** A professional's service: "Early Help", "School nursing". */
  organisation?: string | null;
}

export interface MeetingInvitation {
  caseId: number;
  kind: string;
  scheduledFor: Date;
  format: MeetingFormat;
  location?: string | null;
  invitees: Invitee[];
  /** The invitation letter written in the same step, with the meeting's fields merged. */
  letterId?: string | null;
}

export interface ScheduledMeeting {
  meetingId: number;
  invitation: number;
  letters: IssuedLetters | null;
}

const humanKind = (kind: string) => kind.replaceAll("_", " ");
const capital = (text: string) => text.replace(/^./, (c) => c.toUpperCase());

/** What the screen needs to keep to the policy before it asks: notice and missed meetings. */
export function meetingRules(policy: Policy, today: IsoDate) {
  const rules = caseworkRules(policy);
  return {
    noticeDays: rules.meetingNoticeDays,
    earliestDay: addDays(today, rules.meetingNoticeDays),
    missedBeforeProfessionalsMeeting: rules.missedMeetingsBeforeProfessionalsMeeting,
  };
}

/** Parents named by a contact must be the pupil's contacts with parental responsibility. */
async function checkInvitees(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  invitees: Invitee[],
): Promise<void> {
  const named = invitees.filter((i) => i.role === "parent" && i.contactId);
  if (named.length === 0) return;
  const contacts = await db
    .selectFrom("contacts")
    .select(["id", "parental_responsibility"])
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .execute();
  for (const invitee of named) {
    const contact = contacts.find((c) => c.id === invitee.contactId);
    if (!contact)
      throw new RollbookError(
        "invalid_input",
        `Contact ${invitee.contactId} is not one of this pupil's contacts`,
      );
    if (!contact.parental_responsibility)
      throw new RollbookError(
        "invalid_input",
        `${invitee.name} has no parental responsibility: invite them as another professional or not at all`,
      );
  }
}

/**
 * Invites the family to a meeting with the notice the policy asks for (a week by default). A
 * second invitation of the same kind follows a missed first one; after the policy's number of
 * misses, a professionals' meeting is held instead. The invitation letter, when chosen, is
 * written in the same transaction and names the meeting, which clears its "invitation due".
 */
export async function scheduleMeeting(
  ctx: UseCaseContext,
  invitation: MeetingInvitation,
): Promise<ScheduledMeeting> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  const { caseRecord, stored } = await caseToWork(db, access, invitation.caseId);
  const rules = meetingRules(stored.policy, today);
  const day = londonToday(invitation.scheduledFor);
  const professionals = invitation.kind === "professionals_meeting";
  if (!professionals && day < rules.earliestDay) {
    throw new RollbookError(
      "invalid_input",
      `A meeting needs at least ${rules.noticeDays} days' notice: the earliest date is ${dayLabel(rules.earliestDay)}`,
    );
  }
  if (professionals && invitation.scheduledFor.getTime() < ctx.clock().getTime())
    throw new RollbookError("invalid_input", "A meeting cannot be arranged for a time gone by");
  // The same person twice (ticked and typed, say) is one invitee.
  invitation = { ...invitation, invitees: distinct(invitation.invitees) };
  await checkInvitees(db, access.schoolId, caseRecord.pupilId, invitation.invitees);
  const earlier = await db
    .selectFrom("meetings")
    .select(["status", "invitation"])
    .where("school_id", "=", access.schoolId)
    .where("case_id", "=", caseRecord.id)
    .where("kind", "=", invitation.kind)
    .orderBy("invitation", "desc")
    .execute();
  const missed = earlier.filter((m) => m.status === "failed_to_attend").length;
  if (!professionals && missed >= rules.missedBeforeProfessionalsMeeting) {
    throw new RollbookError(
      "invalid_input",
      `The family has missed ${missed} ${humanKind(invitation.kind)}s: hold a professionals' meeting instead of inviting them again`,
    );
  }
  if (earlier.some((m) => m.status === "invited")) {
    throw new RollbookError(
      "conflict",
      `A ${humanKind(invitation.kind)} is already arranged for this case: record how it went first`,
    );
  }
  // An unknown letter is refused before anything is arranged.
  if (invitation.letterId) await letterTemplate(db, access.schoolId, invitation.letterId);
  const number = (earlier[0]?.invitation ?? 0) + 1;
  return inTransaction(ctx, "schedule meeting", async (tx) => {
    const meetingId = await insertMeeting(tx, access, caseRecord.id, number, today, invitation);
    const ordinal = number === 1 ? "" : number === 2 ? "second " : `${number}th `;
    await addCaseEvent(tx, access.schoolId, caseRecord.id, {
      on: today,
      by: access.signature(),
      kind: "meeting_invited",
      summary: capital(
        `${ordinal}invitation to ${withArticle(humanKind(invitation.kind))} on ${dayLabel(day)} at ${londonClock(invitation.scheduledFor)} (${invitation.format.replace("_", " ")})${inviteesSummary(invitation.invitees)}`,
      ),
      detail: { meetingId, invitees: invitation.invitees },
    });
    const letters = await invitationLetter(
      { ...ctx, db: tx },
      caseRecord.pupilId,
      meetingId,
      invitation,
    );
    return { meetingId, invitation: number, letters };
  });
}

async function insertMeeting(
  tx: Transaction<DB>,
  access: SchoolAccess,
  caseId: number,
  number: number,
  today: IsoDate,
  invitation: MeetingInvitation,
  rescheduledFrom: number | null = null,
): Promise<number> {
  const { id } = await tx
    .insertInto("meetings")
    .values({
      school_id: access.schoolId,
      case_id: caseId,
      kind: invitation.kind,
      invitation: number,
      invited_on: today,
      scheduled_for: invitation.scheduledFor,
      format: invitation.format,
      location: invitation.location ?? null,
      attendees: JSON.stringify(invitation.invitees),
      rescheduled_from: rescheduledFrom,
      recorded_by: access.signature(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** Writes the meeting's invitation inside the meeting's own change (`ctx.db` is its transaction). */
async function invitationLetter(
  ctx: UseCaseContext,
  pupilId: number,
  meetingId: number,
  invitation: { letterId?: string | null },
): Promise<IssuedLetters | null> {
  const { db: tx, access } = ctx;
  if (!invitation.letterId) return null;
  const letterId = invitation.letterId;
  // An accepted proposal that calls for this letter is carried out by it: "write every letter
  // due" must not send the family the same letter again.
  const accepted = await tx
    .selectFrom("proposed_actions as a")
    .select(["a.id", "a.actions"])
    .where("a.school_id", "=", access.schoolId)
    .where("a.pupil_id", "=", pupilId)
    .where("a.status", "=", "accepted")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("letters as l")
            .select("l.id")
            .whereRef("l.school_id", "=", "a.school_id")
            .whereRef("l.proposal_id", "=", "a.id")
            .where("l.letter_id", "=", letterId),
        ),
      ),
    )
    .orderBy("a.id", "desc")
    .execute();
  const proposal = accepted.find((p) =>
    (p.actions as Action[]).some((a) => a.type === "letter" && a.letter === letterId),
  );
  return issueLetters(ctx, {
    letterId,
    pupilIds: [pupilId],
    meetingId,
    ...(proposal ? { proposalIds: new Map([[pupilId, proposal.id]]) } : {}),
  });
}

function distinct(invitees: Invitee[]): Invitee[] {
  const seen = new Set<string>();
  return invitees.filter((i) => {
    const key = `${i.role}:${i.name.trim().toLowerCase()}:${i.contactId ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function inviteesSummary(invitees: Invitee[]): string {
  if (invitees.length === 0) return "";
  return `: ${invitees.map((i) => `${i.name} (${INVITEE_ROLES[i.role].toLowerCase()})`).join(", ")}`;
}

export type MeetingOutcome = "held" | "failed_to_attend" | "rescheduled" | "cancelled";

export interface MeetingRecord {
  meetingId: number;
  status: MeetingOutcome;
  agenda?: MeetingAgenda;
  notes?: string | null;
  /** A line for the chronology: "Contract agreed". */
  outcome?: string | null;
  /** Held: who came. */
  attended?: Invitee[];
  /** Held: what was agreed. */
  agreed?: string | null;
  /** Rescheduled at the parent's request: the new time, and optionally a new format, place, letter. */
  rescheduledFor?: Date | null;
  format?: MeetingFormat | null;
  location?: string | null;
  letterId?: string | null;
}

export interface RecordedMeeting {
  nextStep: string | null;
  /** Rescheduled: the meeting arranged in its place, and its letter. */
  meetingId?: number;
  letters?: IssuedLetters | null;
}

/** What happened at a meeting; for a missed one, the next step the process calls for. */
export async function recordMeetingOutcome(
  ctx: UseCaseContext,
  record: MeetingRecord,
): Promise<RecordedMeeting> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  const meeting = await db
    .selectFrom("meetings")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", record.meetingId)
    .executeTakeFirst();
  if (!meeting)
    throw new RollbookError("not_found", `No meeting ${record.meetingId} in this school`);
  const { stored } = await caseToWork(db, access, meeting.case_id);
  if (meeting.status !== "invited")
    throw new RollbookError(
      "conflict",
      `Meeting ${record.meetingId} was already recorded as ${meeting.status.replaceAll("_", " ")}`,
    );
  const rules = caseworkRules(stored.policy);
  const kind = humanKind(meeting.kind);
  const attended = record.attended ?? [];
  if (record.status === "held" && attended.length === 0)
    throw new RollbookError("invalid_input", "Say who came to the meeting");
  if (record.status === "rescheduled") {
    if (!record.rescheduledFor)
      throw new RollbookError("invalid_input", "Give the new date and time the parent asked for");
    if (record.rescheduledFor.getTime() <= ctx.clock().getTime())
      throw new RollbookError("invalid_input", "The new time must be still to come");
  }
  if (record.status === "rescheduled" && record.letterId)
    await letterTemplate(db, access.schoolId, record.letterId);
  let nextStep: string | null = null;
  if (record.status === "failed_to_attend") {
    nextStep =
      meeting.invitation >= rules.missedMeetingsBeforeProfessionalsMeeting
        ? "Telephone the family and record it; hold a professionals' meeting to agree support without them, and write to them (failed to attend)"
        : "Telephone the family and record it; send a second invitation noting the missed meeting, again offering online or telephone";
  }
  return inTransaction(ctx, "record meeting", async (tx) => {
    await tx
      .updateTable("meetings")
      .set({
        status: record.status,
        agenda: record.agenda ? JSON.stringify(record.agenda) : null,
        notes: record.notes ?? null,
        outcome: record.outcome ?? null,
        attended: record.status === "held" ? JSON.stringify(attended) : null,
        agreed: record.agreed ?? null,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", meeting.id)
      .where("status", "=", "invited")
      .execute();
    const summary =
      record.status === "held"
        ? `${kind} held with ${attended.map((a) => a.name).join(", ")}${record.outcome ? `: ${record.outcome}` : ""}${record.agreed ? `. Agreed: ${record.agreed}` : ""}`
        : record.status === "failed_to_attend"
          ? `Family did not attend the ${kind} (invitation ${meeting.invitation})`
          : record.status === "rescheduled"
            ? `${kind} rescheduled at the parent's request to ${dayLabel(londonToday(record.rescheduledFor as Date))} at ${londonClock(record.rescheduledFor as Date)}`
            : `${kind} cancelled`;
    await addCaseEvent(tx, access.schoolId, meeting.case_id, {
      on: today,
      by: access.signature(),
      kind: `meeting_${record.status}`,
      summary: capital(summary),
      detail: {
        meetingId: meeting.id,
        agenda: record.agenda ?? null,
        attended: record.status === "held" ? attended : null,
        agreed: record.agreed ?? null,
        nextStep,
      },
    });
    if (record.status !== "rescheduled") return { nextStep };
    // The parent asked for the new time, so it is the same invitation moved, not a new one: the
    // notice rule and the missed-meeting count are unchanged by it.
    const moved: MeetingInvitation = {
      caseId: meeting.case_id,
      kind: meeting.kind,
      scheduledFor: record.rescheduledFor as Date,
      format: record.format ?? meeting.format,
      location: record.location !== undefined ? record.location : meeting.location,
      invitees: meeting.attendees as Invitee[],
      letterId: record.letterId ?? null,
    };
    const meetingId = await insertMeeting(
      tx,
      access,
      meeting.case_id,
      meeting.invitation,
      today,
      moved,
      meeting.id,
    );
    const pupil = await tx
      .selectFrom("attendance_cases")
      .select("pupil_id")
      .where("school_id", "=", access.schoolId)
      .where("id", "=", meeting.case_id)
      .executeTakeFirstOrThrow();
    const letters = await invitationLetter({ ...ctx, db: tx }, pupil.pupil_id, meetingId, moved);
    return { nextStep, meetingId, letters };
  });
}

/** "an attendance contract meeting", "a review meeting"; "isap" is read "an I-S-A-P". */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}
