/**
 * The 8:50 spike, shared by bench/registers and bench/soak: a trust of form tutors (40 forms of 30
 * pupils a school, each tutor signed in), the server in its own process with its clock at 08:50,
 * and register saves replayed over loopback on an open-loop schedule.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
import { type OpenLoopResult, openLoop, type PlannedRequest } from "./open-loop.ts";
import type { ServerFigures } from "./serve.ts";

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

export interface BenchServer {
  url: string;
  child: ChildProcess;
  /** The server's own count of statements, its CPU time and peak memory, now. */
  figures(): Promise<ServerFigures>;
  /** The application name its database connections carry (PostgreSQL), to find their backends. */
  applicationName: string;
}

/**
 * Starts the server with its clock at 08:50 (London) on `date`, the moment the spike begins, as
 * `npm start` runs it: scheduler in the process, logging at info (its output is read and dropped).
 */
export function startServer(env: NodeJS.ProcessEnv, date: string): Promise<BenchServer> {
  const applicationName = `rollbook-bench-${process.pid}-${Date.now().toString(36)}`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "serve.ts"), `${date}T07:50:00Z`],
      {
        env: { LOG_LEVEL: "info", ...process.env, ...env, PGAPPNAME: applicationName },
        stdio: ["ignore", "pipe", "inherit", "ipc"],
      },
    );
    const figures = () =>
      new Promise<ServerFigures>((answer) => {
        child.once("message", (m) => answer(m as ServerFigures));
        child.send("figures");
      });
    let listening = false;
    child.stdout?.on("data", (chunk: Buffer) => {
      if (listening) return;
      const match = /^listening (\S+)/m.exec(chunk.toString());
      if (match) {
        listening = true;
        resolve({ url: match[1] as string, child, figures, applicationName });
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

export async function stopServer(server: BenchServer): Promise<void> {
  server.child.kill("SIGTERM");
  await new Promise((resolve) => server.child.once("exit", resolve));
}

let round = 0;
/** The version of each register's first mark, from the last save's answer, as the web app keeps it. */
const firstMarkVersion = new Map<number, number>();

/**
 * Register saves, one tutor after another: all present but one N (or I, alternating by round, so
 * repeated runs keep writing) and one late arrival, with the version the last answer gave.
 */
export function registerSaves(registers: Register[], date: string) {
  round++;
  const firstPupil = new Map(registers.map((r) => [r.groupId, r.pupils[0]]));
  return {
    request: (index: number): PlannedRequest => {
      const r = registers[index % registers.length] as Register;
      // Each lap round the tutors changes the first mark again, so no save merely repeats one.
      const code = (round + Math.floor(index / registers.length)) % 2 ? "N" : "I";
      return {
        method: "PUT",
        path: `/api/schools/${r.schoolId}/registers/${r.groupId}/${date}/AM`,
        headers: { cookie: r.cookie, "x-csrf-token": r.csrf, "content-type": "application/json" },
        body: JSON.stringify({
          marks: [
            { pupilId: r.pupils[0], code, baseVersion: firstMarkVersion.get(r.groupId) ?? 0 },
            { pupilId: r.pupils[1], arrivedAt: "08:55" },
          ],
          allPresent: true,
        }),
      };
    },
    onResponse: (status: number, body: string) => {
      if (status !== 200) return;
      const { register } = JSON.parse(body) as {
        register: {
          group: { id: number };
          pupils: { pupilId: number; mark: { version: number } | null }[];
        };
      };
      const first = register.pupils.find((p) => p.pupilId === firstPupil.get(register.group.id));
      firstMarkVersion.set(register.group.id, first?.mark?.version ?? 0);
    },
  };
}

/** Open loop: saves due at `rate` a second for `seconds`, latency from each one's due instant. */
export function replay(
  url: string,
  registers: Register[],
  date: string,
  options: { rate: number; seconds: number },
): Promise<OpenLoopResult> {
  return openLoop({ url, ...options, ...registerSaves(registers, date) });
}

/**
 * Closed loop, for capacity only: `connections` clients each send their next save as soon as the
 * last is answered, so this measures the most saves a second, never latency under a given load.
 */
export async function capacity(
  url: string,
  registers: Register[],
  date: string,
  options: { amount: number; connections: number },
): Promise<{ ok: number; failed: number; seconds: number; firstFailure: string }> {
  const saves = registerSaves(registers, date);
  let next = 0;
  let firstFailure = "";
  const result = await autocannon({
    url,
    connections: options.connections,
    amount: options.amount,
    requests: [
      {
        method: "PUT",
        setupRequest: (request: autocannon.Request) =>
          ({ ...request, ...saves.request(next++) }) as autocannon.Request,
        onResponse: (status: number, body: string) => {
          if (status >= 300 && !firstFailure) firstFailure = `${status} ${body.slice(0, 200)}`;
          saves.onResponse(status, body);
        },
      },
    ],
  });
  return {
    ok: result["2xx"],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    firstFailure,
  };
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

/** CPU ticks (user + system) of a process, from /proc; 0 once it has gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat times. */
export const TICKS_PER_SECOND = Number(
  (() => {
    try {
      return execFileSync("getconf", ["CLK_TCK"]).toString().trim();
    } catch {
      return "100";
    }
  })(),
);

/** Peak and current resident memory of a process (MB), from /proc. */
export function memoryMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { peak: kb("VmHWM") / 1024, now: kb("VmRSS") / 1024 };
}

/**
 * The CPU the PostgreSQL backends serving one application spend: samples pg_stat_activity and
 * /proc every half second and keeps each backend's last reading, so a backend that closes part
 * way still counts up to its last sample.
 */
export class BackendCpu {
  private readonly last = new Map<number, number>();
  private readonly baseline = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly applicationName: string,
  ) {}

  async start(): Promise<void> {
    await this.sample();
    for (const [pid, ticks] of this.last) this.baseline.set(pid, ticks);
    this.timer = setInterval(() => void this.sample(), 500);
  }

  /** CPU seconds since start. */
  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    await this.sample();
    let ticks = 0;
    for (const [pid, t] of this.last) ticks += t - (this.baseline.get(pid) ?? 0);
    return ticks / TICKS_PER_SECOND;
  }

  private async sample(): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      "select pid from pg_stat_activity where application_name = $1",
      [this.applicationName],
    );
    for (const { pid } of rows) {
      const ticks = cpuTicks(pid);
      if (ticks > 0) this.last.set(pid, ticks);
    }
  }
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
