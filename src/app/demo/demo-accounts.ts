import type { Kysely } from "kysely";
import { groupIdsByName } from "../../db/repositories/pupils.ts";
import {
  createUser,
  decideDeployment,
  findDeployment,
  findUserByEmail,
} from "../../db/repositories/users.ts";
import type { DB, Role, School } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { hashPassword } from "../accounts/passwords.ts";

export const DEMO_PASSWORD = "northfield-demo";

/** The demo trust's other schools (demo-trust.ts): their heads and offices are listed too. */
const TRUST_SCHOOL_DOMAINS = ["riverside-primary.example", "brookhouse.example"];

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  note: string;
}

/** Records this database as a demo, or refuses when it is already recorded as a real deployment. */
export async function claimDemoDatabase(db: Kysely<DB>): Promise<void> {
  if (!(await decideDeployment(db, true)).demo)
    throw new RollbookError(
      "conflict",
      "This database is a real deployment: the demo's accounts share a published password, so the demo goes in a database of its own (rollbook --data-dir ./demo demo)",
    );
}

/**
 * One account per role for the demo school, all with DEMO_PASSWORD; a form tutor account for
 * every registration group; a parent linked to a pupil in 9C and that pupil's brother or sister.
 * The password is published, so the database is recorded as a demo first (the web app then says
 * so on every page), and a database already recorded as a real deployment is refused.
 */
export async function createDemoAccounts(
  db: Kysely<DB>,
  school: School,
  tutors: Record<string, string>,
): Promise<DemoAccount[]> {
  await claimDemoDatabase(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const groups = await groupIdsByName(db, school.id);
  const accounts: DemoAccount[] = [];
  const add = async (
    account: DemoAccount,
    extra: Parameters<typeof createUser>[1]["grants"][number],
    more: Partial<Parameters<typeof createUser>[1]> = {},
  ) => {
    if (await findUserByEmail(db, account.email)) return;
    await createUser(db, {
      email: account.email,
      name: account.name,
      passwordHash,
      grants: [extra],
      ...more,
    });
    accounts.push(account);
  };
  await add(
    {
      email: "head@northfield.example",
      name: "Mr D. Okafor",
      role: "head_of_school",
      note: "whole school, set-up and staff",
    },
    { role: "head_of_school", schoolId: school.id },
  );
  await add(
    {
      email: "attendance@northfield.example",
      name: "Mrs S. Ahmed",
      role: "attendance_officer",
      note: "registers, amendments, office views",
    },
    { role: "attendance_officer", schoolId: school.id },
  );
  await add(
    {
      email: "dsl@northfield.example",
      name: "Ms R. Clarke",
      role: "dsl",
      note: "safeguarding fields",
    },
    { role: "dsl", schoolId: school.id },
  );
  for (const [form, signature] of Object.entries(tutors)) {
    const groupId = groups.get(form);
    if (groupId === undefined) continue;
    await add(
      {
        email: `tutor.${form.toLowerCase()}@northfield.example`,
        name: signature.replace(/ \(form tutor\)$/, ""),
        role: "teacher",
        note: `form tutor of ${form}`,
      },
      { role: "teacher", schoolId: school.id },
      { groups: [{ schoolId: school.id, registrationGroupId: groupId }] },
    );
  }
  if (school.trust_id !== null) {
    await add(
      {
        email: "trust@riverside.example",
        name: "Ms J. Whitfield",
        role: "trust_officer",
        note: "every school of the trust, read-only",
      },
      { role: "trust_officer", trustId: school.trust_id },
    );
  }
  if (school.la_code !== null) {
    await add(
      {
        email: "la@leeds.example",
        name: "Mr P. Nowak",
        role: "la_officer",
        note: "schools in the local authority, read-only",
      },
      { role: "la_officer", laCode: school.la_code },
    );
  }
  const child = await db
    .selectFrom("pupils as p")
    .innerJoin("registration_groups as g", (j) =>
      j.onRef("g.school_id", "=", "p.school_id").onRef("g.id", "=", "p.registration_group_id"),
    )
    .select(["p.id", "p.legal_surname"])
    .where("p.school_id", "=", school.id)
    .where("g.name", "=", "9C")
    .where("p.leaving_date", "is", null)
    .orderBy("p.id")
    .executeTakeFirst();
  if (child) {
    await add(
      {
        email: "parent@example.com",
        name: `Mrs A. ${child.legal_surname}`,
        role: "parent",
        note: "a parent of a pupil in 9C",
      },
      { role: "parent", schoolId: school.id },
      { children: [{ schoolId: school.id, pupilId: child.id }] },
    );
  }
  await add(
    {
      email: "admin@rollbook.example",
      name: "Rollbook Admin",
      role: "admin",
      note: "every school",
    },
    { role: "admin" },
  );
  return accounts;
}

/** The demo accounts to print at start-up and on the sign-in page (tutors beyond one are summarised); none outside a demo. */
export async function demoAccountsToShow(
  db: Kysely<DB>,
): Promise<{ email: string; name: string; role: Role; school: string | null }[]> {
  if (!(await findDeployment(db))?.demo) return [];
  const rows = await db
    .selectFrom("users as u")
    .innerJoin("role_grants as g", "g.user_id", "u.id")
    .leftJoin("schools as s", "s.id", "g.school_id")
    .select(["u.email", "u.name", "g.role", "s.name as school"])
    .where((eb) =>
      eb.or([
        eb("u.email", "like", "%@northfield.example"),
        ...TRUST_SCHOOL_DOMAINS.map((d) =>
          eb.and([eb("u.email", "like", `%@${d}`), eb("g.role", "!=", "teacher")]),
        ),
        eb("u.email", "in", [
          "trust@riverside.example",
          "la@leeds.example",
          "parent@example.com",
          "admin@rollbook.example",
        ]),
      ]),
    )
    .orderBy("u.id")
    .execute();
  const tutors = rows.filter((r) => r.role === "teacher");
  return [
    ...rows.filter((r) => r.role !== "teacher"),
    ...tutors.filter((t) => t.email === "tutor.9c@northfield.example"),
  ];
}
