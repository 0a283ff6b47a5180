/**
 * bench/start-up: a restart of a 2,000-pupil school's server as `npm start` runs it, on a database
 * that already holds the school. Times from spawning `npm start` to the first HTTP answer (and the
 * CPU the whole process tree spent until then), then the server's resident memory idle, the
 * dashboard, punctuality and Today screens cold (the first request of each after the restart)
 * and warm (p50/p99 over repeats), with the scheduler running as under `npm start`, and the
 * server's memory after them and at its peak.
 *
 *   npx tsx bench/start-up.ts [--db pglite|postgres] [--pupils-per-form 80] [--restarts 3] [--requests 30] [--fresh]
 *   npx tsx bench/start-up.ts --data-dir data/rollbook   (the demo trust `npm start` made)
 *
 * The school is loaded once (minutes) and kept: PGlite in $TMPDIR/rollbook-bench-start-up-<size>,
 * PostgreSQL in the database bench_start_up_<size> beside DATABASE_URL's (default the local
 * server); --fresh loads it again. `npm start` compiles the server into dist/ first if it is stale:
 * run once before timing (the bench says when a start compiled anything).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDemoSchool } from "../src/app/demo/create-demo-school.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { londonToday } from "../src/domain/dates.ts";
import { benchSession } from "./support/bench-session.ts";
import { percentile } from "./support/timed-requests.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "pglite" },
    "pupils-per-form": { type: "string", default: "80" },
    restarts: { type: "string", default: "3" },
    requests: { type: "string", default: "30" },
    fresh: { type: "boolean", default: false },
    /** An existing embedded database holding the demo school (e.g. one `npm start` made). */
    "data-dir": { type: "string" },
  },
});
if (args.db !== "postgres" && args.db !== "pglite") throw new Error("--db is postgres or pglite");
const PER_FORM = Number(args["pupils-per-form"]);
const RESTARTS = Number(args.restarts);
const REQUESTS = Number(args.requests);
const ROOT = join(import.meta.dirname, "..");
const TOKEN = "bench-start-up-session";
const GOAL = {
  firstAnswerMs: 1500,
  rssMb: 300,
  screenP99Ms: args.db === "pglite" ? 150 : 60,
};
const BASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dataDir = args["data-dir"] ?? join(tmpdir(), `rollbook-bench-start-up-${PER_FORM * 25}`);
const pgName = `bench_start_up_${PER_FORM * 25}`;
const pgUrl = (() => {
  const url = new URL(BASE_URL);
  url.pathname = `/${pgName}`;
  return url.toString();
})();

/** Loads the school unless a previous run left it. */
async function prepare(): Promise<{ schoolId: number }> {
  const marker = join(dataDir, "bench-school.json");
  if (args["data-dir"]) {
    const database = await openDatabase({ dataDir });
    try {
      const office = await database.db
        .selectFrom("role_grants")
        .innerJoin("users", "users.id", "role_grants.user_id")
        .select(["users.id", "role_grants.school_id"])
        .where("users.email", "=", "attendance@northfield.example")
        .executeTakeFirstOrThrow();
      await database.db.deleteFrom("user_sessions").where("user_id", "=", office.id).execute();
      await benchSession(database.db, office.id, TOKEN);
      return { schoolId: Number(office.school_id) };
    } finally {
      await database.close();
    }
  }
  if (args.db === "pglite") {
    if (!args.fresh && existsSync(marker)) return JSON.parse(readFileSync(marker, "utf8"));
    rmSync(dataDir, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    const exists = await admin.query("select 1 from pg_database where datname = $1", [pgName]);
    if (exists.rowCount && !args.fresh) {
      await admin.end();
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      const school = await db.query("select min(id) as id from schools");
      await db.end();
      return { schoolId: Number(school.rows[0].id) };
    }
    await admin.query(`drop database if exists ${pgName}`);
    await admin.query(`create database ${pgName}`);
    await admin.end();
  }
  process.stdout.write(`  loading a ${PER_FORM * 25}-pupil school (once; kept for later runs)…\n`);
  const database = await openDatabase(args.db === "pglite" ? { dataDir } : { url: pgUrl });
  try {
    await migrate(database);
    const demo = await createDemoSchool(database.db, {
      seed: 11,
      today: londonToday(),
      pupilsPerForm: PER_FORM,
    });
    const office = await database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "attendance@northfield.example")
      .executeTakeFirstOrThrow();
    await benchSession(database.db, office.id, TOKEN);
    process.stdout.write(
      `  loaded ${demo.pupils} pupils and ${demo.marks.toLocaleString("en-GB")} marks\n`,
    );
    if (args.db === "pglite")
      await import("node:fs/promises").then((fs) =>
        fs.writeFile(marker, JSON.stringify({ schoolId: demo.school.id })),
      );
    return { schoolId: demo.school.id };
  } finally {
    await database.close();
  }
}

/** The process and its descendants, from /proc. */
function tree(pid: number): number[] {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i] as number));
  return all;
}

/** CPU seconds of a process and of its children it has waited for (prestart's run). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime, stime, cutime, cstime are fields 14-17 of stat; here offset by the two before ")".
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
  } catch {
    return 0;
  }
}

function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** The server: the process of the tree using the most memory (npm and sh are small). */
function serverPid(root: number): number {
  return tree(root)
    .map((pid) => ({ pid, rss: existsSync(`/proc/${pid}`) ? memoryMb(pid).rss : 0 }))
    .sort((a, b) => b.rss - a.rss)[0]?.pid as number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok: boolean) => (ok ? "MET" : "NOT MET");

async function get(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie: `rollbook_session=${TOKEN}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 200)}`);
  return performance.now() - started;
}

interface Restart {
  firstAnswerMs: number;
  cpuS: number;
  compiled: boolean;
  idleMb: number;
  afterMb: number;
  peakMb: number;
  cold: number[];
  warm: number[][];
}

async function restart(port: number, schoolId: number): Promise<Restart> {
  const { DATABASE_URL: _ours, ...inherited } = process.env;
  const env = {
    ...inherited,
    PORT: String(port),
    LOG_LEVEL: "warn",
    ...(args.db === "pglite" ? { ROLLBOOK_DATA_DIR: dataDir } : { DATABASE_URL: pgUrl }),
  };
  let output = "";
  const started = performance.now();
  const child: ChildProcess = spawn("npm", ["start"], { cwd: ROOT, env });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const base = `http://127.0.0.1:${port}`;
  let firstAnswerMs = 0;
  let cpuS = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    try {
      await fetch(`${base}/`);
      firstAnswerMs = performance.now() - started;
      cpuS = tree(child.pid as number).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      break;
    } catch {
      await sleep(10);
    }
  }
  const server = serverPid(child.pid as number);
  await sleep(3000);
  const idleMb = memoryMb(server).rss;
  const school = `${base}/api/schools/${schoolId}`;
  const screens = [
    `${school}/dashboard?period=year_to_date`,
    `${school}/dashboard/punctuality?period=year_to_date`,
    `${school}/office/today`,
    `${school}/office/n-codes`,
  ];
  const cold: number[] = [];
  for (const url of screens) cold.push(await get(url));
  const warm: number[][] = screens.map(() => []);
  for (let i = 0; i < REQUESTS; i++)
    for (const [s, url] of screens.entries()) warm[s]?.push(await get(url));
  const { rss: afterMb, peak: peakMb } = memoryMb(server);
  process.kill(server, "SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return {
    firstAnswerMs,
    cpuS,
    compiled: output.includes("Compiling the server") || output.includes("Building the web"),
    idleMb,
    afterMb,
    peakMb,
    cold,
    warm,
  };
}

process.stdout.write(
  `bench/start-up: ${args.db}, ${PER_FORM * 25} pupils, ${RESTARTS} restarts of npm start\n`,
);
const { schoolId } = await prepare();
const port = 3900 + Math.floor(Math.random() * 90);
const runs: Restart[] = [];
for (let r = 0; r < RESTARTS; r++) {
  const run = await restart(port, schoolId);
  runs.push(run);
  process.stdout.write(
    `  restart ${r + 1}: first answer ${run.firstAnswerMs.toFixed(0)} ms (CPU ${run.cpuS.toFixed(2)} s)${run.compiled ? " [built dist/ or web/dist first]" : ""}, RSS idle ${run.idleMb.toFixed(0)} MB, after the screens ${run.afterMb.toFixed(0)} MB, peak ${run.peakMb.toFixed(0)} MB\n`,
  );
}
const timed = runs.filter((r) => !r.compiled);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const minMed = (xs: number[]) => {
  const s = sorted(xs);
  return `min ${(s[0] ?? Number.NaN).toFixed(0)} / median ${(s[Math.floor(s.length / 2)] ?? Number.NaN).toFixed(0)}`;
};
const firsts = timed.map((r) => r.firstAnswerMs);
const peak = Math.max(...runs.map((r) => r.peakMb));
const labels = ["dashboard, year to date", "punctuality, year to date", "Today", "Today: N codes"];
process.stdout.write(
  `  first answer after a restart: ${minMed(firsts)} ms over ${timed.length} restarts that built nothing (goal < ${GOAL.firstAnswerMs} ms)\n`,
);
process.stdout.write(
  `  CPU until then: ${minMed(timed.map((r) => r.cpuS * 1000))} ms (npm, prestart's check, the server)\n`,
);
process.stdout.write(
  `  server RSS: idle ${minMed(runs.map((r) => r.idleMb))} MB, after the screens ${minMed(runs.map((r) => r.afterMb))} MB, peak ${peak.toFixed(0)} MB (goal < ${GOAL.rssMb} MB)\n`,
);
let screensMet = true;
for (const [s, label] of labels.entries()) {
  const warm = runs.flatMap((r) => r.warm[s] ?? []);
  const p99 = percentile(warm, 99);
  screensMet &&= p99 < GOAL.screenP99Ms;
  process.stdout.write(
    `  ${`${label}:`.padEnd(28)} cold ${minMed(runs.map((r) => r.cold[s] ?? 0))} ms; warm p50 ${percentile(warm, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms over ${warm.length} (goal p99 < ${GOAL.screenP99Ms} ms) ${verdict(p99 < GOAL.screenP99Ms)}\n`,
  );
}
process.stdout.write(
  `  bench process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
);
const startMet =
  (sorted(firsts)[Math.floor(firsts.length / 2)] ?? Number.POSITIVE_INFINITY) < GOAL.firstAnswerMs;
process.stdout.write(
  `verdict: start-up ${verdict(startMet)}, memory ${verdict(peak < GOAL.rssMb)}, screens ${verdict(screensMet)}\n`,
);
