import type { Role } from "../../db/schema.ts";

/**
 * What each role may do, in one place. Teachers see and mark only their own registration groups
 * (their groups come from group_staff); parents see only their own children (parent_links), and
 * file absence reports and leave requests for them without any permission here.
 */
export const PERMISSIONS = [
  "school.view",
  "school.setup",
  "staff.manage",
  "pupils.view_all",
  "pupils.manage",
  /** Safeguarding flags and notes: the contact log, social-care referral reasons. */
  "pupils.safeguarding",
  "registers.view_all",
  "registers.take_own",
  "registers.take_any",
  /** Change a recorded mark, or save a register after it has closed, with a reason. */
  "marks.amend",
  "office.view",
  /** Start a fire-drill roll call and tick pupils found. */
  "roll_call.take",
  "statistics.view",
  "leave.authorise",
  /** Open, move, close and work a case: stages, contracts, meetings, interventions. */
  "cases.manage",
  /** Read the letters sent about a pupil (a parent reads their own children's without it). */
  "letters.view",
  /** Write letters (single, by band, from proposals), preview them, download batches. */
  "letters.send",
  /** Accept or dismiss the policy's proposals, and run the policy over the school. */
  "proposals.decide",
  /** Log contacts with a family and the outcome of a follow-up call. */
  "follow_up.record",
  /** File an absence report on a family's behalf (a phone call), for any day. */
  "absence_reports.record",
  /** Accept or reject a parent's reason for an absence. */
  "absence_reports.decide",
  /** Ask for leave on a family's behalf. */
  "leave_requests.record",
  /** Who looked at which record, and the retention rules. */
  "audit.view",
  /** Export everything held on a pupil (a subject access request). */
  "pupils.subject_access",
  /** The DSL's named list: children with a social worker, a CP or CIN plan, or looked after. */
  "safeguarding.list",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const OFFICE: Permission[] = [
  "school.view",
  "pupils.view_all",
  "pupils.manage",
  "pupils.safeguarding",
  "registers.view_all",
  "registers.take_own",
  "registers.take_any",
  "marks.amend",
  "office.view",
  "roll_call.take",
  "statistics.view",
  "cases.manage",
  "letters.view",
  "letters.send",
  "proposals.decide",
  "follow_up.record",
  "absence_reports.record",
  "absence_reports.decide",
  "leave_requests.record",
];

/** Read-only roles: they see, and create nothing that becomes an amendment under their name. */
const OVERSIGHT: Permission[] = [
  "school.view",
  "pupils.view_all",
  "registers.view_all",
  "statistics.view",
  "letters.view",
];

/** The head of school and administrators: the office's work plus set-up, leave and data protection. */
const LEADERSHIP: Permission[] = [
  ...OFFICE,
  "school.setup",
  "staff.manage",
  "leave.authorise",
  "audit.view",
  "pupils.subject_access",
  "safeguarding.list",
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  teacher: ["school.view", "registers.take_own"],
  attendance_officer: OFFICE,
  head_of_school: LEADERSHIP,
  dsl: [...OVERSIGHT, "pupils.safeguarding", "office.view", "audit.view", "safeguarding.list"],
  trust_officer: OVERSIGHT,
  la_officer: OVERSIGHT,
  parent: [],
  admin: LEADERSHIP,
};

export const ROLE_LABELS: Record<Role, string> = {
  teacher: "teacher",
  attendance_officer: "attendance officer",
  head_of_school: "head of school",
  dsl: "designated safeguarding lead",
  trust_officer: "trust attendance lead",
  la_officer: "local authority officer",
  parent: "parent",
  admin: "administrator",
};
