import type { Role } from "../../db/schema.ts";

/**
 * What each role may do, in one place. Teachers see and mark only their own registration groups
 * (their groups come from group_staff); parents see only their own children (parent_links).
 */
export type Permission =
  | "school.view"
  | "school.setup"
  | "staff.manage"
  | "pupils.view_all"
  | "pupils.manage"
  | "pupils.safeguarding"
  | "registers.view_all"
  | "registers.take_own"
  | "registers.take_any"
  | "marks.amend"
  | "office.view"
  | "statistics.view"
  | "leave.authorise"
  /** Who looked at which record, and the retention rules. */
  | "audit.view"
  /** Export everything held on a pupil (a subject access request). */
  | "pupils.subject_access";

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
  "statistics.view",
];
const OVERSIGHT: Permission[] = [
  "school.view",
  "pupils.view_all",
  "registers.view_all",
  "statistics.view",
];

/** The head of school and administrators: the office's work plus set-up, leave and data protection. */
const LEADERSHIP: Permission[] = [
  ...OFFICE,
  "school.setup",
  "staff.manage",
  "leave.authorise",
  "audit.view",
  "pupils.subject_access",
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  teacher: ["school.view", "registers.take_own"],
  attendance_officer: OFFICE,
  head_of_school: LEADERSHIP,
  dsl: [...OVERSIGHT, "pupils.safeguarding", "office.view", "audit.view"],
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
