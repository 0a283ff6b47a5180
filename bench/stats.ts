/**
 * bench/stats: statistics by group (the school, its year groups and registration groups) for a
 * large data set (default 100,000 pupils x a full year = 38 million marks), computed the Rollbook
 * way (compact marks in typed arrays) and in plain SQL over the register rows, on the same
 * database in the same run. Prints each figure beside its goal, a verdict and peak memory, and
 * exits non-zero when a goal is missed or the two disagree.
 *
 *   npx tsx bench/stats.ts [--pupils 100000] [--rounds 3] [--skip-sql]
 *
 * Uses DATABASE_URL (a private schema, dropped afterwards) or else an embedded database in a
 * temporary directory (the database goals are PostgreSQL's and are then only printed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { type SchoolReport, schoolReport } from "../src/app/attendance-statistics.ts";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { type Database, migrate, openDatabase } from "../src/db/database.ts";
import { loadSchoolYearMarks } from "../src/db/repositories/marks.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { CODES } from "../src/domain/codes.ts";
import { everyone, statisticsOfGroup, tallyGroups } from "../src/domain/group-tallies.ts";
import { SLOTS_PER_YEAR, slotRange } from "../src/domain/marks.ts";
import { absenceBetween, rangeCountsOf } from "../src/domain/range-counts.ts";
import { schoolYearMarksOf } from "../src/domain/school-year-marks.ts";
import { isPersistentlyAbsent } from "../src/domain/statistics.ts";
import { syntheticYear } from "./support/synthetic-year.ts";

const { values: args } = parseArgs({
  options: {
    pupils: { type: "string", default: "100000" },
    rounds: { type: "string", default: "3" },
    "skip-sql": { type: "boolean", default: false },
  },
});
const PUPILS = Number(args.pupils);
const ROUNDS = Number(args.rounds);
const YEAR = 2025;
const FORM_SIZE = 30;
const GOAL_MEMORY_MS = 150;
const GOAL_DATABASE_MS = 600;
const GOAL_RATIO = 50;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number) => `${n.toFixed(0)} ms`;
const out = (line: string) => process.stdout.write(`${line}\n`);
const missed: string[] = [];

interface Timing {
  wall: number[];
  cpu: number[];
}
async function timed<T>(timing: Timing, work: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  timing.wall.push(performance.now() - start);
  const used = process.cpuUsage(cpu);
  timing.cpu.push((used.user + used.system) / 1000);
  return result;
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const min = (xs: number[]) => sorted(xs)[0] as number;
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)] as number;
const newTiming = (): Timing => ({ wall: [], cpu: [] });
function figure(label: string, t: Timing, goalMs?: number, judged = true): void {
  const verdict =
    goalMs === undefined
      ? ""
      : `  goal < ${goalMs} ms: ${judge(min(t.wall) < goalMs, judged, label)}`;
  out(
    `  ${label.padEnd(52)} min ${ms(min(t.wall)).padStart(8)}, median ${ms(median(t.wall)).padStart(8)} ` +
      `(process CPU min ${ms(min(t.cpu))})${verdict}`,
  );
}
function judge(met: boolean, judged: boolean, label: string): string {
  if (!judged) return met ? "met (not judged here)" : "missed (not judged here)";
  if (!met) missed.push(label);
  return met ? "met" : "FAIL";
}

async function open(): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), "rollbook-bench-"));
    const database = await openDatabase({ dataDir: dir });
    return {
      database,
      cleanup: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_stats_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  // Loading 38 million register rows takes minutes: no statement timeout here.
  const database = await openDatabase({
    url,
    searchPath: schema,
    poolSize: 2,
    statementTimeoutMs: 0,
  });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/** Pupil n (1-based) is in year group 7 + (n-1) % 5 and in form (n-1) / FORM_SIZE. */
async function load(database: Database, marks: Uint8Array[]): Promise<number> {
  const { db } = database;
  const school = await db
    .insertInto("schools")
    .values({ name: "Bench", phase: "secondary" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const id = school.id;
  await sql`insert into year_groups (school_id, id, name, nc_year)
            select ${id}, y, 'Year ' || y, y from generate_series(7, 11) y`.execute(db);
  const forms = Math.ceil(PUPILS / FORM_SIZE);
  await sql`insert into registration_groups (school_id, id, name)
            select ${id}, f, 'Form ' || f from generate_series(0, ${forms - 1}::int) f`.execute(db);
  await sql`insert into pupils (school_id, id, upn, legal_forename, legal_surname, date_of_birth, sex, admission_date,
                                year_group_id, registration_group_id)
            select ${id}, n, 'B' || lpad(n::text, 12, '0'), 'Pupil', 'Bench', date '2012-01-01', 'F', date '2020-09-01',
                   7 + (n - 1) % 5, (n - 1) / ${FORM_SIZE}
            from generate_series(1, ${PUPILS}::int) n`.execute(db);
  for (let start = 0; start < marks.length; start += 5_000) {
    const chunk = marks.slice(start, start + 5_000);
    await sql`insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
              select ${id}, p.id, ${YEAR}, decode(p.marks, 'hex')
              from unnest(${chunk.map((_, i) => start + i + 1)}::int[], ${chunk.map((m) => Buffer.from(m).toString("hex"))}::text[]) as p(id, marks)`.execute(
      db,
    );
  }
  if (!args["skip-sql"]) {
    // The register rows, derived from the same compact marks by the database itself.
    await sql`insert into session_marks (school_id, pupil_id, date, session, code, recorded_by, recorded_at)
              select y.school_id, y.pupil_id, date '${sql.raw(`${YEAR}-08-01`)}' + (slot / 2),
                     case when slot % 2 = 0 then 'AM' else 'PM' end, c.symbol, 'bench', now()
              from pupil_year_marks y
              cross join generate_series(0, ${SLOTS_PER_YEAR - 1}::int) slot
              join bench_codes c on c.index = get_byte(y.marks, slot)`.execute(db);
    await sql`analyze`.execute(db);
  }
  return id;
}

/** What an analyst writes: register rows joined to a code-category table, grouped. */
const SQL_BY_GROUP = (schoolId: number, from: string, to: string) => sql<{
  year_group: string | null;
  registration_group: string | null;
  whole: boolean;
  possible: number;
  absence: number;
  enrolments: number;
  persistent: number;
}>`
  with per_pupil as (
    select m.pupil_id,
           count(*) filter (where c.category in ('present', 'aea', 'authorised', 'unauthorised')) as possible,
           count(*) filter (where c.category in ('authorised', 'unauthorised')) as absence
    from session_marks m join bench_codes c on c.symbol = m.code
    where m.school_id = ${schoolId} and m.date between ${from} and ${to}
    group by m.pupil_id
  )
  select y.name as year_group, r.name as registration_group, grouping(y.name, r.name) = 3 as whole,
         sum(pp.possible)::int as possible, sum(pp.absence)::int as absence,
         count(*) filter (where pp.possible > 0)::int as enrolments,
         count(*) filter (where pp.possible > 0 and pp.absence * 10 >= pp.possible)::int as persistent
  from per_pupil pp
  join pupils p on p.school_id = ${schoolId} and p.id = pp.pupil_id
  left join year_groups y on y.school_id = p.school_id and y.id = p.year_group_id
  left join registration_groups r on r.school_id = p.school_id and r.id = p.registration_group_id
  group by grouping sets ((), (y.name), (r.name))`;

/** Every figure of every group the SQL gives, the same in the report. */
function agree(
  report: SchoolReport,
  rows: Awaited<ReturnType<ReturnType<typeof SQL_BY_GROUP>["execute"]>>["rows"],
): boolean {
  const groups = new Map<string, SchoolReport["overall"]>([["whole", report.overall]]);
  for (const g of report.byYearGroup) groups.set(`y:${g.label}`, g.statistics);
  for (const g of report.byRegistrationGroup) groups.set(`r:${g.label}`, g.statistics);
  if (rows.length !== groups.size) return false;
  return rows.every((row) => {
    const key = row.whole
      ? "whole"
      : row.year_group !== null
        ? `y:${row.year_group}`
        : `r:${row.registration_group}`;
    const s = groups.get(key);
    return (
      s !== undefined &&
      s.possible === row.possible &&
      s.absence === row.absence &&
      s.enrolments === row.enrolments &&
      s.persistentAbsentees === row.persistent
    );
  });
}

const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
const yearRange = { from: `${YEAR}-08-01`, to: `${YEAR + 1}-07-31` };
const [lo, hi] = slotRange(YEAR, yearRange.from, yearRange.to);
out(
  `bench/stats: ${PUPILS.toLocaleString()} pupils, one academic year, ${ROUNDS} rounds; load ${(
    await import("node:os")
  )
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
const generated = syntheticYear(calendar, YEAR, PUPILS);
const marks = generated.marks;
out(`  generated ${generated.count.toLocaleString()} marks`);

// 1. From memory: every pupil's year already in one buffer, statistics by group in one pass.
const school = schoolYearMarksOf(YEAR, new Map(marks.map((m, i) => [i + 1, m])));
const yearOf = Int32Array.from(school.pupilIds, (n) => (n - 1) % 5);
const formOf = Int32Array.from(school.pupilIds, (n) => Math.floor((n - 1) / FORM_SIZE));
const forms = Math.ceil(PUPILS / FORM_SIZE);
const memory = newTiming();
let inMemoryPersistent = 0;
for (let r = 0; r < Math.max(ROUNDS, 5); r++) {
  await timed(memory, () => {
    const [all] = tallyGroups(school, lo, hi, [
      everyone(PUPILS),
      { groupOf: yearOf, groups: 5 },
      { groupOf: formOf, groups: forms },
    ]);
    if (!all) throw new Error("no result");
    inMemoryPersistent = statisticsOfGroup(all, 0).persistentAbsentees;
  });
}
out("From memory (compact marks in one buffer, the school + 5 year groups + forms):");
figure(`statistics by group, ${forms.toLocaleString()} forms`, memory, GOAL_MEMORY_MS);

// Prefix sums: built once, then any range is a constant per pupil.
const build = newTiming();
const counts = await timed(build, () => rangeCountsOf(school));
figure("prefix sums per category, built once", build);
const terms = calendar.years.find((y) => y.startYear === YEAR)?.halfTerms ?? [];
const ranges = [
  { label: "year", range: yearRange },
  { label: "autumn term", range: { from: terms[0]?.start ?? "", to: terms[1]?.end ?? "" } },
  { label: "first week of March", range: { from: "2026-03-02", to: "2026-03-06" } },
];
let prefixAgrees = true;
for (const { label, range } of ranges) {
  const [a, b] = slotRange(YEAR, range.from, range.to);
  const t = newTiming();
  let persistent = 0;
  for (let r = 0; r < 3; r++) {
    await timed(t, () => {
      const { possible, absence } = absenceBetween(counts, a, b);
      persistent = 0;
      for (let p = 0; p < PUPILS; p++)
        if (isPersistentlyAbsent(absence[p] as number, possible[p] as number)) persistent++;
    });
  }
  const [check] = tallyGroups(school, a, b, [everyone(PUPILS)]);
  if (!check || statisticsOfGroup(check, 0).persistentAbsentees !== persistent)
    prefixAgrees = false;
  figure(`persistent absentees over the ${label} from the prefix sums`, t);
}
out(`  prefix sums and a full scan agree on every range: ${prefixAgrees ? "yes" : "NO"}`);
if (!prefixAgrees) missed.push("prefix sums disagree");

const { database, cleanup } = await open();
const postgres = database.kind === "postgres";
try {
  await migrate(database);
  const codeTable = CODES.filter((c) => c.validTo === null);
  await sql`create table bench_codes (index int primary key, symbol text unique, category text)`.execute(
    database.db,
  );
  await sql`insert into bench_codes select * from unnest(${codeTable.map((c) => c.index)}::int[],
            ${codeTable.map((c) => c.symbol)}::text[], ${codeTable.map((c) => c.category)}::text[])`.execute(
    database.db,
  );
  const loadStart = performance.now();
  const schoolId = await load(database, marks);
  out(
    `Loaded into ${database.kind} (${database.location}) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );
  marks.length = 0;

  out(`From the database (${database.kind}), rounds interleaved:`);
  const read = newTiming();
  const hex = newTiming();
  const report = newTiming();
  const plain = newTiming();
  const ratios: number[] = [];
  let agrees = true;
  for (let r = 0; r < ROUNDS; r++) {
    await timed(hex, () =>
      database.db
        .selectFrom("pupil_year_marks")
        .select(["pupil_id", "marks"])
        .where("school_id", "=", schoolId)
        .where("start_year", "=", YEAR)
        .execute()
        .then((rows) => new Map(rows.map((row) => [row.pupil_id, new Uint8Array(row.marks)]))),
    );
    await timed(read, () => loadSchoolYearMarks(database.db, schoolId, YEAR));
    const result = await timed(report, () => schoolReport(database.db, schoolId, yearRange));
    if (result.overall.persistentAbsentees !== inMemoryPersistent) agrees = false;
    if (!args["skip-sql"]) {
      const rows = await timed(
        plain,
        async () =>
          (await SQL_BY_GROUP(schoolId, yearRange.from, yearRange.to).execute(database.db)).rows,
      );
      if (!agree(result, rows)) agrees = false;
      ratios.push((plain.wall.at(-1) as number) / (report.wall.at(-1) as number));
    }
  }
  figure("reading the compact marks as rows (hex text, before)", hex);
  figure("reading the compact marks (loadSchoolYearMarks)", read);
  figure(
    "schoolReport: statistics by group, read and computed",
    report,
    GOAL_DATABASE_MS,
    postgres,
  );
  if (!args["skip-sql"]) {
    figure("plain SQL GROUP BY over the register rows, by group", plain);
    const ratio = min(ratios);
    out(
      `  ${"schoolReport's lead over plain SQL, same round".padEnd(52)} min ${ratio.toFixed(0)}x, median ${median(ratios).toFixed(0)}x` +
        `  goal >= ${GOAL_RATIO}x: ${judge(ratio >= GOAL_RATIO, postgres, "ratio")}`,
    );
  }
  out(
    `  SQL, memory and report agree on every group's counts and persistent absentees: ${agrees ? "yes" : "NO"}`,
  );
  if (!agrees) missed.push("results disagree");
} finally {
  await cleanup();
  clearInterval(sampler);
}
out(`  peak memory (RSS): ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))}`);
out(
  `  load afterwards: ${(await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
out(`verdict: ${missed.length === 0 ? "every goal met" : `FAIL (${missed.join("; ")})`}`);
if (missed.length > 0) process.exitCode = 1;
