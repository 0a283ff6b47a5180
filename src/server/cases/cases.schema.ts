import { z } from "zod";
import { id, isoDate, schoolParams } from "../params.ts";
import { pupilStatistics, ratio } from "../statistics.schema.ts";
import type { Wire } from "../wire.ts";
import { contractDetail } from "./contracts.schema.ts";
import { invitee } from "./meetings.schema.ts";

export const caseParams = schoolParams.extend({ caseId: id });
export const pupilParams = schoolParams.extend({ pupilId: id });

// The cases list (its rows keep the database's names: the screen and integrators read them so).
export const caseListQuery = z.object({
  status: z.enum(["open", "closed", "all"]).default("open"),
  pupilId: id.optional(),
});
const caseRow = z.object({
  id: z.number(),
  pupil_id: z.number(),
  pupil: z.string(),
  upn: z.string(),
  stage_id: z.string(),
  stage_started_on: z.string(),
  opened_on: z.string(),
  next_review_on: z.string().nullable(),
  closed_on: z.string().nullable(),
  outcome: z.string().nullable(),
  status: z.enum(["open", "closed"]),
  owner: z.string().nullable(),
});
export const caseList = z.object({ cases: z.array(caseRow) });

export const openCaseBody = z.object({
  pupilId: id,
  stageId: z.string().min(1),
  ownerUserId: id.nullable().default(null),
});
export const caseRecord = z.object({
  id: z.number(),
  pupilId: z.number(),
  status: z.enum(["open", "closed"]),
  stageId: z.string(),
  stageStartedOn: z.string(),
  /** The last day of the marks that began the stage (null when started by hand). */
  stageEvidenceEnd: z.string().nullable(),
  baseline: ratio,
  openedOn: z.string(),
  nextReviewOn: z.string().nullable(),
  lastReviewOn: z.string().nullable(),
  lastReviewBand: z.string().nullable(),
  closedOn: z.string().nullable(),
  outcome: z.string().nullable(),
});

const caseMeeting = z.object({
  id: z.number(),
  kind: z.string(),
  invitation: z.number(),
  invited_on: z.string(),
  scheduled_for: z.date(),
  format: z.enum(["in_person", "online", "telephone"]),
  status: z.enum(["invited", "held", "failed_to_attend", "cancelled", "rescheduled"]),
  outcome: z.string().nullable(),
  location: z.string().nullable(),
  attendees: z.array(invitee),
  attended: z.array(invitee).nullable(),
  agreed: z.string().nullable(),
  notes: z.string().nullable(),
  rescheduled_from: z.number().nullable(),
  letter_sent: z.boolean(),
});
const familyContact = z.object({
  id: z.number(),
  name: z.string(),
  relationship: z.string(),
  phone: z.string().nullable(),
  parentalResponsibility: z.boolean(),
});
const meetingRules = z.object({
  noticeDays: z.number(),
  earliestDay: z.string(),
  missedBeforeProfessionalsMeeting: z.number(),
});
export const caseDetail = caseRecord.extend({
  pupilName: z.string(),
  stageName: z.string(),
  /** What the stage makes the pupil ("on an attendance plan"). */
  stageStatus: z.string().nullable(),
  events: z.array(
    z.object({
      id: z.number(),
      happened_on: z.string(),
      recorded_at: z.date(),
      recorded_by: z.string(),
      kind: z.string(),
      summary: z.string(),
      detail: z.unknown(),
    }),
  ),
  meetings: z.array(caseMeeting),
  contracts: z.array(contractDetail),
  contacts: z.array(familyContact),
  meetingLetters: z.array(z.object({ letterId: z.string(), title: z.string() })),
  stages: z.array(z.object({ id: z.string(), name: z.string() })),
  meetingRules,
});

export const giveCaseBody = z.object({ userId: id });
export const caseGiven = z.object({ caseId: z.number(), owner: z.string() });

export const noticeIssued = z.object({ interventionId: z.number(), reviewOn: z.string() });
export const penaltyReferralBody = z.object({ contactIds: z.array(id).min(1).max(4) });
const who = { contactId: z.number(), name: z.string() };
/** The terms a parent's penalty notice would be on (the 2024 national framework). */
export const penaltyReferral = z.object({
  interventionIds: z.array(z.number()),
  terms: z.array(
    z.union([
      z.object({
        ...who,
        allowed: z.literal(true),
        ordinal: z.literal(1),
        reducedAmount: z.number(),
        reducedWithinDays: z.number(),
        fullAmount: z.number(),
        fullWithinDays: z.number(),
      }),
      z.object({
        ...who,
        allowed: z.literal(true),
        ordinal: z.literal(2),
        amount: z.number(),
        withinDays: z.number(),
      }),
      z.object({ ...who, allowed: z.literal(false), reason: z.string() }),
    ]),
  ),
});
export const penaltyNoticeBody = z.object({
  contactId: id,
  issuedOn: isoDate,
  withdrawn: z.boolean().default(false),
  /** Paid, not paid, or not known (some codes of conduct count only paid notices). */
  paid: z.boolean().nullable().optional(),
});
export const interventionRecorded = z.object({ interventionId: z.number() });
export const socialCareBody = z.object({
  reason: z.string().trim().min(1).max(2000),
  /** For a safeguarding concern: attendance never holds the referral back. */
  safeguarding: z.boolean().default(false),
});

// The contact log: append-only, a correction names the entry it corrects.
const contactMethod = z.enum([
  "phone",
  "text",
  "email",
  "letter",
  "home_visit",
  "meeting",
  "in_person",
  "note",
]);
const direction = z.enum(["outgoing", "incoming"]);
const loggedContact = z.object({
  id: z.number(),
  happenedAt: z.date(),
  method: contactMethod,
  direction,
  withWhom: z.string(),
  outcome: z.string(),
  notes: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.date(),
  corrects: z.number().nullable(),
  /** The id of the entry that corrects this one, if any. */
  correctedBy: z.number().nullable(),
});
export const contactLog = z.object({ contacts: z.array(loggedContact) });
/** What the school has done so far, dated, oldest first (the notice to improve's account). */
export const effortsMade = z.object({
  efforts: z.array(z.object({ on: z.string(), text: z.string() })),
});
export type EffortsMadeView = z.infer<typeof effortsMade>;
export const logContactBody = z.object({
  happenedAt: z.iso.datetime({ offset: true }),
  method: contactMethod,
  direction: direction.default("outgoing"),
  contactId: id.nullable().default(null),
  withWhom: z.string().trim().min(1).max(200),
  outcome: z.string().trim().min(1).max(200),
  notes: z.string().max(5000).nullable().default(null),
  corrects: id.nullable().default(null),
});
export const contactLogged = z.object({ id: z.number() });

// The evidence pack a local authority asks for with a referral.
export const evidencePackQuery = z.object({ format: z.enum(["json", "pdf"]).default("json") });
const withPercent = pupilStatistics.extend({ percent: z.string() });
export const evidencePack = z.object({
  generatedOn: z.string(),
  school: z.object({
    name: z.string(),
    urn: z.string().nullable(),
    localAuthority: z.string().nullable(),
  }),
  pupil: z.object({
    id: z.number(),
    upn: z.string(),
    name: z.string(),
    dateOfBirth: z.string(),
    group: z.string().nullable(),
  }),
  case: z.object({
    id: z.number(),
    status: z.string(),
    stage: z.string(),
    openedOn: z.string(),
    closedOn: z.string().nullable(),
    outcome: z.string().nullable(),
    baseline: z.string(),
    reopenedFrom: z.number().nullable(),
  }),
  attendance: z.object({
    yearToDate: withPercent,
    sinceCaseOpened: withPercent,
    byMonth: z.array(
      z.object({
        month: z.string(),
        possible: z.number(),
        attendance: z.string(),
        authorised: z.number(),
        unauthorised: z.number(),
        late: z.number(),
      }),
    ),
  }),
  supportOffered: z.array(
    z.object({
      by: z.string(),
      partner: z.string().optional(),
      action: z.string(),
      agreedOn: z.string(),
    }),
  ),
  meetings: z.array(
    z.object({
      kind: z.string(),
      invitation: z.number(),
      scheduledFor: z.date(),
      format: z.string(),
      status: z.string(),
      outcome: z.string().nullable(),
      agenda: z.unknown(),
    }),
  ),
  contracts: z.array(
    z.object({
      kind: z.string(),
      agreedOn: z.string(),
      target: z.number(),
      status: z.string(),
      reviews: z.array(
        z.object({
          reviewedOn: z.string(),
          attendance: z.string(),
          improved: z.boolean(),
          outcome: z.string(),
        }),
      ),
    }),
  ),
  interventions: z.array(
    z.object({
      kind: z.string(),
      issuedOn: z.string(),
      reviewOn: z.string().nullable(),
      withdrawn: z.boolean(),
    }),
  ),
  chronology: z.array(
    z.object({ date: z.string(), kind: z.string(), summary: z.string(), by: z.string() }),
  ),
});

// The worklist: what is due today or this week.
export const worklistQuery = z.object({
  range: z.enum(["today", "week"]).default("today"),
  owner: z.union([z.literal("me"), z.literal("all"), id]).default("all"),
  /** "false": leave out the proposals to decide (My actions pages through those on its own). */
  decisions: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});
const workItem = z.object({
  kind: z.enum([
    "decide_proposal",
    "send_letter",
    "case_review",
    "contract_review",
    "notice_to_improve_review",
    "hold_meeting",
    "send_invitation",
    "record_meeting",
    "second_invitation",
    "professionals_meeting",
    "stage_contact",
    "stage_review",
  ]),
  due: z.string(),
  overdue: z.boolean(),
  pupilId: z.number(),
  pupil: z.string(),
  caseId: z.number().nullable(),
  ownerUserId: z.number().nullable(),
  summary: z.string(),
});
export const worklistResponse = z.object({ items: z.array(workItem) });

export type CaseRow = z.infer<typeof caseRow>;
export type CaseDetailView = Wire<z.infer<typeof caseDetail>>;
export type CaseMeetingView = CaseDetailView["meetings"][number];
export type FamilyContact = z.infer<typeof familyContact>;
export type MeetingRules = z.infer<typeof meetingRules>;
export type ContactLogView = Wire<z.infer<typeof contactLog>>;
export type LogContactBody = z.input<typeof logContactBody>;
export type WorkItem = z.infer<typeof workItem>;
