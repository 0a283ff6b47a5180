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
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";
import { hashPassword } from "../src/app/accounts/passwords.ts";
import { hashToken } from "../src/app/accounts/sign-in.ts";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { type Database, migrate, openDatabase } from "../src/db/database.ts";
import { saveAcademicYear } from "../src/db/repositories/calendar.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "20" },
    schools: { type: "string", default: "50" },
  },
});
const SCHOOLS = Number(args.schools);
const GROUPS_PER_SCHOOL = 40;
const PUPILS_PER_GROUP = 30;
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const DAY_ONE = "2025-09-10";
const DAY_TWO = "2025-09-11";
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface Register {
  schoolId: number;
  groupId: number;
  cookie: string;
  csrf: string;
  pupils: number[];
}

async function seed(database: Database): Promise<Register[]> {
  const { db } = database;
  await migrate(database);
  const passwordHash = await hashPassword("bench-password-not-used");
  const trust = await db
    .insertInto("trusts")
    .values({ name: "Bench Trust" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`insert into schools (name, phase, trust_id) select 'Bench school ' || s, 'secondary', ${trust.id}::int from generate_series(1, ${SCHOOLS}::int) s`.execute(
    db,
  );
  const schools = await db.selectFrom("schools").select("id").execute();
  for (const school of schools)
    for (const year of TYPICAL_TERM_DATES) await saveAcademicYear(db, school.id, year);
  await sql`insert into registration_groups (school_id, name) select s.id, 'G' || g from schools s, generate_series(1, ${GROUPS_PER_SCHOOL}::int) g`.execute(
    db,
  );
  await sql`insert into pupils (school_id, upn, legal_forename, legal_surname, date_of_birth, sex, registration_group_id, admission_date)
            select r.school_id, 'B' || lpad(r.id::text, 6, '0') || lpad(p::text, 6, '0'), 'Pupil', 'Number ' || p, date '2012-01-01', 'F', r.id, date '2024-09-01'
            from registration_groups r, generate_series(1, ${PUPILS_PER_GROUP}::int) p`.execute(db);
  await sql`insert into users (email, name, password_hash)
            select 'tutor-' || r.school_id || '-' || r.id || '@bench.example', 'Tutor ' || r.name, ${passwordHash} from registration_groups r`.execute(
    db,
  );
  await sql`insert into role_grants (user_id, role, school_id)
            select u.id, 'teacher', r.school_id from registration_groups r join users u on u.email = 'tutor-' || r.school_id || '-' || r.id || '@bench.example'`.execute(
    db,
  );
  await sql`insert into group_staff (school_id, registration_group_id, user_id)
            select r.school_id, r.id, u.id from registration_groups r join users u on u.email = 'tutor-' || r.school_id || '-' || r.id || '@bench.example'`.execute(
    db,
  );
  const tutors = await sql<{
    school_id: number;
    group_id: number;
    user_id: number;
    pupils: number[];
  }>`
    select r.school_id, r.id as group_id, s.user_id, array_agg(p.id order by p.id) as pupils
    from registration_groups r
    join group_staff s on s.school_id = r.school_id and s.registration_group_id = r.id
    join pupils p on p.school_id = r.school_id and p.registration_group_id = r.id
    group by r.school_id, r.id, s.user_id order by r.school_id, r.id`.execute(db);
  const registers: Register[] = [];
  for (const [i, t] of tutors.rows.entries()) {
    const token = `bench-session-${i}-${Math.random().toString(36).slice(2)}`;
    const csrf = `bench-csrf-${i}`;
    await db
      .insertInto("user_sessions")
      .values({
        token_hash: hashToken(token),
        user_id: t.user_id,
        csrf_token: csrf,
        expires_at: new Date("2099-01-01"),
      })
      .execute();
    registers.push({
      schoolId: t.school_id,
      groupId: t.group_id,
      cookie: `rollbook_session=${token}`,
      csrf,
      pupils: t.pupils,
    });
  }
  return registers;
}

/** Starts the server with its clock at 08:50 (London) on `date`, the moment the spike begins. */
function startServer(
  env: NodeJS.ProcessEnv,
  date: string,
): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "support/serve.ts"), `${date}T07:50:00Z`],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /listening (\S+)/.exec(chunk.toString());
      if (match) resolve({ url: match[1] as string, child });
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

let firstFailure = "";

/** Replays saves: each request is the next tutor's register, all present but one N and one late. */
function replay(
  url: string,
  registers: Register[],
  date: string,
  options: { rate?: number | undefined; seconds: number },
) {
  let next = 0;
  firstFailure = "";
  return autocannon({
    url,
    // Few connections, so the fixed rate arrives as a steady stream, not in bursts of every connection at once.
    connections: options.rate ? 5 : 20,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: "PUT",
        setupRequest: (request: autocannon.Request) => {
          const r = registers[next++ % registers.length] as Register;
          return {
            ...request,
            path: `/api/schools/${r.schoolId}/registers/${r.groupId}/${date}/AM`,
            headers: {
              cookie: r.cookie,
              "x-csrf-token": r.csrf,
              "content-type": "application/json",
            },
            body: JSON.stringify({
              marks: [
                { pupilId: r.pupils[0], code: "N" },
                { pupilId: r.pupils[1], arrivedAt: "08:55" },
              ],
              allPresent: true,
            }),
          };
        },
        onResponse: (status: number, body: string) => {
          if (status >= 300 && !firstFailure) firstFailure = `${status} ${body.slice(0, 200)}`;
        },
      },
    ],
  });
}

/** Reads registers for a few seconds first, so the measured saves do not pay for JIT compilation. */
async function warmUp(url: string, registers: Register[], date: string): Promise<void> {
  let next = 0;
  await autocannon({
    url,
    connections: 5,
    duration: 3,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const r = registers[next++ % registers.length] as Register;
          return {
            ...request,
            path: `/api/schools/${r.schoolId}/registers/${r.groupId}/${date}/AM`,
            headers: { cookie: r.cookie },
          };
        },
      },
    ],
  });
}

function report(label: string, result: autocannon.Result): void {
  const ok = result["2xx"];
  const bad = result.non2xx + result.errors + result.timeouts;
  process.stdout.write(
    `  ${label}: ${ok} saves in ${result.duration.toFixed(1)} s = ${(ok / result.duration).toFixed(1)} saves/s; ` +
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; failures ${bad}` +
      `${firstFailure ? ` (first: ${firstFailure})` : ""}\n`,
  );
}

async function run(kind: "postgres" | "pglite"): Promise<void> {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  let database: Database;
  if (kind === "postgres") {
    const schema = `bench_registers_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    database = await openDatabase({ url: PG_URL, searchPath: schema });
    env = { DATABASE_URL: PG_URL, BENCH_SCHEMA: schema };
    cleanup = async () => {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "rollbook-bench-"));
    database = await openDatabase({ dataDir: dir });
    env = { DATABASE_URL: "", ROLLBOOK_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const started = Date.now();
    const registers = await seed(database);
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
