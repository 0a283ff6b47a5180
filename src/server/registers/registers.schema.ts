import { z } from "zod";
import { id, isoDate, schoolParams, session } from "../params.ts";
import type { Wire } from "../wire.ts";

export const registerListQuery = z.object({ date: isoDate.optional() });

/** Who first took a session's register and when it was last saved; null when not taken. */
const taken = z.object({ firstTakenBy: z.string(), lastSavedAt: z.date() }).nullable();

export const registerListResponse = z.object({
  date: z.string(),
  /** The sessions the school meets on the day (none at weekends, holidays and closures). */
  sessions: z.array(session),
  /** Why a session has no register, in words; null when both meet. */
  why: z.string().nullable(),
  previousSchoolDay: z.string().nullable(),
  nextSchoolDay: z.string().nullable(),
  registers: z.array(z.object({ groupId: z.number(), group: z.string(), AM: taken, PM: taken })),
});

export const plannedAbsenceRangeQuery = z.object({ from: isoDate, to: isoDate });
export const plannedAbsenceBody = z.object({
  pupilId: id,
  startDate: isoDate,
  startSession: session.default("AM"),
  endDate: isoDate,
  endSession: session.default("PM"),
  code: z.string().trim().min(1).max(3),
  reason: z.string().trim().min(1).max(500),
});
export const plannedAbsenceParams = schoolParams.extend({ absenceId: id });

/** An absence recorded in advance, not cancelled. */
const plannedAbsence = z.object({
  id: z.number(),
  pupilId: z.number(),
  startDate: z.string(),
  startSession: session,
  endDate: z.string(),
  endSession: session,
  code: z.string(),
  reason: z.string(),
  recordedBy: z.string(),
});
export const plannedAbsencesResponse = z.object({ plannedAbsences: z.array(plannedAbsence) });
export const plannedAbsenceRecorded = z.object({ id: z.number() });
export const plannedAbsenceCancelled = z.object({ cancelled: z.number() });

export type RegisterListView = Wire<z.infer<typeof registerListResponse>>;
export type PlannedAbsencesView = Wire<z.infer<typeof plannedAbsencesResponse>>;
