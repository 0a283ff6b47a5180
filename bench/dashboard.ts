/**
 * bench/dashboard: one large school's daily screens as its staff's browsers ask for them. Loads
 * the demo school at scale (a full year of register rows with their history, contacts, the policy
 * evaluated), then times the school dashboard (year to date and this week), punctuality, the office's
 * Today lists, the contact check and a pupil's page, each over HTTP against a 300 ms target; then a
 * tutor's register at phone width in Chromium (390×844, touch): open the register, tap Present for
 * every pupil, save (bench/support/phone-register.ts), with its goals and a verdict.
 *
 *   npx tsx bench/dashboard.ts [--db postgres|pglite] [--pupils-per-form 48] [--requests 30]
 *     [--phone-registers 5]   (0 leaves the browser out)
 *
 * 48 pupils per form is 1,200 pupils in Years 7 to 11 (with last year's leavers). PostgreSQL comes
 * from DATABASE_URL (default the local server) in a private schema, dropped afterwards.
 */
import { parseArgs } from "node:util";
import { createDemoSchool } from "../src/app/demo/create-demo-school.ts";
import { migrate } from "../src/db/database.ts";
import { londonInstant } from "../src/domain/dates.ts";
import { buildApp } from "../src/server/app.ts";
import { benchSession } from "./support/bench-session.ts";
import { benchPhoneRegister, PHONE_GOALS } from "./support/phone-register.ts";
import { prepareDatabase } from "./support/spike.ts";
import { printLatencies, timedGet } from "./support/timed-requests.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    "pupils-per-form": { type: "string", default: "48" },
    requests: { type: "string", default: "30" },
    "phone-registers": { type: "string", default: "5" },
  },
});
if (args.db !== "postgres" && args.db !== "pglite") throw new Error("--db is postgres or pglite");
const PER_FORM = Number(args["pupils-per-form"]);
const REQUESTS = Number(args.requests);
const PHONE_REGISTERS = Number(args["phone-registers"]);
const TODAY = "2026-03-18";
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

process.stdout.write(`bench/dashboard: ${args.db}, ${PER_FORM * 25} pupils on roll\n`);
const { database, cleanup } = await prepareDatabase(args.db, PG_URL);
const { db } = database;
try {
  await migrate(database);
  let started = performance.now();
  let lastStep = "";
  const demo = await createDemoSchool(db, {
    seed: 11,
    today: TODAY,
    pupilsPerForm: PER_FORM,
    onProgress: (step) => {
      if (step !== lastStep) process.stdout.write(`  ${step}…\n`);
      lastStep = step;
    },
  });
  process.stdout.write(
    `  loaded ${demo.pupils} pupils, ${demo.marks.toLocaleString("en-GB")} marks and ${demo.amendments} amendments in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const office = await db
    .selectFrom("users")
    .select("id")
    .where("email", "=", "attendance@northfield.example")
    .executeTakeFirstOrThrow();
  const token = "bench-dashboard-session";
  await benchSession(db, office.id, token);
  const pupil = await db
    .selectFrom("pupils")
    .select("id")
    .where("school_id", "=", demo.school.id)
    .where("leaving_date", "is", null)
    .orderBy("id")
    .executeTakeFirstOrThrow();

  const app = await buildApp({
    database,
    logLevel: "warn",
    clock: () => londonInstant(TODAY, "10:00"),
  });
  const school = `/api/schools/${demo.school.id}`;
  const ask = timedGet(app, token);
  started = performance.now();
  await ask(`${school}/dashboard?period=year_to_date`);
  process.stdout.write(
    `  first dashboard (cold caches): ${(performance.now() - started).toFixed(0)} ms\n`,
  );
  await printLatencies(
    ask,
    [
      ["dashboard, year to date", `${school}/dashboard?period=year_to_date`],
      ["dashboard, this week", `${school}/dashboard?from=2026-03-16&to=${TODAY}`],
      ["punctuality, year to date", `${school}/dashboard/punctuality?period=year_to_date`],
      ["Today: registers, absences, lates", `${school}/office/today`],
      ["Today: N codes to resolve", `${school}/office/n-codes`],
      ["Today: contact check", `${school}/office/contact-check`],
      ["pupil page: year calendar", `${school}/pupils/${pupil.id}/calendar?period=year`],
    ],
    REQUESTS,
    300,
  );
  await app.close();
  if (PHONE_REGISTERS > 0) {
    const met = await benchPhoneRegister(database, demo.school.id, TODAY, PHONE_REGISTERS);
    process.stdout.write(
      `\nGoal (register at phone width): open p50 <= ${PHONE_GOALS.openMs} ms, a tap p95 <= ${PHONE_GOALS.tapMs} ms, save p50 <= ${PHONE_GOALS.saveMs} ms\nVerdict: ${met ? "met" : "NOT met"}\n`,
    );
    if (!met) process.exitCode = 1;
  }
} finally {
  await database.close();
  await cleanup();
}
