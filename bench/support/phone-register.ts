/**
 * A form tutor's register on a phone, in Chromium (Debian's /usr/bin/chromium through
 * playwright-core): 390×844 with touch, as e2e/register-touch.e2e.ts marks one. Each run opens an
 * untaken afternoon register, taps Present for every pupil, one tap each, and saves, timing
 * open-register → all marked → saved over real HTTP against a server on this machine.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { chromium } from "playwright-core";
import type { Database } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { minutesOfDay } from "../../src/domain/register-times.ts";
import { buildApp } from "../../src/server/app.ts";
import { benchSession } from "./bench-session.ts";
import { percentile } from "./timed-requests.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PHONE = { width: 390, height: 844 };

/** The goals a tutor on a phone notices (issue 20): the register open, each tap, the save. */
export const PHONE_GOALS = { openMs: 1500, tapMs: 150, saveMs: 1000 };

export interface PhoneRegisterRun {
  form: string;
  pupils: number;
  openMs: number;
  markingMs: number;
  tapMs: number[];
  saveMs: number;
  totalMs: number;
}

async function forms(db: Kysely<DB>, schoolId: number, count: number) {
  const groups = await db
    .selectFrom("registration_groups as g")
    .innerJoin("group_staff as s", (j) =>
      j.onRef("s.school_id", "=", "g.school_id").onRef("s.registration_group_id", "=", "g.id"),
    )
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(["g.id", "g.name", "u.id as userId", "u.email"])
    .where("g.school_id", "=", schoolId)
    .where("u.email", "like", "tutor.%")
    .orderBy("g.name")
    .execute();
  return groups.slice(0, count);
}

/**
 * Times `runs` registers (one form each, the afternoon of `today`, untaken in the demo) and prints
 * the figures with the goals and a verdict. Returns whether every goal was met.
 */
export async function benchPhoneRegister(
  database: Database,
  schoolId: number,
  today: string,
  runs: number,
): Promise<boolean> {
  const { db } = database;
  const root = join(import.meta.dirname, "../..");
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--web"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const school = await db
    .selectFrom("schools")
    .select("pm_register_opens")
    .where("id", "=", schoolId)
    .executeTakeFirstOrThrow();
  // Two minutes after the afternoon register opens, the clock running on from there.
  const minutes = minutesOfDay(school.pm_register_opens.slice(0, 5)) + 2;
  const at = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  const start = londonInstant(today, at).getTime();
  const began = Date.now();
  const app = await buildApp({
    database,
    logLevel: "warn",
    clock: () => new Date(start + (Date.now() - began)),
    secureCookies: false,
    signInsPerMinute: 1000,
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const results: PhoneRegisterRun[] = [];
  try {
    const chosen = await forms(db, schoolId, runs + 1);
    // The first form warms the browser's caches and the server's: timed, not counted.
    for (const [i, form] of chosen.entries()) {
      const token = `bench-phone-${form.id}`;
      await benchSession(db, form.userId, token);
      const context = await browser.newContext({
        baseURL: url,
        viewport: PHONE,
        hasTouch: true,
        isMobile: true,
        locale: "en-GB",
        timezoneId: "Europe/London",
      });
      await context.addCookies([{ name: "rollbook_session", value: token, url }]);
      await context.clock.install({ time: start + (Date.now() - began) });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`/registers/${form.id}/${today}/PM`);
      const present = page.getByRole("button", { name: /^Present: / });
      await present.first().waitFor();
      const pupils = await present.count();
      const t1 = performance.now();
      const tapMs: number[] = [];
      for (let n = 0; n < pupils; n++) {
        const tapped = performance.now();
        await present.nth(n).tap();
        await page
          .getByRole("button", { name: /^Present: /, pressed: true })
          .nth(n)
          .waitFor();
        tapMs.push(performance.now() - tapped);
      }
      const t2 = performance.now();
      await page.getByRole("button", { name: "Save changes" }).tap();
      await page.getByText(/^Saved at/).waitFor();
      const t3 = performance.now();
      const saved = await db
        .selectFrom("session_marks")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("school_id", "=", schoolId)
        .where("date", "=", today)
        .where("session", "=", "PM")
        .where(
          "pupil_id",
          "in",
          db.selectFrom("pupils").select("id").where("registration_group_id", "=", form.id),
        )
        .executeTakeFirstOrThrow();
      if (Number(saved.n) !== pupils)
        throw new Error(`${form.name}: ${saved.n} marks saved for ${pupils} pupils`);
      await context.close();
      if (i === 0) continue;
      results.push({
        form: form.name,
        pupils,
        openMs: t1 - t0,
        markingMs: t2 - t1,
        tapMs,
        saveMs: t3 - t2,
        totalMs: t3 - t0,
      });
    }
  } finally {
    await browser.close();
    await app.close();
  }
  if (results.length === 0) throw new Error("no register was timed: too few forms with tutors");
  const taps = results.flatMap((r) => r.tapMs);
  const p = (values: number[], n: number) => percentile(values, n).toFixed(0).padStart(5);
  const open = results.map((r) => r.openMs);
  const save = results.map((r) => r.saveMs);
  const total = results.map((r) => r.totalMs);
  const ok = {
    open: percentile(open, 50) <= PHONE_GOALS.openMs,
    tap: percentile(taps, 95) <= PHONE_GOALS.tapMs,
    save: percentile(save, 50) <= PHONE_GOALS.saveMs,
  };
  const met = (yes: boolean) => (yes ? "met" : "NOT met");
  process.stdout.write(
    `  register at phone width (390×844, touch, Chromium), ${results.length} afternoon registers of ${results.map((r) => r.pupils).join("/")} pupils:\n` +
      `    open the register:     p50 ${p(open, 50)} ms, max ${p(open, 100)} ms (goal p50 <= ${PHONE_GOALS.openMs} ms: ${met(ok.open)})\n` +
      `    one tap, Present shown: p50 ${p(taps, 50)} ms, p95 ${p(taps, 95)} ms over ${taps.length} taps (goal p95 <= ${PHONE_GOALS.tapMs} ms: ${met(ok.tap)})\n` +
      `    save the register:     p50 ${p(save, 50)} ms, max ${p(save, 100)} ms (goal p50 <= ${PHONE_GOALS.saveMs} ms: ${met(ok.save)})\n` +
      `    open → all marked → saved: p50 ${p(total, 50)} ms, max ${p(total, 100)} ms\n`,
  );
  return ok.open && ok.tap && ok.save;
}
