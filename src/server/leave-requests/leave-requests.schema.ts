import { z } from "zod";
import { leaveRulesSchema } from "../../domain/policy/schema.ts";
import { absenceSpan, absenceSpanView, id, schoolParams } from "../params.ts";

const status = z.enum(["pending", "authorised", "refused"]);

export const leaveRequestsQuery = z.object({ status: status.optional() });
export const leaveRequestBody = absenceSpan;
export const leaveDecisionBody = z.object({
  authorise: z.boolean(),
  reason: z.string().trim().min(1, "give the reason the family is told").max(2000),
  circumstance: z
    .string()
    .trim()
    .max(300)
    .optional()
    .describe(
      "Which of the policy's exceptional circumstances applies; required to authorise when the policy lists any",
    ),
  holiday: z
    .boolean()
    .optional()
    .describe("The leave is for a holiday: refused where the policy says holidays are"),
});
export const pupilLeaveParams = schoolParams.extend({ pupilId: id });
export const leaveRequestParams = schoolParams.extend({ requestId: id });

/** A request as the head and the family see it: the pupil by name, never by number. */
export const leaveRequest = absenceSpanView.extend({
  requested_by: z.string(),
  requested_at: z.date(),
  status,
  decided_by: z.string().nullable(),
  decided_at: z.date().nullable(),
  decision_reason: z.string().nullable(),
  planned_absence_id: z.number().nullable(),
});
export const leaveRequestList = z.object({
  requests: z.array(leaveRequest),
  /** The policy's leave rules: what counts as exceptional, and the refusal letter. */
  rules: leaveRulesSchema,
});
export const leaveRequested = z.object({ id: z.number() });
export const leaveDecided = z.object({
  status: z.enum(["authorised", "refused"]),
  plannedAbsenceId: z.number().nullable(),
  /** Refused: the policy's refusal letter to write. */
  refusalLetter: z.string().nullable(),
});

/** What the web app receives (dates as JSON sends them). */
export type LeaveRequestView = Omit<z.infer<typeof leaveRequest>, "requested_at" | "decided_at"> & {
  requested_at: string;
  decided_at: string | null;
};
export type LeaveDecisionBody = z.input<typeof leaveDecisionBody>;
export type LeaveDecided = z.infer<typeof leaveDecided>;
export type LeaveRequestListView = Omit<z.infer<typeof leaveRequestList>, "requests"> & {
  requests: LeaveRequestView[];
};
