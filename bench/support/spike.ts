/**
 * The 8:50 spike, shared by bench/registers and bench/soak: a trust of form tutors (40 forms of 30
 * pupils a school, each tutor signed in), the server in its own process with its clock at 08:50,
 * and autocannon replaying register saves over loopback.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";
import { hashPassword } from "../../src/app/accounts/passwords.ts";
import { hashToken } from "../../src/app/accounts/sign-in.ts";
import { TYPICAL_TERM_DATES } from "../../src/app/demo/term-dates.ts";
import { type Database, migrate, openDatabase } from "../../src/db/database.ts";
import { saveAcademicYear } from "../../src/db/repositories/calendar.ts";

export const GROUPS_PER_SCHOOL = 40;
export const PUPILS_PER_GROUP = 30;

export interface Register {
  schoolId: number;
  groupId: number;
  cookie: string;
  csrf: string;
  pupils: number[];
}

export async function seed(database: Database, schoolCount: number): Promise<Register[]> {
  const { db } = database;
  await migrate(database);
  const passwordHash = await hashPassword("bench-password-not-used");
  const trust = await db
    .insertInto("trusts")
    .values({ name: "Bench Trust" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`insert into schools (name, phase, trust_id) select 'Bench school ' || s, 'secondary', ${trust.id}::int from generate_series(1, ${schoolCount}::int) s`.execute(
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
export function startServer(
  env: NodeJS.ProcessEnv,
  date: string,
): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "serve.ts"), `${date}T07:50:00Z`],
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
let round = 0;
/** The version of each register's first mark, from the last save's answer, as the web app keeps it. */
const firstMarkVersion = new Map<number, number>();

/** Replays saves: each request is the next tutor's register, all present but one N and one late. */
export function replay(
  url: string,
  registers: Register[],
  date: string,
  options: { rate?: number | undefined; seconds: number },
) {
  let next = 0;
  round++;
  const firstPupil = new Map(registers.map((r) => [r.groupId, r.pupils[0]]));
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
                // A different first mark each run, so repeated runs keep writing, not only re-saving.
                {
                  pupilId: r.pupils[0],
                  code: round % 2 ? "N" : "I",
                  baseVersion: firstMarkVersion.get(r.groupId) ?? 0,
                },
                { pupilId: r.pupils[1], arrivedAt: "08:55" },
              ],
              allPresent: true,
            }),
          };
        },
        onResponse: (status: number, body: string) => {
          if (status >= 300 && !firstFailure) firstFailure = `${status} ${body.slice(0, 200)}`;
          if (status !== 200) return;
          const { register } = JSON.parse(body) as {
            register: {
              group: { id: number };
              pupils: { pupilId: number; mark: { version: number } | null }[];
            };
          };
          const first = register.pupils.find(
            (p) => p.pupilId === firstPupil.get(register.group.id),
          );
          firstMarkVersion.set(register.group.id, first?.mark?.version ?? 0);
        },
      },
    ],
  });
}

/** Reads registers for a few seconds first, so the measured saves do not pay for JIT compilation. */
export async function warmUp(url: string, registers: Register[], date: string): Promise<void> {
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

export function report(label: string, result: autocannon.Result): void {
  const ok = result["2xx"];
  const bad = result.non2xx + result.errors + result.timeouts;
  process.stdout.write(
    `  ${label}: ${ok} saves in ${result.duration.toFixed(1)} s = ${(ok / result.duration).toFixed(1)} saves/s; ` +
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; failures ${bad}` +
      `${firstFailure ? ` (first: ${firstFailure})` : ""}\n`,
  );
}

export interface BenchDatabase {
  database: Database;
  /** The environment the server process needs to open the same database. */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** A private schema on the PostgreSQL server, or a fresh embedded database in a temporary directory. */
export async function prepareDatabase(
  kind: "postgres" | "pglite",
  pgUrl: string,
): Promise<BenchDatabase> {
  if (kind === "postgres") {
    const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    return {
      database: await openDatabase({ url: pgUrl, searchPath: schema }),
      env: { DATABASE_URL: pgUrl, BENCH_SCHEMA: schema },
      cleanup: async () => {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "rollbook-bench-"));
  return {
    database: await openDatabase({ dataDir: dir }),
    env: { DATABASE_URL: "", ROLLBOOK_DATA_DIR: dir },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
