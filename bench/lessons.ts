/**
 * bench/lessons: lesson registers in a secondary school. Loads the demo school at scale, imports
 * a timetable of 6 lessons a day for every form (one class per form per period), then, lesson by
 * lesson, a teacher marks one pupil present at registration absent, and the office's Today list
 * is read: the figure is the time from the lesson mark being sent until Today shows that pupil
 * (goal: within 1 s). The roll call (who is on site now) is timed too.
 *
 *   npx tsx bench/lessons.ts [--db postgres|pglite] [--pupils-per-form 80] [--lessons 12]
 *
 * 80 pupils per form is 2,000 pupils on roll; PostgreSQL from DATABASE_URL, in a private schema.
 */
import { parseArgs } from "node:util";
import { createDemoSchool } from "../src/app/demo/create-demo-school.ts";
import { migrate } from "../src/db/database.ts";
import { londonInstant } from "../src/domain/dates.ts";
import { buildApp } from "../src/server/app.ts";
import { benchSession } from "./support/bench-session.ts";
import { prepareDatabase } from "./support/spike.ts";
import { percentile, printLatencies, timedGet } from "./support/timed-requests.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    "pupils-per-form": { type: "string", default: "80" },
    lessons: { type: "string", default: "12" },
  },
});
if (args.db !== "postgres" && args.db !== "pglite") throw new Error("--db is postgres or pglite");
const PER_FORM = Number(args["pupils-per-form"]);
const LESSONS = Number(args.lessons);
const TODAY = "2026-03-18"; // a Wednesday
const GOAL_MS = 1000;
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PERIODS = [
  ["P1", "09:15", "10:15"],
  ["P2", "10:15", "11:15"],
  ["P3", "11:30", "12:30"],
  ["P4", "12:30", "13:10"],
  ["P5", "13:50", "14:50"],
  ["P6", "14:50", "15:30"],
] as const;

process.stdout.write(`bench/lessons: ${args.db}, ${PER_FORM * 25} pupils on roll\n`);
const { database, cleanup } = await prepareDatabase(args.db, PG_URL);
const { db } = database;
try {
  await migrate(database);
  let started = performance.now();
  const demo = await createDemoSchool(db, { seed: 12, today: TODAY, pupilsPerForm: PER_FORM });
  process.stdout.write(
    `  loaded ${demo.pupils} pupils in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const office = await db
    .selectFrom("users")
    .select(["id", "email"])
    .where("email", "=", "attendance@northfield.example")
    .executeTakeFirstOrThrow();
  const token = "bench-lessons-session";
  await benchSession(db, office.id, token);
  const pupils = await db
    .selectFrom("pupils as p")
    .innerJoin("registration_groups as g", "g.id", "p.registration_group_id")
    .leftJoin("session_marks as m", (j) =>
      j.onRef("m.pupil_id", "=", "p.id").on("m.date", "=", TODAY).on("m.session", "=", "AM"),
    )
    .select(["p.id", "p.upn", "g.name as form", "m.code as am"])
    .where("p.school_id", "=", demo.school.id)
    .where("p.leaving_date", "is", null)
    .execute();
  const csv = [
    "class,subject,day,period,starts,ends,teacher_email,upn",
    ...PERIODS.flatMap(([period, starts, ends]) =>
      pupils.map(
        (p) =>
          `${p.form}-${period},Lesson,Wed,${period},${starts},${ends},${office.email},${p.upn}`,
      ),
    ),
  ].join("\n");
  const app = await buildApp({
    database,
    logLevel: "warn",
    clock: () => londonInstant(TODAY, "15:40"),
  });
  const school = `/api/schools/${demo.school.id}`;
  const headers = { cookie: `rollbook_session=${token}`, "x-csrf-token": "x" };
  started = performance.now();
  const imported = await app.inject({
    method: "POST",
    url: `${school}/timetable`,
    payload: csv,
    headers: { ...headers, "content-type": "text/csv" },
  });
  if (imported.statusCode !== 200) throw new Error(imported.body);
  process.stdout.write(
    `  timetable of ${imported.json().lessons} lessons a week, ${imported.json().places} places: imported in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const ask = timedGet(app, token);
  const { lessons } = (await ask(`${school}/lessons`)).body as {
    lessons: { classId: number; periodId: number; class: string; session: "AM" | "PM" }[];
  };
  const inAtRegistration = pupils.filter((p) => p.am === "/");
  const detection: number[] = [];
  for (const lesson of lessons.slice(0, LESSONS)) {
    const form = lesson.class.split("-")[0];
    const truant = inAtRegistration.find((p) => p.form === form);
    if (!truant || lesson.session !== "AM") continue;
    const sent = performance.now();
    const saved = await app.inject({
      method: "PUT",
      url: `${school}/lessons/${lesson.classId}/${TODAY}/${lesson.periodId}`,
      payload: { marks: [{ pupilId: truant.id, mark: "absent" }] },
      headers,
    });
    if (saved.statusCode !== 200) throw new Error(saved.body);
    const today = (await ask(`${school}/office/missing-from-lessons`)).body as {
      pupils: { pupilId: number }[];
    };
    if (!today.pupils.some((p) => p.pupilId === truant.id))
      throw new Error(`pupil ${truant.id} missing from ${lesson.class} is not on Today's list`);
    detection.push(performance.now() - sent);
  }
  if (detection.length === 0) throw new Error("no morning lesson with a pupil in at registration");
  const p50 = percentile(detection, 50);
  const p99 = percentile(detection, 99);
  process.stdout.write(
    `  lesson mark to Today's list: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms over ${detection.length} lessons (goal ${GOAL_MS} ms): ${p99 <= GOAL_MS ? "met" : "NOT met"}\n`,
  );
  await printLatencies(
    ask,
    [
      ["roll call: who is on site now", `${school}/roll-call`],
      [
        "a lesson's register",
        `${school}/lessons/${lessons[0]?.classId}/${TODAY}/${lessons[0]?.periodId}`,
      ],
    ],
    10,
    300,
  );
  await app.close();
} finally {
  await database.close();
  await cleanup();
}
