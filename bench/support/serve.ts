/**
 * The Rollbook server for benchmarks, in its own process (so the load generator does not share
 * its CPU): `tsx bench/support/serve.ts <start ISO instant>`; the clock starts there and runs on.
 * Runs as `npm start` does: the scheduler in the same process, logging at LOG_LEVEL (info unless
 * set). Prints "listening <url>" when ready. Over IPC it answers "figures" with the statements it
 * has sent to the database, its CPU time and its peak memory, so the bench can count per save.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { transportsFrom } from "../../src/app/messages/configure.ts";
import { loadConfig } from "../../src/config.ts";
import { migrate, openDatabase } from "../../src/db/database.ts";
import { startScheduler } from "../../src/jobs/scheduler.ts";
import { buildApp } from "../../src/server/app.ts";

export interface ServerFigures {
  /** Statements sent to the database (BEGIN and COMMIT included), since the process started. */
  statements: number;
  /** Of which begin a transaction. */
  transactions: number;
  /** CPU time of this process (microseconds, user + system). */
  cpuMicros: number;
  /** Peak resident memory (kB). */
  maxRssKb: number;
}

// Every statement goes through one of these two methods, on either database.
let statements = 0;
let transactions = 0;
const textOf = (q: unknown) =>
  typeof q === "string" ? q : ((q as { text?: string } | null)?.text ?? "");
for (const proto of [pg.Client.prototype, PGlite.prototype] as { query: unknown }[]) {
  const original = proto.query as (...args: unknown[]) => unknown;
  proto.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    if (/^\s*begin/i.test(textOf(args[0]))) transactions++;
    return original.apply(this, args);
  };
}

const startAt = new Date(process.argv[2] ?? Date.now()).getTime();
const realStart = Date.now();
const clock = () => new Date(startAt + (Date.now() - realStart));
const config = loadConfig();
const database = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.ROLLBOOK_DATA_DIR,
  searchPath: process.env.BENCH_SCHEMA,
  statementTimeoutMs: config.ROLLBOOK_STATEMENT_TIMEOUT_MS,
});
await migrate(database);
const app = await buildApp({ database, logLevel: config.LOG_LEVEL, clock });
const stopScheduler =
  process.env.BENCH_SCHEDULER === "off"
    ? () => {}
    : startScheduler(database.db, transportsFrom(config, app.log), app.log, clock);
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening ${address}\n`);
process.on("message", (message) => {
  if (message !== "figures") return;
  const cpu = process.cpuUsage();
  const figures: ServerFigures = {
    statements,
    transactions,
    cpuMicros: cpu.user + cpu.system,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.send?.(figures);
});
const stop = async () => {
  stopScheduler();
  await app.close();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
