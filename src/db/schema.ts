import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** Kysely's view of the tables created by src/db/migrations. Dates are `YYYY-MM-DD` strings. */
export interface DB {
  local_authorities: LocalAuthorityTable;
  trusts: TrustTable;
  schools: SchoolTable;
  academic_years: AcademicYearTable;
  half_terms: HalfTermTable;
  closures: ClosureTable;
  year_groups: YearGroupTable;
  registration_groups: RegistrationGroupTable;
  pupils: PupilTable;
  mis_connections: MisConnectionTable;
  mis_sync_runs: MisSyncRunTable;
  mis_pupils: MisPupilTable;
  mis_marks: MisMarkTable;
  mis_writebacks: MisWritebackTable;
  mis_conflicts: MisConflictTable;
  contacts: ContactTable;
  session_marks: SessionMarkTable;
  mark_history: MarkHistoryTable;
  pupil_year_marks: PupilYearMarksTable;
  users: UserTable;
  role_grants: RoleGrantTable;
  group_staff: GroupStaffTable;
  parent_links: ParentLinkTable;
  user_sessions: UserSessionTable;
  deployment: DeploymentTable;
  sign_in_attempts: SignInAttemptTable;
  password_links: PasswordLinkTable;
  identity_providers: IdentityProviderTable;
  sso_sign_ins: SsoSignInTable;
  two_factor_rules: TwoFactorRuleTable;
  recovery_codes: RecoveryCodeTable;
  registers_taken: RegisterTakenTable;
  planned_absences: PlannedAbsenceTable;
  policies: PolicyTable;
  attendance_cases: AttendanceCaseTable;
  case_events: CaseEventTable;
  proposed_actions: ProposedActionTable;
  job_runs: JobRunTable;
  meetings: MeetingTable;
  contracts: ContractTable;
  contract_reviews: ContractReviewTable;
  interventions: InterventionTable;
  contact_log: ContactLogTable;
  letter_templates: LetterTemplateTable;
  letters: LetterTable;
  letter_enclosures: LetterEnclosureTable;
  letter_jobs: LetterJobTable;
  outbox: OutboxTable;
  absence_reports: AbsenceReportTable;
  leave_requests: LeaveRequestTable;
  access_log: AccessLogTable;
  retention_rules: RetentionRuleTable;
  transferred_attendance: TransferredAttendanceTable;
  school_snapshots: SchoolSnapshotTable;
  snapshot_queue: SnapshotQueueTable;
  snapshot_pupils: SnapshotPupilTable;
  attendance_benchmarks: AttendanceBenchmarkTable;
  pupil_flag_changes: PupilFlagChangeTable;
  roll_deletions: RollDeletionTable;
  desk_signings: DeskSigningTable;
  roll_calls: RollCallTable;
  roll_call_ticks: RollCallTickTable;
  register_requests: RegisterRequestTable;
  timetable_periods: TimetablePeriodTable;
  lesson_classes: LessonClassTable;
  lesson_class_teachers: LessonClassTeacherTable;
  lesson_class_pupils: LessonClassPupilTable;
  lesson_times: LessonTimeTable;
  lesson_marks: LessonMarkTable;
  pupil_photos: PupilPhotoTable;
  contact_people: ContactPersonTable;
}

export type AccessAction = "view" | "change" | "export";

/**
 * One row of DfE's published attendance statistics (src/domain/benchmarks/): an area's counts for
 * a period and phase, under DfE's column names. Not owned by a school: national reference data.
 */
export interface AttendanceBenchmarkTable {
  time_period: string;
  time_identifier: string;
  geographic_level: "National" | "Regional" | "Local authority";
  area_code: string;
  education_phase: "Primary" | "Secondary" | "Special" | "Total";
  area_name: string;
  country_code: string;
  country_name: string;
  region_code: string | null;
  region_name: string | null;
  new_la_code: string | null;
  la_name: string | null;
  old_la_code: string | null;
  /** numeric: the decimal DfE wrote, read back as a string. */
  num_schools: string | null;
  enrolments: string | null;
  total_num_schools: number | null;
  total_enrolments: number | null;
  present_sessions: number | null;
  overall_attendance: number | null;
  approved_educational_activity: number | null;
  overall_absence: number | null;
  authorised_absence: number | null;
  unauthorised_absence: number | null;
  late_sessions: number | null;
  possible_sessions: number | null;
  /** Sessions per DfE reason column; null where DfE withheld the value. */
  reason_sessions: ColumnType<Record<string, number | null>, string, string>;
  /** Every published `*_perc` column. */
  percentages: ColumnType<Record<string, number | null>, string, string>;
  imported_at: Date;
  imported_by: string;
}

/** A school's year-to-date figures as last computed (src/app/oversight/snapshots.ts). */
export interface SchoolSnapshotTable {
  school_id: number;
  academic_year: number;
  through_date: string;
  computed_at: Date;
  overall: ColumnType<unknown, string, string>;
  by_year_group: ColumnType<unknown, string, string>;
}

/** A pupil below the flagging line in a school's snapshot (src/app/oversight/snapshots.ts). */
export interface SnapshotPupilTable {
  school_id: number;
  academic_year: number;
  pupil_id: number;
  upn: string;
  name: string;
  registration_group: string | null;
  year_group: string | null;
  possible: number;
  absence: number;
  unauthorised: number;
  persistently_absent: boolean;
  severely_absent: boolean;
}

/** A school whose snapshot is out of date: marks were written since (queued by a trigger). */
export interface SnapshotQueueTable {
  school_id: number;
  academic_year: number;
  marked_since: Date;
}

/** One request that touched a school's pupil data: who, when, what, and how it was answered. */
export interface AccessLogTable {
  school_id: number;
  id: Generated<number>;
  at: Date;
  user_id: number | null;
  actor: string;
  action: AccessAction;
  pupil_id: number | null;
  /** Every pupil of the school a list showed (migration 20261201_1200). */
  pupil_ids: number[] | null;
  what: string;
  status: number;
}

export type RetentionKind =
  | "registers"
  | "access_log"
  | "messages"
  | "absence_reports"
  | "leave_requests"
  | "casework";

export interface RetentionRuleTable {
  school_id: number;
  kind: RetentionKind;
  keep_years: number;
  set_by: string;
  set_at: Date;
}

export interface LeaveRequestTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  from_date: string;
  from_session: "AM" | "PM";
  to_date: string;
  to_session: "AM" | "PM";
  reason: string;
  requested_by: string;
  requested_at: Date;
  status: Generated<"pending" | "authorised" | "refused">;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  planned_absence_id: number | null;
}

export interface LetterTemplateTable {
  school_id: number;
  letter_id: string;
  version: number;
  title: string;
  body: string;
  docx: Uint8Array | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface LetterTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  case_id: number | null;
  contact_id: number | null;
  letter_id: string;
  template_version: number;
  addressee: string;
  content: string;
  merge_data: Json;
  pdf: Uint8Array;
  docx: Uint8Array;
  batch_id: string | null;
  proposal_id: number | null;
  /** The meeting the letter invites to. */
  meeting_id: number | null;
  issued_on: string;
  issued_by: string;
  issued_at: CreatedAt;
}

export interface LetterEnclosureTable {
  school_id: number;
  letter_record_id: number;
  position: number;
  kind: "registration_certificate" | "contract";
  title: string;
  pdf: Uint8Array;
}

export type LetterJobStatus = "queued" | "running" | "done" | "failed";

/** A batch of letters written in the background: its progress and, once finished, its result. */
export interface LetterJobTable {
  school_id: number;
  id: Generated<number>;
  kind: string;
  request: Json;
  status: ColumnType<LetterJobStatus, LetterJobStatus | undefined, LetterJobStatus>;
  total: ColumnType<number, number | undefined, number>;
  done: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  started_by: string;
  created_at: CreatedAt;
  finished_at: Date | null;
}

/** "log": no provider: messages are recorded as not sent. */
export type SmsProvider = "log" | "webhook" | "notify" | "twilio";
export type OutboxStatus = "queued" | "sending" | "retry" | "sent" | "failed" | "not_sent";
/** Whose failure it was: the address's counts against the contact; the provider's does not. */
export type OutboxFailure = "address" | "provider";
/** What the provider's delivery receipt said. */
export type OutboxDelivery = "delivered" | "failed" | "permanent_failure";

export interface OutboxTable {
  school_id: number;
  id: Generated<number>;
  idempotency_key: string;
  channel: "email" | "sms";
  to_address: string;
  subject: string | null;
  body: string;
  pupil_id: number | null;
  contact_id: number | null;
  purpose: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  claimed_until: Date | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
  failure: OutboxFailure | null;
  delivery: OutboxDelivery | null;
  delivery_at: Date | null;
  html: string | null;
  letter_id: number | null;
}

export interface AbsenceReportTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  from_date: string;
  from_session: "AM" | "PM";
  to_date: string;
  to_session: "AM" | "PM";
  reason: string;
  suggested_code: string | null;
  source: "email" | "sms" | "portal" | "phone";
  reported_by: string;
  received_at: Date;
  status: Generated<"pending" | "accepted" | "rejected">;
  decided_by: string | null;
  decided_at: Date | null;
  decision: string | null;
}

type Json = ColumnType<unknown, string | undefined, string>;

export type MeetingFormat = "in_person" | "online" | "telephone";
export type MeetingStatus = "invited" | "held" | "failed_to_attend" | "cancelled" | "rescheduled";

export interface MeetingTable {
  school_id: number;
  id: Generated<number>;
  case_id: number;
  kind: string;
  invitation: Generated<number>;
  invited_on: string;
  scheduled_for: Date;
  format: MeetingFormat;
  location: string | null;
  attendees: Json;
  status: Generated<MeetingStatus>;
  agenda: Json | null;
  notes: string | null;
  outcome: string | null;
  recorded_by: string;
  /** Held: who came, by name and role. */
  attended: Json | null;
  /** Held: what was agreed. */
  agreed: string | null;
  /** The meeting this one replaced, rescheduled at the parent's request. */
  rescheduled_from: number | null;
}

export type ContractStatus = "active" | "termination_warning" | "terminated" | "completed";

export interface ContractTable {
  school_id: number;
  id: Generated<number>;
  case_id: number;
  kind: "attendance_contract" | "attendance_plan";
  agreed_on: string;
  target_percent: ColumnType<string, number, number>;
  barriers: Json;
  support: Json;
  review_on: string;
  baseline_attended: number;
  baseline_possible: number;
  status: Generated<ContractStatus>;
  recorded_by: string;
  /** The held meeting it was agreed at. */
  meeting_id: number | null;
  /** [{ percent, by }]: an attendance figure to reach by a date. */
  targets: Json;
  parent_commitments: Json;
  pupil_commitments: Json;
  /** Who agreed it for the family: [{ name, on }]. */
  agreed_by: Json;
}

export interface ContractReviewTable {
  school_id: number;
  id: Generated<number>;
  contract_id: number;
  reviewed_on: string;
  attended: number;
  possible: number;
  improved: boolean;
  outcome: string;
  notes: string | null;
  recorded_by: string;
}

export type InterventionKind =
  | "notice_to_improve"
  | "penalty_notice_referral"
  | "penalty_notice"
  | "legal_intervention_referral"
  | "social_care_referral"
  | "cme_report"
  | "school_nursing_referral"
  | "early_help_referral"
  | "safe_and_well_check";

export interface InterventionTable {
  school_id: number;
  id: Generated<number>;
  case_id: number;
  kind: InterventionKind;
  issued_on: string;
  review_on: string | null;
  contact_id: number | null;
  detail: Json;
  withdrawn: Generated<boolean>;
  recorded_by: string;
  /** The parent, as a person (set from contact_id by a trigger). */
  person_id: Generated<number | null>;
  /** A penalty notice paid (true), unpaid (false) or not known (null). */
  paid: boolean | null;
}

export type ContactMethod =
  | "phone"
  | "text"
  | "email"
  | "letter"
  | "home_visit"
  | "meeting"
  | "in_person"
  | "note";

export interface ContactLogTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  case_id: number | null;
  happened_at: Date;
  method: ContactMethod;
  direction: "outgoing" | "incoming";
  contact_id: number | null;
  with_whom: string;
  outcome: string;
  notes: string | null;
  corrects: number | null;
  recorded_by: string;
  recorded_at: CreatedAt;
}

export interface PolicyTable {
  school_id: number;
  version: number;
  name: string;
  preset: string | null;
  /** The Policy document (src/domain/policy/types.ts). */
  document: ColumnType<unknown, string, string>;
  created_by: string;
  created_at: CreatedAt;
}

export interface AttendanceCaseTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  status: "open" | "closed";
  stage_id: string;
  stage_started_on: string;
  baseline_attended: number;
  baseline_possible: number;
  opened_on: string;
  opened_by: string;
  next_review_on: string | null;
  last_review_on: string | null;
  last_review_band: string | null;
  closed_on: string | null;
  outcome: string | null;
  policy_version: number;
  owner_user_id: number | null;
  reopened_from: number | null;
  /** The last day of the evidence that began the stage; null when started by hand. */
  stage_evidence_end: Generated<string | null>;
}

export interface CaseEventTable {
  school_id: number;
  id: Generated<number>;
  case_id: number;
  happened_on: string;
  recorded_at: CreatedAt;
  recorded_by: string;
  kind: string;
  summary: string;
  detail: ColumnType<unknown, string | undefined, never>;
}

export interface ProposedActionTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  policy_version: number;
  trigger_id: string;
  trigger_name: string;
  actions: ColumnType<unknown, string, never>;
  explanation: string;
  evidence: ColumnType<unknown, string, never>;
  evidence_end: string | null;
  dedupe_key: string;
  manual_review: boolean;
  proposed_on: string;
  status: ColumnType<
    "proposed" | "accepted" | "dismissed",
    "proposed" | undefined,
    "accepted" | "dismissed"
  >;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  case_id: number | null;
}

export interface JobRunTable {
  school_id: number;
  job: string;
  run_on: string;
  started_at: Date;
  finished_at: Date | null;
  summary: ColumnType<unknown, string | null, string>;
}

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface LocalAuthorityTable {
  code: string;
  name: string;
}

export interface TrustTable {
  id: Generated<number>;
  name: string;
  created_at: CreatedAt;
}

export type SchoolPhase =
  | "nursery"
  | "primary"
  | "secondary"
  | "all_through"
  | "special"
  | "alternative_provision";

export interface SchoolTable {
  id: Generated<number>;
  trust_id: number | null;
  la_code: string | null;
  name: string;
  urn: string | null;
  estab: string | null;
  phase: SchoolPhase;
  address: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  am_register_opens: Generated<string>;
  am_register_closes: Generated<string>;
  pm_register_opens: Generated<string>;
  pm_register_closes: Generated<string>;
  logo_png: Uint8Array | null;
  letter_signatory: Generated<string>;
  email_from: string | null;
  email_reply_to: string | null;
  sms_sender: string | null;
  sms_provider: Generated<SmsProvider>;
  sms_webhook_url: string | null;
  inbound_token: string | null;
  /** The local authority's address for deletion returns and missing-child notices. */
  la_notifications_email: string | null;
  notify_api_key: string | null;
  notify_sms_template_id: string | null;
  notify_callback_token: string | null;
  twilio_account_sid: string | null;
  twilio_auth_token: string | null;
  twilio_from: string | null;
}

export interface AcademicYearTable {
  school_id: number;
  start_year: number;
}

export interface HalfTermTable {
  school_id: number;
  start_year: number;
  name: string;
  term: "Autumn" | "Spring" | "Summer";
  start_date: string;
  end_date: string;
}

export interface ClosureTable {
  school_id: number;
  date: string;
  sessions: "AM" | "PM" | "BOTH";
  reason: string;
}

export interface YearGroupTable {
  school_id: number;
  id: Generated<number>;
  name: string;
  nc_year: number | null;
}

export interface RegistrationGroupTable {
  school_id: number;
  id: Generated<number>;
  name: string;
  year_group_id: number | null;
}

export interface PupilTable {
  school_id: number;
  id: Generated<number>;
  upn: string;
  legal_forename: string;
  legal_surname: string;
  preferred_forename: string | null;
  preferred_surname: string | null;
  date_of_birth: string;
  sex: "F" | "M" | "X";
  year_group_id: number | null;
  registration_group_id: number | null;
  admission_date: string;
  leaving_date: string | null;
  sen_support: Generated<boolean>;
  ehcp: Generated<boolean>;
  fsm: Generated<boolean>;
  pupil_premium: Generated<boolean>;
  looked_after: Generated<boolean>;
  has_social_worker: Generated<boolean>;
  medical_condition: Generated<boolean>;
  created_at: CreatedAt;
  safeguarding_concern: Generated<boolean>;
  child_protection_plan: Generated<boolean>;
  child_in_need_plan: Generated<boolean>;
}

/** The flags only the DSL's permission (pupils.safeguarding) sets, each change kept with its reason. */
export type SafeguardingFlag =
  | "safeguarding_concern"
  | "has_social_worker"
  | "looked_after"
  | "child_protection_plan"
  | "child_in_need_plan";

export interface PupilFlagChangeTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  flag: SafeguardingFlag;
  value: boolean;
  reason: string;
  changed_by: string;
  changed_by_user_id: number | null;
  changed_at: CreatedAt;
}

export interface RollDeletionTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  ground: string;
  leaving_date: string;
  details: string;
  enquiries: string | null;
  recorded_by: string;
  recorded_by_user_id: number | null;
  recorded_at: CreatedAt;
}

export interface ContactTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  priority: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  parental_responsibility: Generated<boolean>;
  lives_with_pupil: Generated<boolean>;
  /** The person in this slot (set by a trigger from the name): what notices are counted against. */
  person_id: Generated<number>;
}

/** A person who is or was one of a pupil's contacts: the stable identity behind contact rows. */
export interface ContactPersonTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  name: string;
  name_key: string;
  created_at: CreatedAt;
}

export type MarkSource = "register" | "amendment" | "import" | "planned" | "demo";

export interface SessionMarkTable {
  school_id: number;
  pupil_id: number;
  date: string;
  session: "AM" | "PM";
  code: string;
  minutes_late: number | null;
  recorded_by: string;
  recorded_at: Date;
  version: Generated<number>;
  recorded_by_user_id: number | null;
}

export interface MarkHistoryTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  date: string;
  session: "AM" | "PM";
  previous_code: string | null;
  code: string;
  minutes_late: number | null;
  changed_by: string;
  changed_at: Date;
  reason: string | null;
  source: MarkSource;
  changed_by_user_id: number | null;
}

export interface PupilYearMarksTable {
  school_id: number;
  pupil_id: number;
  start_year: number;
  marks: Uint8Array;
}

/** A year of attendance brought from a previous school in a CTF (src/app/ctf/import-ctf.ts). */
export interface TransferredAttendanceTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  from_lea: string;
  from_estab: string;
  from_school_name: string;
  academic_year: number;
  start_date: string | null;
  /** The CTF AttendanceMarks string exactly as received: two characters per calendar date. */
  marks: string | null;
  sessions_possible: number;
  sessions_authorised: number;
  sessions_attended: number;
  sessions_unauthorised: number;
  ctf_source: string;
  imported_by: string;
  imported_by_user_id: number | null;
  imported_at: Date;
}

export type Role =
  | "teacher"
  | "attendance_officer"
  | "head_of_school"
  | "dsl"
  | "trust_officer"
  | "la_officer"
  | "parent"
  | "admin";

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  /** Two-factor sign-in (migration 20261202_1600): the confirmed TOTP secret (base32). */
  totp_secret: string | null;
  /** A secret being set up, until a code from it confirms it. */
  totp_pending_secret: string | null;
  /** The last TOTP time step accepted: never accepted again. */
  totp_last_step: string | null;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  school_id: number | null;
  trust_id: number | null;
  la_code: string | null;
}

export interface GroupStaffTable {
  school_id: number;
  registration_group_id: number;
  user_id: number;
}

export interface ParentLinkTable {
  school_id: number;
  pupil_id: number;
  user_id: number;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
  /** How the session was opened (migration 20261203_0200): a provider's sign-in is its own. */
  signed_in_with: Generated<"password" | "single_sign_on">;
}

/** A school's identity provider for staff single sign-on (OpenID Connect). */
export interface IdentityProviderTable {
  id: Generated<number>;
  name: string;
  issuer: string;
  client_id: string;
  /** The environment variable holding the client secret (ROLLBOOK_SSO_SECRET_...), never the secret. */
  client_secret_ref: string | null;
  allowed_domains: string[];
  enabled: Generated<boolean>;
  created_at: CreatedAt;
}

/** A staff role whose people must sign in with two factors (migration 20261203_0210). */
export interface TwoFactorRuleTable {
  role: Exclude<Role, "parent">;
  required_since: CreatedAt;
}

/** A single-use recovery code, as its argon2 hash. */
export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: Date | null;
  created_at: CreatedAt;
}

/** A single sign-on in progress: its PKCE verifier and nonce, under its state's hash. */
export interface SsoSignInTable {
  state_hash: string;
  provider_id: number;
  code_verifier: string;
  nonce: string;
  expires_at: Date;
  created_at: CreatedAt;
}

/** One row, once decided: whether this database is a demo with shared-password accounts. */
export interface DeploymentTable {
  id: Generated<boolean>;
  demo: boolean;
  decided_at: CreatedAt;
}

export interface SignInAttemptTable {
  key: string;
  attempts: number;
  window_ends: Date;
}

export interface PasswordLinkTable {
  token_hash: string;
  user_id: number;
  purpose: "reset" | "invitation";
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface RegisterTakenTable {
  school_id: number;
  registration_group_id: number;
  date: string;
  session: "AM" | "PM";
  first_taken_by: string;
  first_taken_at: Date;
  last_saved_by: string;
  last_saved_at: Date;
  saves: Generated<number>;
}

export interface PlannedAbsenceTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  start_date: string;
  start_session: "AM" | "PM";
  end_date: string;
  end_session: "AM" | "PM";
  code: string;
  reason: string;
  recorded_by: string;
  recorded_at: CreatedAt;
  cancelled_by: string | null;
  cancelled_at: Date | null;
}

export type Pupil = Selectable<PupilTable>;
export type NewPupil = Insertable<PupilTable>;
export type Contact = Selectable<ContactTable>;
export type School = Selectable<SchoolTable>;

/** The reception book (20261203_0400_office_desk). */
export interface DeskSigningTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  date: string;
  at_time: string;
  kind: "late_arrival" | "signed_out" | "back_in";
  session: "AM" | "PM";
  code: string | null;
  minutes_late: number | null;
  reason: string | null;
  recorded_by: string;
  recorded_by_user_id: number | null;
  recorded_at: Date;
}

export interface RollCallTable {
  school_id: number;
  id: Generated<number>;
  started_by: string;
  started_at: Date;
  ended_by: string | null;
  ended_at: Date | null;
}

export interface RollCallTickTable {
  school_id: number;
  id: Generated<number>;
  roll_call_id: number;
  pupil_id: number;
  found: boolean;
  ticked_by: string;
  ticked_at: Date;
}

export interface RegisterRequestTable {
  school_id: number;
  id: Generated<number>;
  registration_group_id: number;
  date: string;
  session: "AM" | "PM";
  note: string | null;
  requested_by: string;
  requested_by_user_id: number | null;
  requested_at: Date;
}

/** The timetable and lesson marks (20261203_0410_lesson_registers). */
export interface TimetablePeriodTable {
  school_id: number;
  id: Generated<number>;
  name: string;
  starts: string;
  ends: string;
}

export interface LessonClassTable {
  school_id: number;
  id: Generated<number>;
  name: string;
  subject: string;
}

export interface LessonClassTeacherTable {
  school_id: number;
  class_id: number;
  user_id: number;
}

export interface LessonClassPupilTable {
  school_id: number;
  class_id: number;
  pupil_id: number;
}

export interface LessonTimeTable {
  school_id: number;
  class_id: number;
  weekday: number;
  period_id: number;
}

export interface LessonMarkTable {
  school_id: number;
  id: Generated<number>;
  class_id: number;
  period_id: number;
  date: string;
  pupil_id: number;
  mark: "present" | "absent" | "late";
  minutes_late: number | null;
  recorded_by: string;
  recorded_by_user_id: number | null;
  recorded_at: Date;
}

/** 20261203_0420_pupil_photos */
export interface PupilPhotoTable {
  school_id: number;
  pupil_id: number;
  content_type: "image/jpeg" | "image/png";
  image: Uint8Array;
  uploaded_by: string;
  uploaded_at: Date;
  /** 20261204_0700: the SHA-256 (hex) of the MIS's last photo stored; null if never synced. */
  mis_sha256: string | null;
}

/** The school's MIS connection (src/app/mis): one per school. */
export interface MisConnectionTable {
  school_id: number;
  provider: "wonde" | "xporter";
  provider_school_id: string;
  base_url: string;
  /** Where the token is kept (env:NAME), never the token. */
  token_ref: string;
  state: ColumnType<"active" | "paused" | "token_refused", string | undefined, string>;
  sync_marks: Generated<boolean>;
  writeback: Generated<boolean>;
  synced_until: Date | null;
  writeback_after: Generated<number>;
  created_at: CreatedAt;
}

export interface MisSyncRunTable {
  school_id: number;
  id: Generated<number>;
  kind: "initial" | "delta";
  trigger: string;
  started_at: Date;
  finished_at: Date | null;
  state: ColumnType<"running" | "done" | "failed", string | undefined, string>;
  step: string | null;
  done: Generated<number>;
  total: Generated<number>;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  errors: ColumnType<string[], string | undefined, string>;
}

export interface MisPupilTable {
  school_id: number;
  mis_id: string;
  pupil_id: number;
}

/** The mark the MIS last held for a session, as last read or written. */
export interface MisMarkTable {
  school_id: number;
  pupil_id: number;
  date: string;
  session: "AM" | "PM";
  code: string;
  minutes_late: number | null;
  mis_updated_at: Date | null;
}

export interface MisWritebackTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  date: string;
  session: "AM" | "PM";
  code: string;
  minutes_late: number | null;
  comment: string | null;
  state: ColumnType<"pending" | "written" | "refused" | "held", string | undefined, string>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_error: string | null;
  provider_ref: string | null;
  queued_at: ColumnType<Date, Date | undefined, Date>;
  written_at: Date | null;
}

export interface MisConflictTable {
  school_id: number;
  id: Generated<number>;
  pupil_id: number;
  date: string;
  session: "AM" | "PM";
  ours: string;
  ours_minutes_late: number | null;
  ours_at: Date | null;
  theirs: string;
  theirs_minutes_late: number | null;
  theirs_at: Date | null;
  found_at: Date;
  decision: "keep_ours" | "take_theirs" | null;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
}
