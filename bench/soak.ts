/**
 * bench/soak: the 8:50 spike held for minutes on end. The server runs in its own process with its
 * clock at 08:50; tutors' register saves arrive at a steady rate over loopback, in slices of
 * `--slice` seconds. Prints each slice's saves, p99 and failures, and the server's resident memory,
 * then whether memory grew after the first slice (the warm-up of caches and JIT).
 *
 *   npx tsx bench/soak.ts [--db postgres|pglite] [--minutes 5] [--rate 80] [--schools 20] [--slice 30]
 *
 * The register closes at 09:10 on the server's clock, so one run lasts at most 19 minutes.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { prepareDatabase, replay, seed, startServer, warmUp } from "./support/spike.ts";

export interface SoakOptions {
  kind: "postgres" | "pglite";
  pgUrl: string;
  schools: number;
  rate: number;
  seconds: number;
  sliceSeconds: number;
  onSlice?: (slice: SoakSlice) => void;
}

export interface SoakSlice {
  index: number;
  saves: number;
  failures: number;
  p99: number;
  rssMb: number;
}

export interface SoakResult {
  slices: SoakSlice[];
  failures: number;
  /** Resident memory after the last slice less that after the first, in MB. */
  growthMb: number;
}

const DAY = "2025-09-15";

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const { database, env, cleanup } = await prepareDatabase(options.kind, options.pgUrl);
  try {
    const registers = await seed(database, options.schools);
    await database.close();
    const { url, child } = await startServer(env, DAY);
    try {
      await warmUp(url, registers, DAY);
      const slices: SoakSlice[] = [];
      const count = Math.max(1, Math.round(options.seconds / options.sliceSeconds));
      for (let index = 1; index <= count; index++) {
        const result = await replay(url, registers, DAY, {
          rate: options.rate,
          seconds: options.sliceSeconds,
        });
        const slice = {
          index,
          saves: result["2xx"],
          failures: result.non2xx + result.errors + result.timeouts,
          p99: result.latency.p99,
          rssMb: rssMb(child.pid as number),
        };
        slices.push(slice);
        options.onSlice?.(slice);
      }
      const first = slices[0] as SoakSlice;
      const last = slices.at(-1) as SoakSlice;
      return {
        slices,
        failures: slices.reduce((n, s) => n + s.failures, 0),
        growthMb: last.rssMb - first.rssMb,
      };
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  } finally {
    await cleanup();
  }
}

if (process.argv[1]?.endsWith("soak.ts")) {
  const { values: args } = parseArgs({
    options: {
      db: { type: "string", default: "postgres" },
      minutes: { type: "string", default: "5" },
      rate: { type: "string", default: "80" },
      schools: { type: "string", default: "20" },
      slice: { type: "string", default: "30" },
    },
  });
  const minutes = Math.min(Number(args.minutes), 19);
  process.stdout.write(
    `bench/soak: ${args.rate} saves/s for ${minutes} min on ${args.db}, ${args.schools} schools\n`,
  );
  const result = await soak({
    kind: args.db as "postgres" | "pglite",
    pgUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    schools: Number(args.schools),
    rate: Number(args.rate),
    seconds: minutes * 60,
    sliceSeconds: Number(args.slice),
    onSlice: (s) =>
      process.stdout.write(
        `  slice ${s.index}: ${s.saves} saves, p99 ${s.p99} ms, failures ${s.failures}, server RSS ${s.rssMb.toFixed(0)} MB\n`,
      ),
  });
  process.stdout.write(
    `  total failures ${result.failures}; memory after the first slice grew ${result.growthMb.toFixed(1)} MB\n`,
  );
}
