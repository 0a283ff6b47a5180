/**
 * bench/evaluate: policy evaluation end to end, from the database and back (issue 19, goal 6):
 * the school's marks, cases and history loaded, every trigger evaluated, the proposals stored.
 * Two shapes: one school of 100,000 pupils (evaluateSchool), and a trust of 100 schools of 1,000
 * evaluated by the daily job. The policy is the trust preset with every newer condition kind
 * added (bench/support/evaluation-school.ts). Prints each phase, the totals beside the goal, a
 * verdict and peak memory.
 *
 *   npx tsx bench/evaluate.ts [--db postgres|pglite|both] [--pupils 100000] [--schools 100]
 *                             [--school-pupils 1000] [--repeats 3]
 *
 * PostgreSQL: DATABASE_URL names the server (default the local one); the bench works in a private
 * database of its own, dropped afterwards. PGlite: in memory.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import {
  type EvaluationTimings,
  evaluateSchool,
  newTimings,
} from "../src/app/policy/evaluate-school.ts";
import { type Database, migrate, openDatabase } from "../src/db/database.ts";
import type { DB } from "../src/db/schema.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { londonInstant } from "../src/domain/dates.ts";
import { type Condition, conditionKinds } from "../src/domain/policy/conditions/index.ts";
import { policyProblems } from "../src/domain/policy/validate.ts";
import { runDailyEvaluation } from "../src/jobs/daily-evaluation.ts";
import { AS_OF, BENCH_POLICY, loadSchool } from "./support/evaluation-school.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    pupils: { type: "string", default: "100000" },
    schools: { type: "string", default: "100" },
    "school-pupils": { type: "string", default: "1000" },
    repeats: { type: "string", default: "3" },
  },
});
const PUPILS = Number(args.pupils);
const SCHOOLS = Number(args.schools);
const SCHOOL_PUPILS = Number(args["school-pupils"]);
const REPEATS = Number(args.repeats);
const GOAL_ONE_MS = 2_000;
const GOAL_TRUST_MS = 3_000;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const out = (line: string) => process.stdout.write(`${line}\n`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const minMedian = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `${s(sorted[0] as number)} / ${s(sorted[Math.floor((sorted.length - 1) / 2)] as number)}`;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const problems = policyProblems(BENCH_POLICY);
if (problems.length > 0) throw new Error(`the bench policy is not valid: ${problems.join("; ")}`);
// Every condition kind the engine has is in the bench's policy, or the figure says nothing of it.
const used = new Set<string>();
const visit = (c: Condition): void => {
  used.add(c.kind);
  if (c.kind === "all" || c.kind === "any") c.of.forEach(visit);
  else if (c.kind === "not") visit(c.condition);
};
for (const t of BENCH_POLICY.triggers) visit(t.when);
const missing = conditionKinds()
  .map((k) => k.kind)
  .filter((k) => !used.has(k));
if (missing.length > 0)
  throw new Error(`the bench policy has no condition of kind ${missing.join(", ")}: add one`);

async function open(kind: string): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (kind === "pglite") {
    const database = await openDatabase({});
    return { database, cleanup: () => database.close() };
  }
  const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `bench_evaluate_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const database = await openDatabase({ url: own.toString(), statementTimeoutMs: 120_000 });
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`drop database ${name}`);
      await admin.end();
    },
  };
}

/**
 * CPU used so far by the PostgreSQL backends serving this bench's database (from /proc, so only
 * for a server on this machine), by backend: the database's share of the work, which the Node
 * process's own CPU time leaves out. PGlite runs inside the process, so its CPU is Node's.
 */
async function serverCpu(db: Kysely<DB>, kind: string): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  if (kind !== "postgres") return used;
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database()`.execute(db);
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      used.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // not on this machine, or gone
    }
  }
  return used;
}

function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/**
 * Empties proposals and job runs between repeats. No letter of the bench names a proposal, so the
 * foreign-key checks (a scan of letters per proposal, unindexed) are skipped for the delete.
 */
async function forget(db: Kysely<DB>): Promise<void> {
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    await sql`delete from proposed_actions`.execute(c);
    await sql`delete from job_runs`.execute(c);
    await sql`set session_replication_role = default`.execute(c);
  });
}

interface Run {
  ms: number;
  cpuMs: number;
  serverCpuMs: number;
  timings: EvaluationTimings;
  proposed: number;
}

async function timed(
  db: Kysely<DB>,
  kind: string,
  work: (timings: EvaluationTimings) => Promise<number>,
): Promise<Run> {
  const timings = newTimings();
  const server = await serverCpu(db, kind);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const proposed = await work(timings);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const serverCpuMs = cpuBetween(server, await serverCpu(db, kind));
  return { ms, cpuMs: (used.user + used.system) / 1000, serverCpuMs, timings, proposed };
}

function report(label: string, runs: Run[], goalMs: number): boolean {
  const phase = (k: keyof EvaluationTimings) => minMedian(runs.map((r) => r.timings[k]));
  out(`  ${label}: ${runs[0]?.proposed.toLocaleString()} proposals`);
  out(`    load marks ${phase("loadMarks")}, load cases/history ${phase("loadHistory")}`);
  out(`    evaluate ${phase("evaluate")}, store ${phase("store")}   (min / median)`);
  const met = (median(runs.map((r) => r.ms)) as number) < goalMs;
  out(
    `    end to end ${minMedian(runs.map((r) => r.ms))} (CPU: Node ${minMedian(runs.map((r) => r.cpuMs))}, ` +
      `PostgreSQL ${minMedian(runs.map((r) => r.serverCpuMs))}); ` +
      `goal < ${s(goalMs)}: ${met ? "met" : "NOT met"}`,
  );
  return met;
}

async function bench(kind: string): Promise<boolean> {
  const { database, cleanup } = await open(kind);
  const { db } = database;
  try {
    await migrate(database);
    const calendar = new SchoolCalendar([...TYPICAL_TERM_DATES]);
    let started = performance.now();
    const trust: number[] = [];
    for (let i = 0; i < SCHOOLS; i++)
      trust.push(await loadSchool(db, calendar, SCHOOL_PUPILS, 1 + i * SCHOOL_PUPILS, 100 + i));
    out(
      `${database.kind}: loaded ${SCHOOLS} schools of ${SCHOOL_PUPILS.toLocaleString()} in ${s(performance.now() - started)}`,
    );
    const evening = londonInstant(AS_OF, "18:00");
    const trustRuns: Run[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await forget(db);
      trustRuns.push(
        await timed(db, database.kind, async (timings) => {
          const done = await runDailyEvaluation(db, evening, "17:00", timings);
          if (done.length !== SCHOOLS) throw new Error(`the job evaluated ${done.length} schools`);
          return done.reduce((n, d) => n + d.summary.proposed, 0);
        }),
      );
    }
    const trustMet = report(
      `${SCHOOLS} schools of ${SCHOOL_PUPILS.toLocaleString()} (the daily job)`,
      trustRuns,
      GOAL_TRUST_MS,
    );

    started = performance.now();
    const big = await loadSchool(db, calendar, PUPILS, 1 + SCHOOLS * SCHOOL_PUPILS, 1);
    out(
      `${database.kind}: loaded a school of ${PUPILS.toLocaleString()} in ${s(performance.now() - started)}`,
    );
    const runs: Run[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await forget(db);
      runs.push(
        await timed(
          db,
          database.kind,
          async (timings) => (await evaluateSchool(db, big, AS_OF, timings)).proposed,
        ),
      );
    }
    const oneMet = report(`one school of ${PUPILS.toLocaleString()}`, runs, GOAL_ONE_MS);
    const again = await timed(db, database.kind, async (timings) => {
      const summary = await evaluateSchool(db, big, AS_OF, timings);
      if (summary.proposed !== 0) throw new Error("the same day evaluated again proposed more");
      return summary.proposed;
    });
    out(
      `  the same day again (nothing new to propose): ${s(again.ms)}, store ${s(again.timings.store)}`,
    );
    return trustMet && oneMet;
  } finally {
    await cleanup();
  }
}

out(
  `bench/evaluate: "${BENCH_POLICY.name}" (${BENCH_POLICY.triggers.length} triggers) as of ${AS_OF}, ${REPEATS} repeats`,
);
let allMet = true;
for (const kind of args.db === "both" ? ["postgres", "pglite"] : [args.db as string])
  allMet = (await bench(kind)) && allMet;
clearInterval(sampler);
out(
  `peak memory (RSS): ${Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024)} MB`,
);
out(`verdict: ${allMet ? "goal met" : "goal NOT met"}`);
if (!allMet) process.exitCode = 1;
