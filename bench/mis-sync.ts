/**
 * bench/mis-sync: a school's initial load from Wonde (pupils, contacts, a span of marks), a
 * delta, and the writeback of one register, against the local Wonde the tests use, on the
 * embedded database. Small by default; the full figure is `--pupils 2000 --days 190`.
 *
 *   npx tsx bench/mis-sync.ts [--pupils 1000] [--days 10]
 *
 * Goals: 200 pupils/s and 5,000 marks/s on the initial load; one register written back in under 1 s.
 */
import { parseArgs } from "node:util";
import { connectMis } from "../src/app/mis/connection.ts";
import { runMisSync } from "../src/app/mis/sync.ts";
import { WondeProvider } from "../src/app/mis/wonde/provider.ts";
import { runWriteback } from "../src/app/mis/writeback.ts";
import { operatorContext } from "../src/cli/context.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { loadCalendar, saveAcademicYear } from "../src/db/repositories/calendar.ts";
import { recordMarks } from "../src/db/repositories/marks.ts";
import { createSchool } from "../src/db/repositories/schools.ts";
import { makeUpn } from "../src/domain/pupil.ts";
import { year2025 } from "../test/support/builders.ts";
import { fakeWonde } from "../test/support/fake-wonde.ts";

const { values: args } = parseArgs({
  options: { pupils: { type: "string", default: "1000" }, days: { type: "string", default: "10" } },
});
const PUPILS = Number(args.pupils);
const DAYS = Number(args.days);
const now = new Date("2026-07-17T15:00:00Z");

const database = await openDatabase({});
await migrate(database);
const { db } = database;
const wonde = await fakeWonde();
try {
  const school = await createSchool(db, { name: "Bench School", phase: "secondary", urn: null });
  await saveAcademicYear(db, school.id, year2025());
  const calendar = await loadCalendar(db, school.id);
  const days = calendar.schoolDays("2025-09-03", "2026-07-17").slice(0, DAYS);
  const codes = ["/", "/", "/", "/", "/", "/", "/", "/", "I", "N"];
  wonde.students = Array.from({ length: PUPILS }, (_, i) => ({
    id: `B${i + 1}`,
    upn: makeUpn("383", "4999", 24 - Math.floor(i / 999), (i % 999) + 1),
    forename: `Pupil${i + 1}`,
    surname: "Bench",
    form: `${7 + (i % 5)}${"ABCDEF"[i % 6]}`,
    year: `Year ${7 + (i % 5)}`,
    contacts: [
      {
        forename: "Parent",
        surname: "Bench",
        relationship: "Mother",
        priority: 1,
        phone: "07700 900123",
      },
    ],
    updatedAt: "2025-09-01T09:00:00Z",
  }));
  let m = 0;
  for (const day of days)
    for (const session of ["AM", "PM"] as const)
      for (let i = 0; i < PUPILS; i++)
        wonde.marks.push({
          id: `M${++m}`,
          student: `B${i + 1}`,
          date: day,
          session,
          code: codes[(i + m) % codes.length] as string,
          updatedAt: "2025-09-01T09:00:00Z",
        });
  await connectMis(await operatorContext(db, school.id), {
    provider: "wonde",
    providerSchoolId: wonde.school,
    baseUrl: wonde.base,
    tokenRef: "env:WONDE_TOKEN_BENCH",
    writeback: true,
  });
  const providers = () =>
    new WondeProvider(wonde.school, { baseUrl: wonde.base, token: wonde.token });
  const sync = (at: Date) =>
    runMisSync(db, school.id, {
      trigger: "bench",
      clock: () => at,
      providers,
      onProgress: process.env.BENCH_STEPS
        ? (p) => console.error(`${(performance.now() / 1000).toFixed(1)} ${p.step} ${p.done}`)
        : undefined,
    });

  let started = performance.now();
  const initial = await sync(now);
  const initialS = (performance.now() - started) / 1000;
  if (initial.state !== "done") throw new Error(initial.errors.join("; "));

  // The scheduler's next minute: the load's own marks are checked and nothing is sent back.
  const connection = () => db.selectFrom("mis_connections").selectAll().executeTakeFirstOrThrow();
  await runWriteback(db, await connection(), now, providers);

  // A ten-minute delta: a form's worth of pupils changed, a day of marks changed in the MIS.
  for (const s of wonde.students.slice(0, 30))
    Object.assign(s, { form: "11Z", updatedAt: "2026-07-17T15:05:00Z" });
  const later = new Date(now.getTime() + 10 * 60_000);
  started = performance.now();
  const delta = await sync(later);
  const deltaS = (performance.now() - started) / 1000;

  // One register of 30 taken in Rollbook, then written back.
  const pupils = await db
    .selectFrom("mis_pupils")
    .select("pupil_id")
    .where("school_id", "=", school.id)
    .limit(30)
    .execute();
  await db.transaction().execute((tx) =>
    recordMarks(
      tx,
      school.id,
      pupils.map((p) => ({
        pupilId: p.pupil_id,
        date: "2026-07-17",
        session: "PM" as const,
        code: "/",
        minutesLate: null,
      })),
      { by: "Bench tutor", at: later, source: "register", reason: null },
    ),
  );
  started = performance.now();
  const written = await runWriteback(db, await connection(), later, providers);
  const writebackMs = performance.now() - started;

  const pupilsPerS = initial.counts.read / initialS;
  const marksPerS = initial.counts.marksRead / initialS;
  console.log(
    `Initial load: ${initial.counts.read} pupils, ${initial.counts.contacts} contacts, ${initial.counts.marksRead} marks in ${initialS.toFixed(1)} s`,
  );
  console.log(
    `  ${pupilsPerS.toFixed(0)} pupils/s, ${marksPerS.toFixed(0)} marks/s (the load's whole time over each)`,
  );
  console.log(`Delta: ${delta.counts.read} pupils changed in ${deltaS.toFixed(2)} s`);
  console.log(
    `Writeback of one register: ${written.written} marks in ${writebackMs.toFixed(0)} ms`,
  );
  console.log("Goal: 200 pupils/s, 5,000 marks/s, one register written back in under 1,000 ms");
  const ok =
    pupilsPerS >= 200 &&
    marksPerS >= 5000 &&
    writebackMs < 1000 &&
    written.written === pupils.length;
  console.log(`Verdict: ${ok ? "met" : "not met"}`);
} finally {
  await wonde.close();
  await database.close();
}
