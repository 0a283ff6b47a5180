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
  contacts: ContactTable;
  session_marks: SessionMarkTable;
  mark_history: MarkHistoryTable;
  pupil_year_marks: PupilYearMarksTable;
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
}

export interface PupilYearMarksTable {
  school_id: number;
  pupil_id: number;
  start_year: number;
  marks: Uint8Array;
}

export type Pupil = Selectable<PupilTable>;
export type NewPupil = Insertable<PupilTable>;
export type Contact = Selectable<ContactTable>;
export type School = Selectable<SchoolTable>;
