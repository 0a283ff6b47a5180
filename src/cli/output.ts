import { SingleBar } from "cli-progress";

/** Fixed-width text table: the first column left-aligned, the others right-aligned (numbers). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    line(headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

export interface Progress {
  update(step: string, done: number, total: number): void;
  stop(): void;
}

/** A progress bar on a terminal; occasional plain lines when output is piped or logged. */
export function progress(): Progress {
  if (!process.stderr.isTTY) {
    let lastStep = "";
    let lastShown = 0;
    return {
      update(step, done, total) {
        const now = Date.now();
        if (step !== lastStep || done === total || now - lastShown > 2_000) {
          process.stderr.write(`${step}: ${done}/${total}\n`);
          lastStep = step;
          lastShown = now;
        }
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    format: " {step} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left",
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  let currentStep = "";
  return {
    update(step, done, total) {
      if (!started || step !== currentStep) {
        if (started) bar.stop();
        bar.start(total, done, { step });
        started = true;
        currentStep = step;
      } else {
        bar.update(done, { step });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
