import type { Kysely } from "kysely";
import { saveAcademicYear } from "../../db/repositories/calendar.ts";
import type { MarkToRecord } from "../../db/repositories/marks.ts";
import { savePolicyVersion } from "../../db/repositories/policies.ts";
import { groupIdsByName } from "../../db/repositories/pupils.ts";
import { createSchool, type NewSchool } from "../../db/repositories/schools.ts";
import { createUser, findUserByEmail } from "../../db/repositories/users.ts";
import type { DB, School } from "../../db/schema.ts";
import { academicYearOf, SchoolCalendar } from "../../domain/calendar.ts";
import { DFE_POLICY_ON_A_PAGE } from "../../domain/policy/presets/dfe-policy-on-a-page.ts";
import { PRIMARY_RAG_POLICY } from "../../domain/policy/presets/primary-rag.ts";
import type { Policy } from "../../domain/policy/types.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { evaluateSchool } from "../policy/evaluate-school.ts";
import { demoMarks } from "./attendance.ts";
import {
  createDemoSchool,
  DEMO_SCHOOL,
  type DemoOptions,
  type DemoSummary,
  type Mover,
  recordRegistersTaken,
  storeDemoPupils,
  writeInBatches,
} from "./create-demo-school.ts";
import { DEMO_PASSWORD, type DemoAccount } from "./demo-accounts.ts";
import { BOYS_NAMES, GIRLS_NAMES, SURNAMES } from "./names.ts";
import { demoContacts, demoPupils, type SchoolShape } from "./pupils.ts";
import { Random } from "./random.ts";
import { TYPICAL_TERM_DATES } from "./term-dates.ts";

/** A school of the demo trust beside Northfield: its own phase, policy, staff and registers. */
interface TrustSchool {
  school: NewSchool;
  shape: SchoolShape;
  pupilsPerForm: number;
  policy: Policy;
  /** The staff's email addresses end @domain. */
  domain: string;
  head: string;
  officer: string;
  /** Receives the pupil who left Northfield this year. */
  receivesMover: boolean;
}

const IN_THE_TRUST = {
  trustName: DEMO_SCHOOL.trustName,
  localAuthority: DEMO_SCHOOL.localAuthority,
};

/** Small on purpose: the first start loads all three schools in well under a minute. */
export const TRUST_SCHOOLS: readonly TrustSchool[] = [
  {
    school: {
      name: "Riverside Primary School",
      phase: "primary",
      urn: "149998",
      estab: "2998",
      address: "Mill Road, Leeds LS99 8ZZ",
      ...IN_THE_TRUST,
    },
    shape: {
      firstYear: 1,
      lastYear: 6,
      forms: ["R", "W"],
      laNumber: "383",
      estab: "2998",
      leavers: "summer",
    },
    pupilsPerForm: 12,
    policy: PRIMARY_RAG_POLICY,
    domain: "riverside-primary.example",
    head: "Mrs K. Lindqvist",
    officer: "Mr T. Barnes",
    receivesMover: false,
  },
  {
    school: {
      name: "Brook House School",
      phase: "special",
      urn: "149997",
      estab: "7997",
      address: "Brook Lane, Leeds LS99 7ZZ",
      ...IN_THE_TRUST,
    },
    shape: {
      firstYear: 7,
      lastYear: 11,
      forms: ["K"],
      laNumber: "383",
      estab: "7997",
      leavers: "school_age",
    },
    pupilsPerForm: 8,
    policy: DFE_POLICY_ON_A_PAGE,
    domain: "brookhouse.example",
    head: "Dr M. Osei",
    officer: "Ms L. Hart",
    receivesMover: true,
  },
];

export interface DemoTrustSummary {
  northfield: DemoSummary;
  schools: { school: School; pupils: number; marks: number; accounts: DemoAccount[] }[];
  /** The pupil who moved from Northfield to a school of the trust this year. */
  mover: (Mover & { upn: string; to: string }) | null;
}

/**
 * The demo: Northfield Academy, and beside it a primary and a special school of the same trust
 * in the same local authority, each with its own policy, staff and registers. One Year 9 pupil
 * left Northfield this year and joined the special school a week later, so "one pupil across
 * schools" has someone to follow. `pupilsPerForm` scales every school (tests).
 */
export async function createDemoTrust(
  db: Kysely<DB>,
  options: DemoOptions,
): Promise<DemoTrustSummary> {
  const northfield = await createDemoSchool(db, { ...options, moveOut: true });
  const schools: DemoTrustSummary["schools"] = [];
  let mover: DemoTrustSummary["mover"] = null;
  for (const [index, spec] of TRUST_SCHOOLS.entries()) {
    const joiner = spec.receivesMover ? northfield.mover : null;
    const loaded = await createTrustSchool(db, spec, options, index, joiner);
    schools.push(loaded);
    if (joiner) mover = { ...joiner, upn: joiner.pupil.upn, to: loaded.school.name };
  }
  return { northfield, schools, mover };
}

async function createTrustSchool(
  db: Kysely<DB>,
  spec: TrustSchool,
  options: DemoOptions,
  index: number,
  joiner: Mover | null,
) {
  const random = new Random(options.seed * 31 + index + 1);
  const currentYear = academicYearOf(options.today);
  const years = TYPICAL_TERM_DATES.filter((y) => y.startYear <= currentYear);
  const calendar = new SchoolCalendar([...years]);
  const perForm = options.pupilsPerForm
    ? Math.max(1, Math.round((options.pupilsPerForm * spec.pupilsPerForm) / 24))
    : spec.pupilsPerForm;
  const pupils = demoPupils(random, currentYear, perForm, spec.shape);
  if (joiner && joiner.joins <= options.today) {
    // Same child, same UPN: their history here starts on the day they joined.
    pupils.push({
      ...joiner.pupil,
      form: spec.shape.forms[0] as string,
      admission: joiner.joins,
      leaving: null,
      profile: "persistent",
      family: -1,
    });
  }
  const contacts = demoContacts(random, pupils);
  const marks = demoMarks(random, pupils, {
    calendar,
    currentYear,
    until: options.today,
    untakenToday: new Set([`${spec.shape.lastYear}${spec.shape.forms[0]}`]),
    years: spec.shape,
  });
  const tutors: Record<string, string> = {};
  for (let year = spec.shape.firstYear; year <= spec.shape.lastYear; year++)
    for (const form of spec.shape.forms) tutors[`${year}${form}`] = tutorName(random);
  const officer = `${spec.officer} (attendance officer)`;

  const school = await createSchool(db, spec.school);
  for (const year of years) await saveAcademicYear(db, school.id, year);
  const ids = await storeDemoPupils(db, school.id, pupils, contacts);
  const taken: MarkToRecord[] = [];
  const amended: MarkToRecord[] = [];
  for (const m of marks) {
    const pupilId = ids.get(m.pupil.upn) as number;
    const by = m.planned ? officer : (tutors[m.form] ?? officer);
    taken.push({
      pupilId,
      date: m.date,
      session: m.session,
      code: m.firstCode ?? m.code,
      minutesLate: m.firstCode ? null : m.minutesLate,
      by,
      at: m.recordedAt,
    });
    if (m.firstCode !== null)
      amended.push({
        pupilId,
        date: m.date,
        session: m.session,
        code: m.code,
        minutesLate: m.minutesLate,
        by: officer,
        at: m.amendedAt ?? m.recordedAt,
        reason: m.amendReason,
      });
  }
  const step = spec.school.name;
  await writeInBatches(db, school.id, taken, "register", options, `${step}: registers`);
  await writeInBatches(db, school.id, amended, "amendment", options, `${step}: amendments`);
  await recordRegistersTaken(db, school.id, marks, tutors);
  await savePolicyVersion(db, school.id, spec.policy, officer);
  const accounts = await createStaffAccounts(db, school, spec, tutors);
  await evaluateSchool(db, school.id, options.today);
  return { school, pupils: pupils.length, marks: marks.length, accounts };
}

/** The head, the attendance officer and a tutor for every form, with the demo's password. */
async function createStaffAccounts(
  db: Kysely<DB>,
  school: School,
  spec: TrustSchool,
  tutors: Record<string, string>,
): Promise<DemoAccount[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const groups = await groupIdsByName(db, school.id);
  const accounts: DemoAccount[] = [];
  const add = async (account: DemoAccount, groupId?: number) => {
    if (await findUserByEmail(db, account.email)) return;
    await createUser(db, {
      email: account.email,
      name: account.name,
      passwordHash,
      grants: [{ role: account.role, schoolId: school.id }],
      ...(groupId === undefined
        ? {}
        : { groups: [{ schoolId: school.id, registrationGroupId: groupId }] }),
    });
    accounts.push(account);
  };
  await add({
    email: `head@${spec.domain}`,
    name: spec.head,
    role: "head_of_school",
    note: `${school.name}: whole school`,
  });
  await add({
    email: `attendance@${spec.domain}`,
    name: spec.officer,
    role: "attendance_officer",
    note: `${school.name}: registers and office views`,
  });
  for (const [form, name] of Object.entries(tutors)) {
    const groupId = groups.get(form);
    if (groupId === undefined) continue;
    await add(
      {
        email: `tutor.${form.toLowerCase()}@${spec.domain}`,
        name: name.replace(/ \(form tutor\)$/, ""),
        role: "teacher",
        note: `${school.name}: form tutor of ${form}`,
      },
      groupId,
    );
  }
  return accounts;
}

function tutorName(random: Random): string {
  const female = random.chance(0.7);
  const initial = random.pick(female ? GIRLS_NAMES : BOYS_NAMES)[0];
  const title = female ? random.pick(["Ms", "Mrs", "Miss"]) : random.pick(["Mr", "Dr"]);
  return `${title} ${initial}. ${random.pick(SURNAMES)} (form tutor)`;
}
