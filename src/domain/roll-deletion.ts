import { CATEGORY_OF_INDEX } from "./codes.ts";
import type { IsoDate } from "./dates.ts";
import type { SessionIndex } from "./policy/timeline.ts";

/**
 * The grounds on which a pupil's name may be deleted from the admission register: the School
 * Attendance (Pupil Registration) (England) Regulations 2024, regulation 9 (paragraph (1) for a
 * pupil of compulsory school age, (3) for one who is not). Rollbook's reference has the 2006
 * grounds verbatim and not the 2024 list (dfe-attendance-rules.md, "Removal from roll"), so these
 * are the grounds in plain words, carried into 2024, each with what the law asks before it is used.
 */
export interface DeletionGround {
  id: string;
  /** In the school's words. */
  name: string;
  /** Who it may be used for: compulsory school age (reg 9(1)), younger or older (reg 9(3)), or both. */
  appliesTo: "compulsory" | "not_compulsory" | "both";
  /** The school and the local authority must have tried and failed to find the child. */
  needsJointEnquiries: boolean;
  /** Unauthorised absence, in continuous school days, the ground needs before it may be used. */
  minimumContinuousAbsenceDays?: number;
}

export const DELETION_GROUNDS: readonly DeletionGround[] = [
  {
    id: "school_attendance_order_changed",
    name: "Registered under a school attendance order that named another school or was revoked",
    appliesTo: "compulsory",
    needsJointEnquiries: false,
  },
  {
    id: "registered_elsewhere",
    name: "Registered at another school (not dual registration)",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "dual_registration_ended",
    name: "Dual registered, stopped attending here, and the other school agrees",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "educated_otherwise",
    name: "The parent has told the school in writing the child is educated otherwise than at school (home education)",
    appliesTo: "compulsory",
    needsJointEnquiries: false,
  },
  {
    id: "moved_away",
    name: "No longer lives within a reasonable distance of the school (not a boarder)",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "not_returned_from_leave",
    name: "Did not return within 10 school days of the end of leave of absence, and the school and local authority cannot find the child",
    appliesTo: "compulsory",
    needsJointEnquiries: true,
    minimumContinuousAbsenceDays: 10,
  },
  {
    id: "medically_unfit",
    name: "Certified by the school medical officer as unlikely to be fit to attend before leaving compulsory school age",
    appliesTo: "compulsory",
    needsJointEnquiries: false,
  },
  {
    id: "continuously_absent_20_days",
    name: "Absent without authorisation for 20 school days or more in a row, and the school and local authority cannot find the child",
    appliesTo: "compulsory",
    needsJointEnquiries: true,
    minimumContinuousAbsenceDays: 20,
  },
  {
    id: "in_custody",
    name: "In custody for four months or more under a court order, and not expected to return",
    appliesTo: "compulsory",
    needsJointEnquiries: false,
  },
  {
    id: "died",
    name: "Has died",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "leaving_compulsory_age",
    name: "Will stop being of compulsory school age before the school next meets and is not staying on",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "permanently_excluded",
    name: "Permanently excluded, and the review process is complete",
    appliesTo: "both",
    needsJointEnquiries: false,
  },
  {
    id: "nursery_not_transferring",
    name: "Admitted for nursery education and not moving up to reception",
    appliesTo: "not_compulsory",
    needsJointEnquiries: false,
  },
];

export function deletionGround(id: string): DeletionGround | undefined {
  return DELETION_GROUNDS.find((g) => g.id === id);
}

/** A child absent this long without authorisation is missing: the CME steps come before deletion. */
export const MISSING_CHILD_DAYS = 10;

/**
 * School days in a row, ending with the last marked day on or before `date`, on which every
 * marked session was unauthorised absence (G, N, O or U). Days not yet marked are skipped.
 */
export function continuousUnauthorisedDays(
  index: SessionIndex,
  codes: Uint8Array,
  date: IsoDate,
): number {
  let i = index.endOf(date) - 1;
  while (i >= 0 && codes[i] === 0) i--;
  let days = 0;
  while (i >= 0) {
    const day = index.day[i] as number;
    let absent = 0;
    let other = 0;
    for (; i >= 0 && index.day[i] === day; i--) {
      const code = codes[i] as number;
      if (CATEGORY_OF_INDEX[code] === "unauthorised") absent++;
      else if (code !== 0) other++;
    }
    if (other > 0 || absent === 0) break;
    days++;
  }
  return days;
}
