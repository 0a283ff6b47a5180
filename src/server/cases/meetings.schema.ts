import { z } from "zod";
import { id, isoDate, schoolParams } from "../params.ts";

export const caseParams = schoolParams.extend({ caseId: id });
export const meetingParams = schoolParams.extend({ meetingId: id });

const meetingKind = z
  .string()
  .regex(
    /^[a-z_]{3,60}$/,
    "a meeting kind such as isap, attendance_contract_meeting, review_meeting, professionals_meeting",
  );
const format = z.enum(["in_person", "online", "telephone"]);
const letterId = z.string().regex(/^[a-z0-9_]{1,60}$/, "a letter id such as la_1_contract_invite");

export const invitee = z.object({
  name: z.string().trim().min(1, "give the person's name").max(200),
  role: z.enum(["parent", "pupil", "attendance_lead", "ewo", "professional"]),
  contactId: id.nullable().optional(),
  organisation: z.string().trim().max(200).nullable().optional(),
});

export const scheduleMeetingBody = z.object({
  kind: meetingKind,
  scheduledFor: z.iso.datetime({ offset: true }),
  format: format.default("in_person"),
  location: z.string().trim().max(200).nullable().default(null),
  /** Who is invited (the name `attendees` is the older one; both are read). */
  invitees: z.array(invitee).max(30).optional(),
  attendees: z.array(invitee).max(30).optional(),
  letterId: letterId.nullable().default(null),
});

export const recordMeetingBody = z.object({
  status: z.enum(["held", "failed_to_attend", "rescheduled", "cancelled"]),
  agenda: z
    .object({
      reasonForAbsence: z.string().max(2000).optional(),
      outcomesWanted: z.string().max(2000).optional(),
      howAchieved: z.string().max(2000).optional(),
      planActions: z.array(z.string().max(500)).max(30).optional(),
      reviewDate: isoDate.optional(),
    })
    .optional(),
  notes: z.string().max(10_000).nullable().default(null),
  outcome: z.string().max(500).nullable().default(null),
  attended: z.array(invitee).max(30).optional(),
  agreed: z.string().trim().max(5000).nullable().default(null),
  rescheduledFor: z.iso.datetime({ offset: true }).nullable().default(null),
  format: format.nullable().default(null),
  location: z.string().trim().max(200).nullable().optional(),
  letterId: letterId.nullable().default(null),
});

export const issuedLetters = z.object({
  batchId: z.string(),
  letters: z.array(z.object({ id: z.number(), pupilId: z.number(), addressee: z.string() })),
  skipped: z.array(z.object({ pupilId: z.number(), reason: z.string() })),
  withoutAddress: z.array(
    z.object({ pupilId: z.number(), contactId: z.number(), addressee: z.string() }),
  ),
  /** What the office should know about how the batch was printed (LibreOffice missing...). */
  notes: z.array(z.string()),
});

export const scheduledMeeting = z.object({
  meetingId: z.number(),
  invitation: z.number(),
  letters: issuedLetters.nullable(),
});

export const recordedMeeting = z.object({
  nextStep: z.string().nullable(),
  meetingId: z.number().optional(),
  letters: issuedLetters.nullable().optional(),
});

export type Invitee = z.infer<typeof invitee>;
export type ScheduleMeetingBody = z.input<typeof scheduleMeetingBody>;
export type RecordMeetingBody = z.input<typeof recordMeetingBody>;
export type ScheduledMeetingResponse = z.infer<typeof scheduledMeeting>;
export type RecordedMeetingResponse = z.infer<typeof recordedMeeting>;
