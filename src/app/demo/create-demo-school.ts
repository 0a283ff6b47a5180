import type { Kysely } from "kysely";
import { BulkMarkWriter } from "../../db/repositories/bulk-marks.ts";
import { saveAcademicYear } from "../../db/repositories/calendar.ts";
import { chunks, type MarkToRecord } from "../../db/repositories/marks.ts";
import { savePolicyVersion } from "../../db/repositories/policies.ts";
import { ensureGroups, groupIdsByName, insertPupils } from "../../db/repositories/pupils.ts";
import { createSchool } from "../../db/repositories/schools.ts";
import type { DB, School } from "../../db/schema.ts";
import { academicYearOf, SchoolCalendar } from "../../domain/calendar.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { TRUST_POLICY } from "../../domain/policy/presets/trust-policy.ts";
import { evaluateSchool } from "../policy/evaluate-school.ts";
import { type DemoMark, demoMarks, formOf } from "./attendance.ts";
import { loadDemoBenchmarks } from "./benchmarks.ts";
import { recordDemoContactProblems } from "./contact-problems.ts";
import { claimDemoDatabase, createDemoAccounts, type DemoAccount } from "./demo-accounts.ts";
import { BOYS_NAMES, GIRLS_NAMES, SURNAMES } from "./names.ts";
import { type DemoContact, type DemoPupil, demoContacts, demoPupils, FORMS } from "./pupils.ts";
import { Random } from "./random.ts";
import { TYPICAL_TERM_DATES } from "./term-dates.ts";

export interface DemoOptions {
  seed: number;
  /** The demo's "today": marks run up to it (its morning registers mostly taken). */
  today: IsoDate;
  pupilsPerForm?: number;
  /** One Year 9 pupil leaves half way through this year so far (the trust's demo sends them on). */
  moveOut?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoSummary {
  school: School;
  /** Actions the trust policy proposes on the demo's today. */
  proposals: number;
  accounts: DemoAccount[];
  pupils: number;
  onRoll: number;
  contacts: number;
  marks: number;
  amendments: number;
  tutors: Record<string, string>;
  /** The pupil who left this year, when `moveOut` asked for one. */
  mover: Mover | null;
}

export interface Mover {
  pupil: DemoPupil;
  /** Their last day at this school, and the first at the next one. */
  left: IsoDate;
  joins: IsoDate;
}

export const DEMO_SCHOOL = {
  name: "Northfield Academy",
  phase: "secondary" as const,
  urn: "149999",
  estab: "4999",
  address: "Northfield Lane, Leeds LS99 9ZZ",
  trustName: "Riverside Learning Trust",
  localAuthority: { code: "383", name: "Leeds" },
};

export const ATTENDANCE_OFFICER = "Mrs S. Ahmed (attendance officer)";

/**
 * Creates the demo secondary school: five forms of 24 in Years 7 to 11, last year's leavers,
 * contacts, the calendar, and every register since September 2025 with believable patterns
 * (illness spells and a winter peak, term-time holidays, persistent and severe absentees, late
 * arrivers, trips, work experience, study leave, N codes amended by the office). The same seed
 * and day always give the same school.
 */
export async function createDemoSchool(db: Kysely<DB>, options: DemoOptions): Promise<DemoSummary> {
  const random = new Random(options.seed);
  const currentYear = academicYearOf(options.today);
  const years = TYPICAL_TERM_DATES.filter((y) => y.startYear <= currentYear);
  const calendar = new SchoolCalendar([...years]);
  const pupils = demoPupils(random, currentYear, options.pupilsPerForm ?? 24);
  const contacts = demoContacts(random, pupils);
  const untakenToday = new Set([`9${FORMS[3]}`, `10${FORMS[1]}`]);
  const generated = demoMarks(random, pupils, {
    calendar,
    currentYear,
    until: options.today,
    untakenToday,
  });
  // Chosen after every mark is drawn, so the rest of the school is the same with or without it.
  const mover = options.moveOut ? moveOut(pupils, calendar, currentYear, options.today) : null;
  const marks = mover
    ? generated.filter((m) => m.pupil !== mover.pupil || m.date <= mover.left)
    : generated;
  const tutors = tutorNames(random);

  // Before anything is written: a real deployment never receives the demo's shared-password accounts.
  await claimDemoDatabase(db);
  const school = await createSchool(db, DEMO_SCHOOL);
  for (const year of years) await saveAcademicYear(db, school.id, year);
  const ids = await storeDemoPupils(db, school.id, pupils, contacts);

  const pupilId = (p: DemoPupil) => ids.get(p.upn) as number;
  const tutorOf = (m: DemoMark) => tutors[m.form] ?? ATTENDANCE_OFFICER;
  const asTaken: MarkToRecord[] = marks.map((m) => ({
    pupilId: pupilId(m.pupil),
    date: m.date,
    session: m.session,
    code: m.firstCode ?? m.code,
    minutesLate: m.firstCode ? null : m.minutesLate,
    by: m.planned ? ATTENDANCE_OFFICER : tutorOf(m),
    at: m.recordedAt,
  }));
  const amended = marks.filter((m) => m.firstCode !== null);
  const amendments: MarkToRecord[] = amended.map((m) => ({
    pupilId: pupilId(m.pupil),
    date: m.date,
    session: m.session,
    code: m.code,
    minutesLate: m.minutesLate,
    by: ATTENDANCE_OFFICER,
    at: m.amendedAt ?? m.recordedAt,
    reason: m.amendReason,
  }));
  await writeInBatches(db, school.id, asTaken, "register", options, "Registers");
  await writeInBatches(db, school.id, amendments, "amendment", options, "Amendments");
  await recordRegistersTaken(db, school.id, marks, tutors);
  const accounts = await createDemoAccounts(db, school, tutors);
  await recordDemoContactProblems(db, school, { ...options, officer: ATTENDANCE_OFFICER });
  await savePolicyVersion(db, school.id, TRUST_POLICY, ATTENDANCE_OFFICER);
  await loadDemoBenchmarks(db, new Date());
  options.onProgress?.("Evaluating the attendance policy", 0, 1);
  const evaluation = await evaluateSchool(db, school.id, options.today);
  options.onProgress?.("Evaluating the attendance policy", 1, 1);
  return {
    accounts,
    proposals: evaluation.proposed,
    school,
    pupils: pupils.length,
    onRoll: pupils.filter((p) => p.leaving === null || p.leaving >= options.today).length,
    contacts: contacts.length,
    marks: marks.length,
    amendments: amendments.length,
    tutors,
    mover,
  };
}

/** The demo's pupils (with their year groups and forms) and contacts, in one transaction; ids by UPN. */
export async function storeDemoPupils(
  db: Kysely<DB>,
  schoolId: number,
  pupils: DemoPupil[],
  contacts: DemoContact[],
): Promise<Map<string, number>> {
  return db.transaction().execute(async (tx) => {
    const groups = await ensureGroups(
      tx,
      schoolId,
      pupils.map((p) => ({
        yearGroup: `Year ${p.ncYear}`,
        registrationGroup: formOf(p, p.ncYear),
        ncYear: p.ncYear,
      })),
    );
    const inserted = await insertPupils(
      tx,
      pupils.map((p) => ({
        school_id: schoolId,
        upn: p.upn,
        legal_forename: p.forename,
        legal_surname: p.surname,
        preferred_forename: p.preferredForename,
        preferred_surname: null,
        date_of_birth: p.dob,
        sex: p.sex,
        year_group_id: groups.yearGroups.get(`Year ${p.ncYear}`) ?? null,
        registration_group_id: groups.registrationGroups.get(formOf(p, p.ncYear)) ?? null,
        admission_date: p.admission,
        leaving_date: p.leaving,
        sen_support: p.senSupport,
        ehcp: p.ehcp,
        fsm: p.fsm,
        pupil_premium: p.pupilPremium,
        looked_after: p.lookedAfter,
        has_social_worker: p.socialWorker,
        medical_condition: p.medicalCondition,
      })),
    );
    const byUpn = new Map(inserted.map((p) => [p.upn, p.id]));
    for (const chunk of chunks(contacts, 1_000)) {
      await tx
        .insertInto("contacts")
        .values(
          chunk.map((c) => ({
            school_id: schoolId,
            pupil_id: byUpn.get(c.upn) as number,
            priority: c.priority,
            name: c.name,
            relationship: c.relationship,
            phone: c.phone,
            email: c.email,
            parental_responsibility: c.parentalResponsibility,
            lives_with_pupil: c.livesWithPupil,
          })),
        )
        .execute();
    }
    return byUpn;
  });
}

/** The first Year 9 pupil on roll leaves half way through the year's school days so far. */
function moveOut(
  pupils: DemoPupil[],
  calendar: SchoolCalendar,
  currentYear: number,
  today: IsoDate,
): Mover | null {
  const pupil = pupils.find((p) => p.ncYear === 9 && p.leaving === null);
  const days = calendar.schoolDays(`${currentYear}-09-01`, today);
  if (!pupil || days.length < 12) return null;
  const half = Math.floor(days.length / 2);
  const left = days[half] as IsoDate;
  pupil.leaving = left;
  // A week out of school between the two: the gap a local authority asks about.
  return { pupil, left, joins: days[half + 6] as IsoDate };
}

export async function writeInBatches(
  db: Kysely<DB>,
  schoolId: number,
  marks: MarkToRecord[],
  source: "register" | "amendment",
  options: Pick<DemoOptions, "onProgress">,
  step: string,
): Promise<void> {
  let done = 0;
  for (const batch of chunks(marks, 20_000)) {
    // The bulk path (bulk-marks.ts): COPY and one set-based write a batch.
    await db.transaction().execute(async (tx) => {
      const writer = new BulkMarkWriter(tx, schoolId, {
        by: ATTENDANCE_OFFICER,
        at: new Date(),
        source,
        reason: null,
      });
      await writer.write(batch);
      await writer.finish();
    });
    done += batch.length;
    options.onProgress?.(step, done, marks.length);
  }
}

/** Every register the demo's marks came from was taken by its form's tutor at the session's time. */
export async function recordRegistersTaken(
  db: Kysely<DB>,
  schoolId: number,
  marks: DemoMark[],
  tutors: Record<string, string>,
): Promise<void> {
  const groups = await groupIdsByName(db, schoolId);
  const registers = new Map<
    string,
    { groupId: number; date: string; session: "AM" | "PM"; by: string; at: Date }
  >();
  for (const mark of marks) {
    const groupId = groups.get(mark.form);
    const key = `${mark.form}|${mark.date}|${mark.session}`;
    if (groupId === undefined || registers.has(key)) continue;
    registers.set(key, {
      groupId,
      date: mark.date,
      session: mark.session,
      by: tutors[mark.form] ?? ATTENDANCE_OFFICER,
      at: mark.recordedAt,
    });
  }
  for (const chunk of chunks([...registers.values()], 2_000)) {
    await db
      .insertInto("registers_taken")
      .values(
        chunk.map((r) => ({
          school_id: schoolId,
          registration_group_id: r.groupId,
          date: r.date,
          session: r.session,
          first_taken_by: r.by,
          first_taken_at: r.at,
          last_saved_by: r.by,
          last_saved_at: r.at,
        })),
      )
      .execute();
  }
}

/** A form tutor for each registration group, Years 7 to 11. */
function tutorNames(random: Random): Record<string, string> {
  const tutors: Record<string, string> = {};
  for (let year = 7; year <= 11; year++) {
    for (const form of FORMS) {
      const female = random.chance(0.6);
      const initial = random.pick(female ? GIRLS_NAMES : BOYS_NAMES)[0];
      const title = female ? random.pick(["Ms", "Mrs", "Miss"]) : random.pick(["Mr", "Dr"]);
      tutors[`${year}${form}`] = `${title} ${initial}. ${random.pick(SURNAMES)} (form tutor)`;
    }
  }
  return tutors;
}
