import type { FastifyInstance, FastifyReply } from "fastify";
import { body } from "./errors.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Answered even when the server is full (health checks): cheap and touching no database. */
    outsideQueue?: boolean;
  }
}

export interface QueueLimits {
  /** Requests worked on at once. */
  inProgress: number;
  /** Requests allowed to wait for a place. */
  waiting: number;
  /** Longest a request may wait, in milliseconds. */
  maxWaitMs: number;
}

/**
 * A bounded queue in front of every route. Past capacity a request is answered 503 with
 * Retry-After straight away (queue full, or the wait it can expect is longer than maxWaitMs) or
 * once it has waited maxWaitMs, never queued for a minute: at 8:50 a tutor's browser keeps the
 * unsaved marks and retries, which beats a spinner that may never end.
 */
export function boundRequestQueue(app: FastifyInstance, limits: QueueLimits): void {
  let inProgress = 0;
  const waiting: { admit: () => void }[] = [];
  // The average time a request holds its place, to judge the wait a new arrival faces.
  let averageMs = 50;

  const refuse = (reply: FastifyReply) => {
    const drainMs = ((waiting.length + 1) * averageMs) / limits.inProgress;
    const seconds = Math.min(30, Math.max(1, Math.ceil(drainMs / 1000)));
    return reply
      .status(503)
      .header("retry-after", String(seconds))
      .send(
        body(
          "overloaded",
          `The server is busy; nothing was saved. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
        ),
      );
  };

  const admitNext = () => {
    const next = waiting.shift();
    if (next) next.admit();
    else inProgress--;
  };

  app.addHook("onRequest", (request, reply, done) => {
    if (request.routeOptions.config?.outsideQueue) return done();
    let state: "waiting" | "working" | "finished" = "waiting";
    let admittedAt = 0;
    const work = () => {
      state = "working";
      admittedAt = Date.now();
      done();
    };
    const place = {
      admit: () => {
        clearTimeout(timer);
        work();
      },
    };
    let timer: NodeJS.Timeout | undefined;
    // 'close' fires however the exchange ends: answered, failed or abandoned by the client.
    reply.raw.once("close", () => {
      if (state === "working") {
        averageMs = averageMs * 0.9 + (Date.now() - admittedAt) * 0.1;
        admitNext();
      } else if (state === "waiting") {
        clearTimeout(timer);
        const at = waiting.indexOf(place);
        if (at !== -1) waiting.splice(at, 1);
      }
      state = "finished";
    });
    if (inProgress < limits.inProgress) {
      inProgress++;
      return work();
    }
    const expectedWaitMs = ((waiting.length + 1) * averageMs) / limits.inProgress;
    if (waiting.length >= limits.waiting || expectedWaitMs > limits.maxWaitMs) {
      state = "finished";
      refuse(reply);
      return;
    }
    timer = setTimeout(() => {
      waiting.splice(waiting.indexOf(place), 1);
      state = "finished";
      refuse(reply);
    }, limits.maxWaitMs);
    waiting.push(place);
  });
}
