import type { FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { runDailyEvaluation } from "./daily-evaluation.ts";

/** Every scheduled job in one place: checked every few minutes while the server runs. */
export function startScheduler(
  db: Kysely<DB>,
  log: FastifyBaseLogger,
  clock: () => Date,
  everyMs = 5 * 60_000,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const { schoolId, summary } of await runDailyEvaluation(db, clock())) {
        log.info({ schoolId, proposed: summary.proposed }, "daily policy evaluation done");
      }
    } catch (error) {
      log.error({ err: error }, "scheduled job failed; it will be retried at the next tick");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
