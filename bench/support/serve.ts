/**
 * The Rollbook server for benchmarks, in its own process (so the load generator does not share
 * its CPU): `tsx bench/support/serve.ts <start ISO instant>`; the clock starts there and runs on.
 * Prints "listening <url>" when ready.
 */
import { migrate, openDatabase } from "../../src/db/database.ts";
import { buildApp } from "../../src/server/app.ts";

const startAt = new Date(process.argv[2] ?? Date.now()).getTime();
const realStart = Date.now();
const database = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.ROLLBOOK_DATA_DIR,
  searchPath: process.env.BENCH_SCHEMA,
  poolSize: 10,
});
await migrate(database);
const app = await buildApp({
  database,
  logLevel: "warn",
  clock: () => new Date(startAt + (Date.now() - realStart)),
});
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening ${address}\n`);
const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
