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
import { parseArgs } from "node:util";
import { percentile } from "./support/open-loop.ts";
import {
  memoryMb,
  prepareDatabase,
  replay,
  seed,
  startServer,
  stopServer,
  warmUp,
} from "./support/spike.ts";

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

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const { database, env, cleanup } = await prepareDatabase(options.kind, options.pgUrl);
  try {
    const registers = await seed(database, options.schools);
    await database.close();
    const server = await startServer(env, DAY);
    const { url, child } = server;
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
          saves: result.ok,
          failures: result.failed,
          p99: Math.round(percentile(result.latencies, 99)),
          rssMb: memoryMb(child.pid as number).now,
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
      await stopServer(server);
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
