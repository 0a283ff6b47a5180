/**
 * bench/registers: the 8:50 spike. A trust of 50 schools, 2,000 form tutors each saving a
 * 30-pupil register, replayed on loopback with autocannon against the server (in its own
 * process) on PostgreSQL and on the embedded database. Prints throughput and p50/p99 latency at a
 * steady 100 saves per second, then the most saves per second the server sustains.
 *
 *   npx tsx bench/registers.ts [--db postgres|pglite|both] [--rate 100] [--seconds 20]
 *
 * PostgreSQL comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a private
 * schema dropped afterwards. Target: p99 under 50 ms at 100 saves per second on PostgreSQL.
 */
import { parseArgs } from "node:util";
import {
  PUPILS_PER_GROUP,
  prepareDatabase,
  replay,
  report,
  seed,
  startServer,
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

async function run(kind: "postgres" | "pglite"): Promise<void> {
  const { database, env, cleanup } = await prepareDatabase(kind, PG_URL);
  try {
    const started = Date.now();
    const registers = await seed(database, SCHOOLS);
    await database.close();
    process.stdout.write(
      `${kind}: ${SCHOOLS} schools, ${registers.length} tutors, ${registers.length * PUPILS_PER_GROUP} pupils (set up in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    const phases = [
      { label: `steady ${RATE} saves/s`, date: DAY_ONE, rate: RATE, seconds: SECONDS },
      {
        label: "as fast as it goes",
        date: DAY_TWO,
        rate: undefined,
        seconds: Math.min(SECONDS, 15),
      },
    ];
    for (const phase of phases) {
      const { url, child } = await startServer(env, phase.date);
      try {
        await warmUp(url, registers, phase.date);
        report(phase.label, await replay(url, registers, phase.date, phase));
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    }
  } finally {
    await cleanup();
  }
}

process.stdout.write("bench/registers: the 8:50 spike\n");
for (const kind of args.db === "both"
  ? (["postgres", "pglite"] as const)
  : [args.db as "postgres" | "pglite"])
  await run(kind);
