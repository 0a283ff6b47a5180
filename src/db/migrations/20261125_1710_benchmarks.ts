import { type Kysely, sql } from "kysely";

/**
 * DfE's published attendance statistics (England, regions, local authorities; by phase), imported
 * from DfE's CSV files to compare schools with. National reference data, owned by no school (like
 * local_authorities): one row per period, area and phase, keyed as DfE keys its files. Columns
 * keep DfE's names; counts are exact (bigint: England has billions of possible sessions);
 * averages stay the decimals DfE wrote (numeric); a null is a value DfE withheld (c, x, z).
 */
const statements = [
  `create table attendance_benchmarks (
     time_period text not null check (time_period ~ '^[0-9]{6}$'),
     time_identifier text not null,
     geographic_level text not null
       check (geographic_level in ('National', 'Regional', 'Local authority')),
     area_code text not null,
     education_phase text not null
       check (education_phase in ('Primary', 'Secondary', 'Special', 'Total')),
     area_name text not null,
     country_code text not null,
     country_name text not null,
     region_code text,
     region_name text,
     new_la_code text,
     la_name text,
     old_la_code text,
     num_schools numeric,
     enrolments numeric,
     total_num_schools bigint,
     total_enrolments bigint,
     present_sessions bigint,
     overall_attendance bigint,
     approved_educational_activity bigint,
     overall_absence bigint,
     authorised_absence bigint,
     unauthorised_absence bigint,
     late_sessions bigint,
     possible_sessions bigint,
     reason_sessions jsonb not null,
     percentages jsonb not null,
     imported_at timestamptz not null,
     imported_by text not null,
     primary key (time_period, time_identifier, geographic_level, area_code, education_phase)
   )`,
  // A school finds its local authority's rows by the three-digit number it is known by.
  `create index attendance_benchmarks_by_old_la_code
     on attendance_benchmarks (old_la_code, education_phase, time_period)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
