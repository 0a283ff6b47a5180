/**
 * Profiles register saves in one process: seeds a small trust, saves half the registers to warm
 * up, then saves the other half one after another through the HTTP layer (app.inject), timing
 * each statement the server sends; PROFILE=<file> writes a CPU profile of those saves only.
 *
 *   PROFILE=save.cpuprofile npx tsx bench/support/profile-save.ts [--db postgres|pglite] [--schools 5]
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase } from "../../src/db/database.ts";
import { buildApp } from "../../src/server/app.ts";
import { prepareDatabase, registerSaves, seed } from "./spike.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    schools: { type: "string", default: "5" },
  },
});
const kind = args.db as "postgres" | "pglite";
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const timings = new Map<string, { calls: number; ms: number }>();
let timing = false;
for (const proto of [pg.Client.prototype, PGlite.prototype] as { query: unknown }[]) {
  const original = proto.query as (...args: unknown[]) => Promise<unknown>;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const text = typeof a[0] === "string" ? a[0] : ((a[0] as { text?: string }).text ?? "");
    const started = performance.now();
    const result = original.apply(this, a);
    if (timing && result && typeof (result as Promise<unknown>).then === "function")
      void (result as Promise<unknown>).then(
        () => {
          const key = text.replace(/\s+/g, " ").trim().slice(0, 90);
          const t = timings.get(key) ?? { calls: 0, ms: 0 };
          t.calls++;
          t.ms += performance.now() - started;
          timings.set(key, t);
        },
        () => {},
      );
    return result;
  };
}
const { database: seeding, env, cleanup } = await prepareDatabase(kind, PG_URL);
const registers = await seed(seeding, Number(args.schools));
if (kind === "postgres") await seeding.close();
const database =
  kind === "postgres" ? await openDatabase({ url: PG_URL, searchPath: env.BENCH_SCHEMA }) : seeding;
const date = "2025-09-10";
const start = new Date(`${date}T07:50:00Z`).getTime();
const real = Date.now();
const app = await buildApp({
  database,
  logLevel: "warn",
  clock: () => new Date(start + Date.now() - real),
});
const saves = registerSaves(registers, date);
const send = async (i: number) => {
  const r = saves.request(i);
  const res = await app.inject({ method: "PUT", url: r.path, headers: r.headers, payload: r.body });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}`);
  saves.onResponse(res.statusCode, res.body);
};
const half = Math.floor(registers.length / 2);
for (let i = 0; i < half; i++) await send(i); // warm-up: the first half of the registers
timing = true;
// Only the measured saves are profiled (not the seeding, module loading or warm-up).
const inspector = new Session();
inspector.connect();
if (process.env.PROFILE) {
  await inspector.post("Profiler.enable");
  await inspector.post("Profiler.start");
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = half; i < registers.length; i++) await send(i);
const cpu = process.cpuUsage(cpu0);
if (process.env.PROFILE) {
  const { profile } = await inspector.post("Profiler.stop");
  writeFileSync(process.env.PROFILE, JSON.stringify(profile));
}
const n = registers.length - half;
process.stdout.write(
  `${kind}: ${n} saves one after another, ${((performance.now() - t0) / n).toFixed(2)} ms each, process CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/save\n`,
);
for (const [text, t] of [...timings].sort((a, b) => b[1].ms - a[1].ms))
  process.stdout.write(
    `  ${(t.calls / n).toFixed(2)}/save ${(t.ms / t.calls).toFixed(3)} ms  ${text}\n`,
  );
await app.close();
await database.close();
await cleanup();
