import { addDays, type IsoDate } from "../dates.ts";
import type { PreviousNotice } from "./penalty-notices.ts";

/**
 * What has already been done about a pupil: the steps the law and the policy count before the
 * next one (two penalty notices to a parent in three years and no third; a referral already
 * made; a letter already sent). Loaded with the pupil's case (src/app/policy/pupil-history.ts).
 */
export interface PupilHistory {
  /** Each person who counts as a parent (s576), with the notices issued to them for this child. */
  parents: ParentHistory[];
  events: HistoryEvent[];
  /** Leave requests the head refused: absence inside them is leave taken anyway. */
  refusedLeave?: LeaveSpan[];
}

export interface LeaveSpan {
  from: IsoDate;
  fromSession: "AM" | "PM";
  to: IsoDate;
  toSession: "AM" | "PM";
}

export interface ParentHistory {
  /** The person, stable across edits and replacements of contact rows. */
  personId: number;
  name: string;
  notices: PreviousNotice[];
}

export const HISTORY_EVENTS = [
  "letter",
  "notice_to_improve",
  "penalty_notice_referral",
  "legal_intervention_referral",
  "social_care_referral",
  "cme_report",
  /** A meeting with the family held (not only invited to). */
  "meeting_held",
  /** An attendance contract or plan agreed. */
  "contract_agreed",
] as const;
export type HistoryEventKind = (typeof HISTORY_EVENTS)[number];

export interface HistoryEvent {
  kind: HistoryEventKind;
  on: IsoDate;
  /** For letters: the policy's letter id. */
  letter?: string;
}

/** The first day of a window of whole years ending on `on` (3 years: 36 months, leap days included). */
export function yearsBefore(on: IsoDate, years: number): IsoDate {
  return addDays(on, -Math.round(years * 365.25));
}

/** Notices that count: issued after `from`, on or before `to`, never withdrawn ones. */
export function countingNotices(
  notices: readonly PreviousNotice[],
  from: IsoDate,
  to: IsoDate,
  only: "issued" | "paid" | "unpaid" = "issued",
): PreviousNotice[] {
  return notices.filter(
    (n) =>
      !n.withdrawn &&
      n.issuedOn > from &&
      n.issuedOn <= to &&
      (only === "issued" || (only === "paid" ? n.paid === true : n.paid !== true)),
  );
}
