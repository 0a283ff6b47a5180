import type { FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import { queueFirstDayMessages } from "../app/follow-up/first-day-messages.ts";
import { deliverDue } from "../app/messages/outbox.ts";
import type { Transports } from "../app/messages/transports.ts";
import { refreshQueuedSnapshots } from "../app/oversight/snapshots.ts";
import { momentOf } from "../app/registers/register.ts";
import { loadCalendar } from "../db/repositories/calendar.ts";
import type { DB } from "../db/schema.ts";
import { runDailyEvaluation } from "./daily-evaluation.ts";
import { runMisJobs } from "./mis-sync.ts";
import { runDailyPurge } from "./retention-purge.ts";
import { runSessionPurge } from "./session-purge.ts";

/**
 * Every scheduled job in one place, run each minute while the server is up: first-day absence
 * messages once registers close, the outbox, the evening policy evaluation and the early-morning
 * retention purge. Each job is
 * idempotent, so a restart or a second server never does anything twice.
 */
export function startScheduler(
  db: Kysely<DB>,
  transports: Transports,
  log: FastifyBaseLogger,
  clock: () => Date,
  everyMs = 60_000,
  /** `start` waits a little, so a restart answers people before its first round of jobs. */
  firstAfterMs = 0,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const instant = clock();
      const now = momentOf(instant);
      for (const school of await db.selectFrom("schools").select("id").execute()) {
        const calendar = await loadCalendar(db, school.id);
        if (!calendar.isSchoolDay(now.date)) continue;
        const queued = await queueFirstDayMessages(db, school.id, now.date, now, instant);
        if (queued.families + queued.socialWorkers > 0)
          log.info({ schoolId: school.id, ...queued }, "first-day absence messages queued");
      }
      const delivery = await deliverDue(db, transports, instant);
      if (delivery.sent + delivery.retried + delivery.failed > 0)
        log.info(delivery, "outbox delivered");
      for (const { schoolId, summary } of await runDailyEvaluation(db, instant)) {
        log.info({ schoolId, proposed: summary.proposed }, "daily policy evaluation done");
      }
      // Recount only the schools whose marks changed (or that are new, or a day old).
      const recount = await refreshQueuedSnapshots(db, now.date, instant);
      if (recount.refreshed.length > 0)
        log.info({ schools: recount.refreshed }, "overview figures recounted");
      for (const { schoolId, sync, writeback } of await runMisJobs(db, instant))
        if (sync || writeback.queued + writeback.refused > 0)
          log.info({ schoolId, sync: sync?.counts, writeback }, "MIS sync and writeback");
      const ended = await runSessionPurge(db, instant);
      if (ended.sessions + ended.signInAttempts + ended.passwordLinks > 0)
        log.info(ended, "ended sessions and sign-in counters purged");
      for (const { schoolId, purged } of await runDailyPurge(db, instant)) {
        log.info({ schoolId, purged }, "records past their retention period purged");
      }
    } catch (error) {
      log.error({ err: error }, "a scheduled job failed; it will be retried at the next tick");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  const first = setTimeout(tick, firstAfterMs);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
