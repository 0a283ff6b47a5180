import type { FastifyInstance } from "fastify";

export const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ] as number;

/** GETs as one signed-in user, in process (no network in the figure); a non-200 ends the bench. */
export function timedGet(app: FastifyInstance, sessionToken: string) {
  return async (url: string): Promise<{ ms: number; body: unknown }> => {
    const started = performance.now();
    const response = await app.inject({
      method: "GET",
      url,
      headers: { cookie: `rollbook_session=${sessionToken}` },
    });
    if (response.statusCode !== 200)
      throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    return { ms: performance.now() - started, body: response.json() };
  };
}

/** Asks each URL `requests` times and prints p50 and p99 against the target. */
export async function printLatencies(
  ask: ReturnType<typeof timedGet>,
  screens: readonly (readonly [label: string, url: string])[],
  requests: number,
  targetMs: number,
): Promise<void> {
  const width = Math.max(...screens.map(([label]) => label.length)) + 1;
  for (const [label, url] of screens) {
    const times: number[] = [];
    for (let i = 0; i < requests; i++) times.push((await ask(url)).ms);
    process.stdout.write(
      `  ${`${label}:`.padEnd(width + 1)} p50 ${percentile(times, 50).toFixed(0).padStart(4)} ms, p99 ${percentile(times, 99).toFixed(0).padStart(4)} ms over ${requests} requests (target ${targetMs} ms)\n`,
    );
  }
}
