import { z } from "zod";
import {
  absenceSpan,
  absenceSpanView,
  id,
  isoDate,
  pupilLine,
  schoolParams,
  session,
} from "../params.ts";

// The call list: pupils absent with no reason and what the office should do next.
export const callListQuery = z.object({ date: isoDate.optional() });
const followUpContact = z.object({
  id: z.number(),
  priority: z.number(),
  name: z.string(),
  relationship: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});
const followUpStep = z.object({
  kind: z.enum([
    "call",
    "text",
    "home_visit",
    "dsl_alert",
    "notify_social_worker",
    "missing_education_referral",
  ]),
  /** Do it by (London clock), or "now". */
  by: z.string(),
  done: z.boolean(),
  overdue: z.boolean(),
  why: z.string(),
});
const followUpPupil = z.object({
  ...pupilLine,
  sessions: z.array(session),
  /** Which school day of unexplained absence this is (1 = the first). */
  day: z.number(),
  safeguardingConcern: z.boolean(),
  contacts: z.array(followUpContact),
  attemptsToday: z.array(
    z.object({
      at: z.string(),
      method: z.string(),
      contactId: z.number().int().nullable(),
      withWhom: z.string(),
      outcome: z.string(),
      by: z.string(),
    }),
  ),
  steps: z.array(followUpStep),
});
export const callListResponse = z.object({ date: z.string(), pupils: z.array(followUpPupil) });
export type FollowUpPupilView = z.infer<typeof followUpPupil>;
export type CallListResponse = z.infer<typeof callListResponse>;

export const callOutcomeParams = schoolParams.extend({ pupilId: id });
export const callOutcomeBody = z.object({
  method: z.enum(["phone", "text", "email", "home_visit", "in_person"]),
  contactId: id.nullable().default(null),
  withWhom: z.string().trim().min(1).max(200),
  outcome: z.enum([
    "reached",
    "reason given",
    "no answer",
    "left message",
    "wrong number",
    "not home",
    "message sent",
    "dsl alerted",
  ]),
  reason: z.string().max(1000).nullable().default(null),
  code: z.string().min(1).max(3).nullable().default(null),
});
export const callOutcomeResponse = z.object({ contactLogId: z.number(), amended: z.number() });
export type CallOutcomeBody = z.input<typeof callOutcomeBody>;

// Reasons families send (email, text, the parents' page) waiting for the office.
const reportStatus = z.enum(["pending", "accepted", "rejected"]);
export const absenceReportsQuery = z.object({ status: reportStatus.default("pending") });
const absenceReport = absenceSpanView.extend({
  suggested_code: z.string().nullable(),
  source: z.enum(["email", "sms", "portal", "phone"]),
  reported_by: z.string(),
  received_at: z.date(),
  status: reportStatus,
  decided_by: z.string().nullable(),
  decided_at: z.date().nullable(),
  decision: z.string().nullable(),
});
export const absenceReportList = z.object({ reports: z.array(absenceReport) });
/** What the web app receives (dates as JSON sends them). */
export type AbsenceReportView = Omit<
  z.infer<typeof absenceReport>,
  "received_at" | "decided_at"
> & {
  received_at: string;
  decided_at: string | null;
};

export const pupilReportParams = schoolParams.extend({ pupilId: id });
export const absenceReportBody = absenceSpan;
export const absenceReportFiled = z.object({ id: z.number() });
export const reportParams = schoolParams.extend({ reportId: id });
export const acceptReportBody = z.object({ code: z.string().min(1).max(3) });
export const reportAccepted = z.object({ amended: z.number(), planned: z.number().nullable() });
export const rejectReportBody = z.object({ reason: z.string().trim().min(1).max(1000) });
export const reportRejected = z.object({ rejected: z.number() });

// A reply from the school's email or SMS provider.
export const inboundParams = schoolParams.extend({ channel: z.enum(["email", "sms"]) });
export const inboundHeaders = z.object({ "x-rollbook-token": z.string().min(1) }).passthrough();
export const inboundBody = z.object({
  from: z.string().min(3).max(320),
  text: z.string().min(1).max(10_000),
});
export const inboundReceived = z.object({ reports: z.array(z.number()) });

export const settingsChanged = z.object({ updated: z.literal(true) });
