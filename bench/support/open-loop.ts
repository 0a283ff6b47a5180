/**
 * An open-loop load generator: request i is due at start + i / rate whatever the server is doing,
 * and its latency runs from that due instant, not from when a socket was free. A server that falls
 * behind therefore shows it in the latency and in the backlog (requests due and not yet answered),
 * where a closed loop (autocannon) would quietly send fewer requests.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface PlannedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopOptions {
  url: string;
  rate: number;
  seconds: number;
  request: (index: number) => PlannedRequest;
  onResponse?: (status: number, body: string) => void;
  /** How long to wait for the last answers after the schedule ends (default 30 s). */
  drainMs?: number;
}

export interface OpenLoopResult {
  due: number;
  ok: number;
  failed: number;
  firstFailure: string;
  /** Latency from each request's due instant to its last byte, ms, ascending (answered only). */
  latencies: number[];
  /** Most requests due and not yet answered at any moment, and at the end of the schedule. */
  maxBacklog: number;
  backlogAtEnd: number;
  /** How late the generator itself sent its requests (its own lag, included in the latency). */
  maxSendLagMs: number;
  seconds: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  // Enough sockets that the client never queues: a request waits only for the server.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstFailure = "";
  let inFlight = 0;
  let maxBacklog = 0;
  let maxSendLagMs = 0;
  let settled = 0;
  let closed = false;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const settle = () => {
    if (closed) return;
    inFlight--;
    if (++settled === total) allSettled();
  };

  const send = (index: number, dueAt: number) => {
    const planned = options.request(index);
    inFlight++;
    maxBacklog = Math.max(maxBacklog, inFlight);
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - dueAt);
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: planned.method,
        path: planned.path,
        headers: planned.body
          ? { ...planned.headers, "content-length": Buffer.byteLength(planned.body) }
          : planned.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (closed) return;
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString();
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(performance.now() - dueAt);
          } else {
            failed++;
            if (!firstFailure) firstFailure = `${status} ${body.slice(0, 200)}`;
          }
          options.onResponse?.(status, body);
          settle();
        });
      },
    );
    req.on("error", (error) => {
      if (closed) return;
      failed++;
      if (!firstFailure) firstFailure = error.message;
      settle();
    });
    req.end(planned.body);
  };

  const start = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
  const backlogAtEnd = inFlight;
  const drain = new Promise<void>((resolve) => setTimeout(resolve, options.drainMs ?? 30_000));
  await Promise.race([done, drain]);
  closed = true;
  const unanswered = total - settled;
  failed += unanswered;
  if (unanswered > 0 && !firstFailure) firstFailure = `${unanswered} requests never answered`;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    due: total,
    ok,
    failed,
    firstFailure,
    latencies,
    maxBacklog,
    backlogAtEnd,
    maxSendLagMs,
    seconds: (performance.now() - start) / 1000,
  };
}
