import { type Kysely, sql } from "kysely";
import { TYPICAL_TERM_DATES } from "../../src/app/demo/term-dates.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";
import { savePolicyVersion } from "../../src/db/repositories/policies.ts";
import type { DB } from "../../src/db/schema.ts";
import type { SchoolCalendar } from "../../src/domain/calendar.ts";
import { codeOn } from "../../src/domain/codes.ts";
import { slotOf } from "../../src/domain/marks.ts";
import { TRUST_POLICY } from "../../src/domain/policy/presets/trust-policy.ts";
import type { Policy } from "../../src/domain/policy/types.ts";
import { syntheticYear } from "./synthetic-year.ts";

/**
 * The trust preset with the conditions added since it was written, so the bench exercises each:
 * stage reviews counted in school weeks, a window after the absence that began the stage, history
 * (letters, notices to improve), penalty notices per parent, refused leave taken anyway, a window
 * after a notice issued, and time in a stage's status (in_stage) with band, pattern, spells and
 * not. bench/evaluate refuses to run when a condition kind of the registry is missing from it.
 */
export const BENCH_POLICY: Policy = {
  ...TRUST_POLICY,
  name: "Trust attendance policy (bench: every condition kind)",
  stages: TRUST_POLICY.stages.map((s) =>
    s.review ? { ...s, review: { ...s.review, unit: "school_weeks" as const } } : s,
  ),
  triggers: [
    ...TRUST_POLICY.triggers,
    {
      id: "absence_after_letter_1",
      name: "Further unauthorised absence after Letter 1 this term",
      when: {
        kind: "all",
        of: [
          {
            kind: "history",
            event: "letter",
            letter: "trust_letter_1",
            within: { period: "term" },
          },
          {
            kind: "code_count",
            codes: ["G", "N", "O", "U"],
            atLeast: 3,
            window: { after: "stage_evidence" },
          },
        ],
      },
      inStage: "stage_1",
      actions: [{ type: "letter", letter: "trust_letter_2" }],
      repeat: "once_per_stage",
    },
    {
      id: "after_notice_to_improve",
      name: "Unauthorised absence within a year of a notice to improve",
      when: {
        kind: "all",
        of: [
          { kind: "history", event: "notice_to_improve", within: { years: 1 } },
          {
            kind: "code_count",
            codes: ["G", "N", "O", "U"],
            atLeast: 4,
            window: { unit: "school_weeks", length: 6 },
          },
        ],
      },
      actions: [{ type: "referral", to: "legal_intervention" }],
      repeat: "each_new_breach",
    },
    {
      id: "absence_after_notice_issued",
      name: "Further unauthorised absence after the notice to improve was issued",
      when: {
        kind: "code_count",
        codes: ["G", "N", "O", "U"],
        atLeast: 2,
        window: { after: "notice_to_improve" },
      },
      actions: [{ type: "consider_penalty_notice" }],
      repeat: "each_new_breach",
    },
    {
      id: "plan_not_working",
      name: "Six school weeks on an attendance plan, still persistently absent, with a pattern",
      when: {
        kind: "all",
        of: [
          {
            kind: "in_stage",
            status: "On an attendance plan",
            forAtLeast: { length: 6, unit: "school_weeks" },
          },
          { kind: "band", in: ["persistent_absentee", "severely_absent"] },
          {
            kind: "any",
            of: [
              { kind: "weekday_pattern", atLeast: 3, period: "half_term" },
              { kind: "spells", atLeast: 3, period: "term" },
            ],
          },
          { kind: "not", condition: { kind: "flag", flag: "medical_condition" } },
        ],
      },
      actions: [{ type: "meeting", meeting: "plan_review" }],
      repeat: "once_per_half_term",
    },
  ],
};

export const AS_OF = "2026-07-15";
const YEAR = 2025;
const REFUSED_FROM = "2026-06-15";
const REFUSED_TO = "2026-06-19";

/**
 * A school of `pupils` pupils with a year of marks each (bench/support/synthetic-year.ts), and the
 * casework the history conditions read: one or two parents each; a tenth in a stage (Letter 1
 * sent); every hundredth with two penalty notices to each parent; every fiftieth a notice to
 * improve; every fiftieth leave refused and taken (a week of G); closed cases for some others.
 * Pupil ids start at `firstPupilId`, so several schools can share one database.
 */
export async function loadSchool(
  db: Kysely<DB>,
  calendar: SchoolCalendar,
  pupils: number,
  firstPupilId: number,
  seed: number,
): Promise<number> {
  const { id: schoolId } = await db
    .insertInto("schools")
    .values({ name: `Bench ${seed}`, phase: "secondary" })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const year of TYPICAL_TERM_DATES) await saveAcademicYear(db, schoolId, year);
  const last = firstPupilId + pupils - 1;
  await sql`insert into pupils (school_id, id, upn, legal_forename, legal_surname, date_of_birth, sex,
                                admission_date, medical_condition, has_social_worker, ehcp)
            select ${schoolId}, n, 'B' || lpad(n::text, 12, '0'), 'Pupil', 'Bench ' || n, date '2012-01-01', 'F',
                   date '2020-09-01', n % 70 = 0, n % 40 = 0, n % 50 = 3
            from generate_series(${firstPupilId}::int, ${last}::int) n`.execute(db);

  const { marks } = syntheticYear(calendar, YEAR, pupils, seed);
  const g = codeOn("G", REFUSED_FROM).index;
  const refusedSlots = calendar
    .schoolDays(REFUSED_FROM, REFUSED_TO)
    .flatMap((d) => [slotOf(d, "AM").slot, slotOf(d, "PM").slot]);
  marks.forEach((m, i) => {
    if ((firstPupilId + i) % 50 === 7) for (const slot of refusedSlots) m[slot] = g;
  });
  for (let start = 0; start < marks.length; start += 5_000) {
    const chunk = marks.slice(start, start + 5_000);
    await sql`insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
              select ${schoolId}, p.id, ${YEAR}, decode(p.marks, 'hex')
              from unnest(${chunk.map((_, i) => firstPupilId + start + i)}::int[],
                          ${chunk.map((m) => Buffer.from(m).toString("hex"))}::text[]) as p(id, marks)`.execute(
      db,
    );
  }

  await sql`insert into contacts (school_id, pupil_id, priority, name, relationship, parental_responsibility, lives_with_pupil)
            select ${schoolId}, n, k, case k when 1 then 'Parent A ' else 'Parent B ' end || n,
                   'Parent', true, k = 1
            from generate_series(${firstPupilId}::int, ${last}::int) n, generate_series(1, 2) k
            where k = 1 or n % 2 = 0`.execute(db);
  // A tenth in a stage since the first of June, begun by absence up to the 22nd of May.
  await sql`insert into attendance_cases (school_id, pupil_id, status, stage_id, stage_started_on, baseline_attended,
                                          baseline_possible, opened_on, opened_by, policy_version, stage_evidence_end)
            select ${schoolId}, n, 'open', case when n % 20 = 0 then 'stage_2' else 'stage_1' end, date '2026-06-01',
                   260, 300, date '2026-06-01', 'bench', 1, date '2026-05-22'
            from generate_series(${firstPupilId}::int, ${last}::int) n where n % 10 = 0`.execute(
    db,
  );
  await sql`insert into attendance_cases (school_id, pupil_id, status, stage_id, stage_started_on, baseline_attended,
                                          baseline_possible, opened_on, opened_by, policy_version, last_review_on,
                                          last_review_band, closed_on, outcome)
            select ${schoolId}, n, 'closed', 'stage_1', date '2025-11-03', 260, 300, date '2025-11-03', 'bench', 1,
                   date '2026-01-16', 'good', date '2026-01-16', 'improved'
            from generate_series(${firstPupilId}::int, ${last}::int) n where n % 10 = 5`.execute(
    db,
  );
  await sql`insert into interventions (school_id, case_id, kind, issued_on, contact_id, recorded_by, paid)
            select c.school_id, c.id, 'penalty_notice', d.issued_on, k.id, 'bench', false
            from attendance_cases c
            join contacts k on k.school_id = c.school_id and k.pupil_id = c.pupil_id
            cross join (values (date '2025-10-01'), (date '2026-02-02')) d(issued_on)
            where c.school_id = ${schoolId} and c.status = 'open' and c.pupil_id % 100 = 0`.execute(
    db,
  );
  await sql`insert into interventions (school_id, case_id, kind, issued_on, recorded_by)
            select c.school_id, c.id, 'notice_to_improve', date '2026-03-02', 'bench'
            from attendance_cases c
            where c.school_id = ${schoolId} and c.status = 'open' and c.pupil_id % 50 = 10`.execute(
    db,
  );
  await sql`insert into letters (school_id, pupil_id, case_id, letter_id, template_version, addressee, content,
                                 merge_data, pdf, docx, issued_on, issued_by)
            select c.school_id, c.pupil_id, c.id, 'trust_letter_1', 1, 'Parent A', 'Letter 1', '{}', '', '',
                   date '2026-06-01', 'bench'
            from attendance_cases c where c.school_id = ${schoolId} and c.status = 'open'`.execute(
    db,
  );
  await sql`insert into leave_requests (school_id, pupil_id, from_date, from_session, to_date, to_session, reason,
                                        requested_by, requested_at, status, decided_by, decided_at)
            select ${schoolId}, n, ${REFUSED_FROM}, 'AM', ${REFUSED_TO}, 'PM', 'Holiday', 'Parent A',
                   now(), 'refused', 'Head of School', now()
            from generate_series(${firstPupilId}::int, ${last}::int) n where n % 50 = 7`.execute(
    db,
  );
  await savePolicyVersion(db, schoolId, BENCH_POLICY, "bench");
  return schoolId;
}
