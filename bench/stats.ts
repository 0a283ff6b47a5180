/**
 * bench/stats: statistics for every pupil of a large data set (default 100,000 pupils x a full
 * year = 38 million marks), computed the Rollbook way (compact marks in TypeScript) and in plain
 * SQL over the register rows, on the same database. Prints marks per second and peak memory.
 *
 *   npx tsx bench/stats.ts [--pupils 100000] [--skip-sql]
 *
 * Uses DATABASE_URL (a private schema, dropped afterwards) or else an embedded database in a
 * temporary directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { type Database, migrate, openDatabase } from "../src/db/database.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { CODES } from "../src/domain/codes.ts";
import type { YearMarks } from "../src/domain/marks.ts";
import { groupStatistics, pupilStatistics, tallyMarks } from "../src/domain/statistics.ts";
import { syntheticYear } from "./support/synthetic-year.ts";

const { values: args } = parseArgs({
  options: {
    pupils: { type: "string", default: "100000" },
    "skip-sql": { type: "boolean", default: false },
  },
});
const PUPILS = Number(args.pupils);
const YEAR = 2025;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${(((n / ms) * 1000) / 1e6).toFixed(1)} million marks/s`;
async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
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
  const database = await openDatabase({ url, searchPath: schema, poolSize: 2 });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

async function load(database: Database, marks: YearMarks[]): Promise<number> {
  const { db } = database;
  const school = await db
    .insertInto("schools")
    .values({ name: "Bench", phase: "secondary" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`insert into pupils (school_id, id, upn, legal_forename, legal_surname, date_of_birth, sex, admission_date)
            select ${school.id}, n, 'B' || lpad(n::text, 12, '0'), 'Pupil', 'Bench', date '2012-01-01', 'F', date '2020-09-01'
            from generate_series(1, ${PUPILS}::int) n`.execute(db);
  for (let start = 0; start < marks.length; start += 5_000) {
    const chunk = marks.slice(start, start + 5_000);
    await sql`insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
              select ${school.id}, p.id, ${YEAR}, decode(p.marks, 'hex')
              from unnest(${chunk.map((_, i) => start + i + 1)}::int[], ${chunk.map((m) => Buffer.from(m).toString("hex"))}::text[]) as p(id, marks)`.execute(
      db,
    );
  }
  // The register rows, derived from the same compact marks by the database itself.
  const codeTable = CODES.filter((c) => c.validTo === null).map(
    (c) => [c.index, c.symbol] as const,
  );
  await sql`create temporary table bench_codes (index int primary key, symbol text)`.execute(db);
  await sql`insert into bench_codes select * from unnest(${codeTable.map(([i]) => i)}::int[], ${codeTable.map(([, s]) => s)}::text[])`.execute(
    db,
  );
  await sql`insert into session_marks (school_id, pupil_id, date, session, code, recorded_by, recorded_at)
            select y.school_id, y.pupil_id, date '${sql.raw(`${YEAR}-08-01`)}' + (slot / 2),
                   case when slot % 2 = 0 then 'AM' else 'PM' end, c.symbol, 'bench', now()
            from pupil_year_marks y
            cross join generate_series(0, 731) slot
            join bench_codes c on c.index = get_byte(y.marks, slot)`.execute(db);
  return school.id;
}

const SQL_STATISTICS = sql<{
  pupil_id: number;
  possible: number;
  attendance: number;
  absence: number;
}>`
  select pupil_id,
         count(*) filter (where code in ('/', '\\', 'L', 'K', 'V', 'P', 'W', 'B', 'C', 'C1', 'C2', 'E', 'I', 'J1', 'M', 'R', 'S', 'T', 'G', 'N', 'O', 'U')) as possible,
         count(*) filter (where code in ('/', '\\', 'L', 'K', 'V', 'P', 'W', 'B')) as attendance,
         count(*) filter (where code in ('C', 'C1', 'C2', 'E', 'I', 'J1', 'M', 'R', 'S', 'T')) as authorised,
         count(*) filter (where code in ('G', 'N', 'O', 'U')) as unauthorised,
         count(*) filter (where code in ('C', 'C1', 'C2', 'E', 'I', 'J1', 'M', 'R', 'S', 'T', 'G', 'N', 'O', 'U')) as absence,
         count(*) filter (where code in ('L', 'U')) as late
  from session_marks
  group by pupil_id`;

const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
process.stdout.write(`bench/stats: ${PUPILS.toLocaleString()} pupils, one academic year\n`);
const [{ marks, count }, generateMs] = await timed(() => syntheticYear(calendar, YEAR, PUPILS));
process.stdout.write(`  generated ${count.toLocaleString()} marks in ${seconds(generateMs)}\n`);

// 1. Pure computation over compact marks already in memory: the engine's hot path.
const [school, computeMs] = await timed(() => {
  const tallies = marks.map((m) => tallyMarks(m));
  const perPupil = tallies.map((t) => pupilStatistics(t));
  return {
    group: groupStatistics(tallies),
    persistent: perPupil.filter((s) => s.persistentlyAbsent).length,
  };
});
process.stdout.write(
  `  TypeScript, compact marks in memory: ${seconds(computeMs)} (${rate(count, computeMs)}); ` +
    `${school.persistent.toLocaleString()} persistently absent, ${school.group.severeAbsentees.toLocaleString()} severely absent\n`,
);

const { database, cleanup } = await open();
try {
  await migrate(database);
  const [schoolId, loadMs] = await timed(() => load(database, marks));
  process.stdout.write(
    `  loaded into ${database.kind} (${database.location}) in ${seconds(loadMs)}\n`,
  );
  marks.length = 0;

  // 2. The same from the database: read the compact form and compute.
  const [fromDb, dbMs] = await timed(async () => {
    const rows = await database.db
      .selectFrom("pupil_year_marks")
      .select(["pupil_id", "marks"])
      .where("school_id", "=", schoolId)
      .execute();
    return groupStatistics(rows.map((r) => tallyMarks(r.marks)));
  });
  process.stdout.write(
    `  TypeScript, reading compact marks from the database: ${seconds(dbMs)} (${rate(count, dbMs)})\n`,
  );

  if (!args["skip-sql"]) {
    const [rows, sqlMs] = await timed(async () => (await SQL_STATISTICS.execute(database.db)).rows);
    const persistent = rows.filter(
      (r) => Number(r.possible) > 0 && Number(r.absence) * 10 >= Number(r.possible),
    ).length;
    process.stdout.write(
      `  plain SQL GROUP BY over ${count.toLocaleString()} register rows: ${seconds(sqlMs)} (${rate(count, sqlMs)})\n`,
    );
    const agrees = persistent === fromDb.persistentAbsentees && rows.length === fromDb.enrolments;
    process.stdout.write(
      `  SQL and TypeScript agree on every pupil's persistent absence: ${agrees ? "yes" : "NO"}\n`,
    );
    if (!agrees) process.exitCode = 1;
  }
} finally {
  await cleanup();
  clearInterval(sampler);
}
process.stdout.write(
  `  peak memory (RSS): ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))}\n`,
);
process.stdout.write(
  `  target: every pupil's statistics in under 2 s on 2 cores: ${school && computeMs < 2000 ? "met" : "NOT met"}\n`,
);
