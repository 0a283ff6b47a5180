/**
 * bench/registers: the 8:50 spike. A trust of 50 schools, 2,000 form tutors each saving a
 * 30-pupil register, against the server in its own process run as `npm start` runs it (scheduler
 * in the process, logging at info), on PostgreSQL and on the embedded database.
 *
 * 1. Open loop: saves due at a steady 100 a second, whatever the server does; latency from each
 *    save's due instant, the backlog of saves due and unanswered, and per save the statements the
 *    server sent and the CPU it and the PostgreSQL backends spent.
 * 2. Capacity: every register saved once more by 20 clients back to back (a closed loop, so a
 *    figure of throughput only, never of latency).
 *
 *   npx tsx bench/registers.ts [--db postgres|pglite|both] [--rate 100] [--seconds 20] [--schools 50]
 *
 * PostgreSQL comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a private
 * schema dropped afterwards. Goals (issue 19, PostgreSQL): p99 under 50 ms at 100 saves/s with no
 * failure; at most 4 ms of CPU per save, server and database together; 400 saves/s.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { type OpenLoopResult, percentile } from "./support/open-loop.ts";
import type { ServerFigures } from "./support/serve.ts";
import {
  BackendCpu,
  type BenchServer,
  capacity,
  memoryMb,
  PUPILS_PER_GROUP,
  prepareDatabase,
  replay,
  seed,
  startServer,
  stopServer,
  warmUp,
} from "./support/spike.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "20" },
    schools: { type: "string", default: "50" },
  },
});
const SCHOOLS = Number(args.schools);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const DAY_ONE = "2025-09-10";
const DAY_TWO = "2025-09-11";
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const GOAL = { p99Ms: 50, cpuMsPerSave: 4, savesPerSecond: 400 };

interface Cost {
  saves: number;
  statements: number;
  transactions: number;
  serverCpuMs: number;
  databaseCpuMs: number;
}

/** What the server and its database backends spent while `work` ran, per save answered. */
async function measured<T extends { ok: number }>(
  server: BenchServer,
  kind: "postgres" | "pglite",
  work: () => Promise<T>,
): Promise<{ result: T; cost: Cost }> {
  let backends: BackendCpu | null = null;
  let client: pg.Client | null = null;
  if (kind === "postgres") {
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    backends = new BackendCpu(client, server.applicationName);
    await backends.start();
  }
  const before = await server.figures();
  const result = await work();
  const after = await server.figures();
  const databaseCpuS = backends ? await backends.stop() : 0;
  await client?.end();
  const per = (n: number) => n / Math.max(1, result.ok);
  const delta = (f: (x: ServerFigures) => number) => f(after) - f(before);
  return {
    result,
    cost: {
      saves: result.ok,
      statements: per(delta((f) => f.statements)),
      transactions: per(delta((f) => f.transactions)),
      serverCpuMs: per(delta((f) => f.cpuMicros) / 1000),
      databaseCpuMs: per(databaseCpuS * 1000),
    },
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mark = (ok: boolean) => (ok ? "met" : "NOT MET");

function printCost(cost: Cost, kind: "postgres" | "pglite"): number {
  const total = cost.serverCpuMs + cost.databaseCpuMs;
  const where =
    kind === "postgres"
      ? `server ${fmt(cost.serverCpuMs, 2)} + PostgreSQL ${fmt(cost.databaseCpuMs, 2)}`
      : "server, the embedded database included";
  process.stdout.write(
    `    per save: ${fmt(cost.statements)} statements in ${fmt(cost.transactions, 2)} transactions; ` +
      `CPU ${fmt(total, 2)} ms (${where}; goal <= ${GOAL.cpuMsPerSave} ms) ` +
      `= ${fmt(2000 / total, 0)} saves/s on 2 cores\n`,
  );
  return total;
}

function printOpenLoop(label: string, r: OpenLoopResult): void {
  process.stdout.write(
    `  ${label}: ${r.ok} of ${r.due} saves answered in ${fmt(r.seconds)} s; latency from the due instant ` +
      `p50 ${fmt(percentile(r.latencies, 50))} ms, p99 ${fmt(percentile(r.latencies, 99))} ms (goal < ${GOAL.p99Ms}), ` +
      `max ${fmt(r.latencies.at(-1) ?? Number.NaN)} ms; backlog max ${r.maxBacklog}, at the end ${r.backlogAtEnd}; ` +
      `generator lag max ${fmt(r.maxSendLagMs)} ms; failures ${r.failed}` +
      `${r.firstFailure ? ` (first: ${r.firstFailure})` : ""}\n`,
  );
}

async function run(kind: "postgres" | "pglite"): Promise<boolean> {
  const { database, env, cleanup } = await prepareDatabase(kind, PG_URL);
  try {
    const started = Date.now();
    const registers = await seed(database, SCHOOLS);
    await database.close();
    process.stdout.write(
      `${kind}: ${SCHOOLS} schools, ${registers.length} tutors, ${registers.length * PUPILS_PER_GROUP} pupils (set up in ${fmt((Date.now() - started) / 1000)} s)\n`,
    );
    if (RATE * SECONDS > registers.length)
      process.stdout.write(
        `  (${RATE * SECONDS} saves for ${registers.length} registers: later laps change one mark each, not 30)\n`,
      );

    let server = await startServer(env, DAY_ONE);
    let steady: { result: OpenLoopResult; cost: Cost };
    let peakMb = 0;
    try {
      await warmUp(server.url, registers, DAY_ONE);
      steady = await measured(server, kind, () =>
        replay(server.url, registers, DAY_ONE, { rate: RATE, seconds: SECONDS }),
      );
      peakMb = Math.max(peakMb, memoryMb(server.child.pid as number).peak);
    } finally {
      await stopServer(server);
    }
    printOpenLoop(`open loop, ${RATE} saves/s`, steady.result);
    const steadyCpu = printCost(steady.cost, kind);

    server = await startServer(env, DAY_TWO);
    let fast: { result: Awaited<ReturnType<typeof capacity>>; cost: Cost };
    try {
      await warmUp(server.url, registers, DAY_TWO);
      fast = await measured(server, kind, () =>
        capacity(server.url, registers, DAY_TWO, {
          amount: registers.length,
          connections: 20,
        }),
      );
      peakMb = Math.max(peakMb, memoryMb(server.child.pid as number).peak);
    } finally {
      await stopServer(server);
    }
    const rate = fast.result.ok / fast.result.seconds;
    process.stdout.write(
      `  capacity (closed loop, 20 clients, each register once): ${fast.result.ok} saves in ${fmt(fast.result.seconds)} s = ` +
        `${fmt(rate, 0)} saves/s (goal >= ${GOAL.savesPerSecond}); failures ${fast.result.failed}` +
        `${fast.result.firstFailure ? ` (first: ${fast.result.firstFailure})` : ""}\n`,
    );
    printCost(fast.cost, kind);
    process.stdout.write(
      `  peak RSS: server ${fmt(peakMb, 0)} MB, this load generator ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MB\n`,
    );

    const p99 = percentile(steady.result.latencies, 99);
    const checks = [
      [`p99 ${fmt(p99)} ms < ${GOAL.p99Ms} ms`, p99 < GOAL.p99Ms],
      [
        `no failures (${steady.result.failed + fast.result.failed})`,
        steady.result.failed + fast.result.failed === 0,
      ],
      [
        `CPU ${fmt(steadyCpu, 2)} ms/save <= ${GOAL.cpuMsPerSave} ms`,
        steadyCpu <= GOAL.cpuMsPerSave,
      ],
      [`capacity ${fmt(rate, 0)} saves/s >= ${GOAL.savesPerSecond}`, rate >= GOAL.savesPerSecond],
    ] as const;
    const met = checks.every(([, ok]) => ok);
    process.stdout.write(
      kind === "postgres"
        ? `  verdict (PostgreSQL, the goal's database): ${met ? "MET" : "NOT MET"}: ${checks.map(([what, ok]) => `${what} ${mark(ok)}`).join("; ")}\n`
        : `  (embedded database, for information: ${checks.map(([what, ok]) => `${what} ${mark(ok)}`).join("; ")})\n`,
    );
    return kind === "postgres" ? met : true;
  } finally {
    await cleanup();
  }
}

process.stdout.write(`bench/registers: the 8:50 spike (${new Date().toISOString()})\n`);
let allMet = true;
for (const kind of args.db === "both"
  ? (["postgres", "pglite"] as const)
  : [args.db as "postgres" | "pglite"])
  allMet = (await run(kind)) && allMet;
process.exitCode = allMet ? 0 : 1;
