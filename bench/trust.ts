/**
 * bench/trust: a 300-school local authority (150,000 pupils, a full year of marks each) on the
 * PostgreSQL server. Prints what the scheduler's recount costs (every school's snapshot computed
 * from the compact marks, per school), then the latency of the overview and of the termly
 * conversation list as the LA officer's browser asks for them over HTTP, against a 300 ms target.
 * Requests never recount a school (a stale one is shown as stale).
 *
 *   npx tsx bench/trust.ts [--schools 300] [--pupils-per-school 500] [--requests 30]
 *
 * Uses DATABASE_URL (default the local server) in a private schema, dropped afterwards. CTF import
 * speed is printed by bench/ctf.ts.
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { hashPassword } from "../src/app/accounts/passwords.ts";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { refreshQueuedSnapshots } from "../src/app/oversight/snapshots.ts";
import { migrate } from "../src/db/database.ts";
import { saveAcademicYear } from "../src/db/repositories/calendar.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { londonInstant } from "../src/domain/dates.ts";
import { buildApp } from "../src/server/app.ts";
import { benchSession } from "./support/bench-session.ts";
import { prepareDatabase } from "./support/spike.ts";
import { syntheticYear } from "./support/synthetic-year.ts";
import { printLatencies, timedGet } from "./support/timed-requests.ts";

const { values: args } = parseArgs({
  options: {
    schools: { type: "string", default: "300" },
    "pupils-per-school": { type: "string", default: "500" },
    requests: { type: "string", default: "30" },
  },
});
const SCHOOLS = Number(args.schools);
const PER_SCHOOL = Number(args["pupils-per-school"]);
const REQUESTS = Number(args.requests);
const YEAR = 2025;
const TODAY = "2026-07-20";
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

process.stdout.write(
  `bench/trust: ${SCHOOLS} schools x ${PER_SCHOOL} pupils, one local authority\n`,
);
const { database, cleanup } = await prepareDatabase("postgres", PG_URL);
const { db } = database;
try {
  await migrate(database);
  let started = Date.now();
  await sql`insert into local_authorities (code, name) values ('900', 'Bench LA')`.execute(db);
  await sql`insert into schools (name, phase, la_code)
            select 'School ' || lpad(s::text, 3, '0'), 'secondary', '900' from generate_series(1, ${SCHOOLS}::int) s`.execute(
    db,
  );
  const schools = await db.selectFrom("schools").select("id").orderBy("id").execute();
  const year = TYPICAL_TERM_DATES.find((y) => y.startYear === YEAR);
  if (!year) throw new Error("no term dates for the bench year");
  for (const s of schools) await saveAcademicYear(db, s.id, year);
  await sql`insert into year_groups (school_id, name, nc_year)
            select s.id, 'Year ' || y, y from schools s, generate_series(7, 11) y`.execute(db);
  await sql`insert into registration_groups (school_id, name, year_group_id)
            select y.school_id, y.nc_year || 'A', y.id from year_groups y`.execute(db);
  await sql`insert into pupils (school_id, upn, legal_forename, legal_surname, date_of_birth, sex,
                                year_group_id, registration_group_id, admission_date)
            select r.school_id, 'B' || lpad(r.id::text, 6, '0') || lpad(n::text, 6, '0'),
                   'Pupil', 'Number ' || n, date '2012-01-01', 'F', r.year_group_id, r.id, date '2020-09-01'
            from registration_groups r, generate_series(1, ${Math.ceil(PER_SCHOOL / 5)}::int) n`.execute(
    db,
  );
  const pupils = await db.selectFrom("pupils").select(["id", "school_id"]).orderBy("id").execute();
  const calendar = new SchoolCalendar([year]);
  const { marks } = syntheticYear(calendar, YEAR, pupils.length);
  for (let start = 0; start < pupils.length; start += 5_000) {
    const chunk = pupils.slice(start, start + 5_000);
    await sql`insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
              select p.school_id, p.id, ${YEAR}, decode(p.marks, 'hex')
              from unnest(${chunk.map((p) => p.school_id)}::int[], ${chunk.map((p) => p.id)}::int[],
                          ${chunk.map((_, i) => Buffer.from(marks[start + i] as Uint8Array).toString("hex"))}::text[])
                   as p(school_id, id, marks)`.execute(db);
  }
  const token = "bench-la-session";
  const user = await db
    .insertInto("users")
    .values({
      email: "la@bench.example",
      name: "LA officer",
      password_hash: await hashPassword("not-used-here"),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("role_grants")
    .values({ user_id: user.id, role: "la_officer", la_code: "900" })
    .execute();
  await benchSession(db, user.id, token);
  process.stdout.write(
    `  loaded ${pupils.length} pupils' years in ${seconds(Date.now() - started)}\n`,
  );

  started = Date.now();
  const recount = await refreshQueuedSnapshots(db, TODAY, londonInstant(TODAY, "09:55"), 100_000);
  const perSchool = (Date.now() - started) / Math.max(1, recount.refreshed.length);
  process.stdout.write(
    `  scheduler's recount: ${recount.refreshed.length} schools in ${seconds(Date.now() - started)}, ` +
      `${perSchool.toFixed(0)} ms a school (off the request path; goal < 100 ms a school: ${perSchool < 100 ? "met" : "NOT met"})\n`,
  );
  const app = await buildApp({
    database,
    logLevel: "warn",
    clock: () => londonInstant(TODAY, "10:00"),
  });
  const ask = timedGet(app, token);
  started = Date.now();
  const first = (await ask("/api/oversight/schools?laCode=900")) as {
    body: {
      total: { attendanceRate: { numerator: number; denominator: number }; enrolments: number };
    };
  };
  process.stdout.write(
    `  first overview (read, nothing recounted): ${seconds(Date.now() - started)}; ` +
      `LA attendance ${((first.body.total.attendanceRate.numerator * 100) / first.body.total.attendanceRate.denominator).toFixed(2)}% over ${first.body.total.enrolments} enrolments\n`,
  );
  await printLatencies(
    ask,
    [
      ["overview", "/api/oversight/schools?laCode=900"],
      ["conversation list", "/api/oversight/conversation-list?laCode=900&atRiskBelow=92"],
    ],
    REQUESTS,
    300,
  );
  await app.close();
} finally {
  await database.close();
  await cleanup();
}
