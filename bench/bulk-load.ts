/**
 * bench/bulk-load: a marks file of N pupils x D school days through `importMarks`, the path the
 * CLI, the web upload and the MIS sync use, into PostgreSQL and into the embedded database.
 * Three passes per database: the first load (every mark new), the same file again (every mark
 * unchanged) and a file amending one mark in fifty. Prints marks/s, CPU, peak RSS, the goal beside
 * each and a verdict.
 *
 *   npx tsx bench/bulk-load.ts [--db postgres|pglite|both] [--pupils 10000] [--days 190]
 *
 * 100,000 pupils x 190 days is the issue's year (38 M marks). PostgreSQL from DATABASE_URL
 * (default the local server), in a database of its own, dropped afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { importMarks } from "../src/app/import/import-marks.ts";
import { type Database, migrate, openDatabase } from "../src/db/database.ts";
import { loadCalendar, saveAcademicYear } from "../src/db/repositories/calendar.ts";
import { year2025 } from "../test/support/builders.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    pupils: { type: "string", default: "10000" },
    days: { type: "string", default: "190" },
  },
});
const PUPILS = Number(args.pupils);
const DAYS = Number(args.days);
const GOAL = { postgres: 1_000_000, pglite: 200_000 } as const;
const MEMORY_GOAL_BYTES_PER_MARK = 100;

// The kernel's high-water mark as well as samples: PGlite runs on this thread and blocks timers.
let peakRss = 0;
const highWater = () =>
  Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function open(kind: "postgres" | "pglite") {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "rollbook-bulk-"));
    const database = await openDatabase({ dataDir: dir });
    return {
      database,
      serverCpuMs: async () => 0,
      cleanup: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `bench_bulk_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const database = await openDatabase({ url: own.toString(), poolSize: 2, statementTimeoutMs: 0 });
  return {
    database,
    // The server's CPU for this database's backends, read from /proc (the server is local).
    serverCpuMs: async () => {
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1",
        [name],
      );
      const { readFileSync } = await import("node:fs");
      let ms = 0;
      for (const { pid } of rows) {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
          ms += (Number(f[11]) + Number(f[12])) * 10;
        } catch {
          // not on this machine, or gone
        }
      }
      return ms;
    },
    cleanup: async () => {
      await database.close();
      await admin.query(`drop database ${name}`);
      await admin.end();
    },
  };
}

/** The marks file as it would stream from disk: day by day, every pupil, AM then PM. */
async function* marksFile(days: string[], amendEvery = 0): AsyncGenerator<string> {
  yield "upn,date,session,code,minutes_late\n";
  let n = 0;
  for (const date of days) {
    for (const session of ["AM", "PM"] as const) {
      const lines: string[] = [];
      for (let p = 1; p <= PUPILS; p++) {
        n++;
        const r = (p * 7 + n) % 50;
        let code = r === 0 ? "I" : r === 1 ? "O" : session === "AM" ? "/" : "\\";
        if (amendEvery && n % amendEvery === 0) code = code === "I" ? "M" : "I";
        lines.push(`${upn(p)},${date},${session},${code},\n`);
      }
      yield lines.join("");
    }
  }
}
const upn = (p: number) => `B${String(p).padStart(12, "0")}`;

async function run(kind: "postgres" | "pglite"): Promise<boolean> {
  const { database, serverCpuMs, cleanup } = await open(kind);
  let ok = true;
  try {
    await migrate(database);
    const { db } = database;
    const school = await prepare(database);
    const calendar = await loadCalendar(db, school);
    const days = calendar.schoolDays("2025-09-01", "2026-07-31").slice(0, DAYS);
    const marks = PUPILS * days.length * 2;
    process.stdout.write(
      `\n${kind}: ${PUPILS.toLocaleString()} pupils x ${days.length} days = ${marks.toLocaleString()} marks\n`,
    );
    const passes: [string, number, Record<string, number>][] = [
      ["first load (all new)", 0, { created: marks }],
      ["same file again (all unchanged)", 0, { unchanged: marks }],
      ["amending one mark in 50", 50, { amended: Math.floor(marks / 50) }],
    ];
    for (const [name, amendEvery, expected] of passes) {
      const rssBefore = highWater();
      const [c0, s0, t0] = [cpuMs(), await serverCpuMs(), performance.now()];
      const result = await importMarks(db, school, marksFile(days, amendEvery), {
        by: "bench import",
        amendReason: amendEvery ? "bench amendment" : null,
        today: "2026-07-31",
      });
      const ms = performance.now() - t0;
      const [node, server] = [cpuMs() - c0, (await serverCpuMs()) - s0];
      const rate = (marks / ms) * 1000;
      const right = Object.entries(expected).every(
        ([k, v]) => result[k as keyof typeof result] === v,
      );
      const peak = highWater();
      const perMark = (peak - rssBefore) / marks;
      process.stdout.write(
        `  ${name}: ${(ms / 1000).toFixed(2)} s, ${Math.round(rate).toLocaleString()} marks/s ` +
          `(goal ${GOAL[kind].toLocaleString()}: ${rate >= GOAL[kind] ? "met" : "NOT met"}); ` +
          `CPU node ${(node / 1000).toFixed(2)} s${kind === "postgres" ? `, server ${(server / 1000).toFixed(2)} s` : ""}; ` +
          `peak RSS ${mb(peak)} (+${perMark.toFixed(1)} B/mark over the peak before, goal < ${MEMORY_GOAL_BYTES_PER_MARK}); ` +
          `${JSON.stringify(result)}${right ? "" : " WRONG COUNTS"}\n`,
      );
      if (!right || perMark >= MEMORY_GOAL_BYTES_PER_MARK) ok = false;
      if (amendEvery === 0 && expected.created && rate < GOAL[kind]) ok = false;
    }
    const history = await sql<{ n: number }>`select count(*)::int as n from mark_history`.execute(
      db,
    );
    const years = await sql<{
      n: number;
    }>`select count(*)::int as n from pupil_year_marks`.execute(db);
    const expectedHistory = marks + Math.floor(marks / 50);
    process.stdout.write(
      `  history rows ${history.rows[0]?.n.toLocaleString()} (expected ${expectedHistory.toLocaleString()}), compact years ${years.rows[0]?.n.toLocaleString()} (expected ${PUPILS.toLocaleString()})\n`,
    );
    if (history.rows[0]?.n !== expectedHistory || years.rows[0]?.n !== PUPILS) ok = false;
  } finally {
    await cleanup();
  }
  return ok;
}

async function prepare(database: Database): Promise<number> {
  const { db } = database;
  const school = await db
    .insertInto("schools")
    .values({ name: "Bench", phase: "secondary" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await saveAcademicYear(db, school.id, year2025());
  await sql`insert into pupils (school_id, id, upn, legal_forename, legal_surname, date_of_birth, sex, admission_date)
            select ${school.id}, n, 'B' || lpad(n::text, 12, '0'), 'Pupil', 'Bench', date '2012-01-01', 'F', date '2020-09-01'
            from generate_series(1, ${PUPILS}::int) n`.execute(db);
  return school.id;
}

const kinds = args.db === "both" ? (["postgres", "pglite"] as const) : [args.db as "postgres"];
let verdict = true;
for (const kind of kinds) verdict = (await run(kind)) && verdict;
clearInterval(sampler);
process.stdout.write(
  `\nGoal: first load >= 1,000,000 marks/s into PostgreSQL, >= 200,000 into PGlite, counts and history exact, < ${MEMORY_GOAL_BYTES_PER_MARK} B of memory per mark\nVerdict: ${verdict ? "met" : "NOT met"}\n`,
);
if (!verdict) process.exitCode = 1;
