import type { Command } from "commander";
import { DEMO_SCHOOL } from "../app/demo/create-demo-school.ts";
import { createDemoTrust } from "../app/demo/demo-trust.ts";
import { listSchools } from "../db/repositories/schools.ts";
import { londonToday, parseIsoDate } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";
import { progress } from "./output.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "create the demo trust (a secondary, a primary and a special school in one local authority) with a year and a term of believable registers",
    )
    .option("--seed <n>", "random seed; the same seed and day give the same school", "2024")
    .option("--today <date>", "the demo's today (default: today)")
    .action(async (flags: { seed: string; today?: string }, command: Command) => {
      const global = command.optsWithGlobals<DatabaseFlags>();
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed))
        throw new RollbookError(
          "invalid_input",
          `--seed must be a whole number, not "${flags.seed}"`,
        );
      const today = flags.today ? parseIsoDate(flags.today, "--today") : londonToday();
      await withDatabase(global, async ({ db, location }) => {
        if ((await listSchools(db)).some((s) => s.urn === DEMO_SCHOOL.urn)) {
          throw new RollbookError(
            "conflict",
            `The demo school is already loaded in ${location}. Delete that database directory to start again.`,
          );
        }
        const bar = progress();
        const started = Date.now();
        const trust = await createDemoTrust(db, { seed, today, onProgress: bar.update });
        const summary = trust.northfield;
        bar.stop();
        process.stdout.write(
          `Created ${summary.school.name} (school ${summary.school.id}) in ${location} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n` +
            `  ${summary.onRoll} pupils on roll (${summary.pupils} including leavers), ${summary.contacts} contacts\n` +
            `  ${summary.marks} register marks to ${today}, ${summary.amendments} of them amended by the office\n` +
            `  the trust attendance policy adopted: ${summary.proposals} actions proposed for the office to review\n` +
            trust.schools
              .map(
                (s) => `Created ${s.school.name}: ${s.pupils} pupils, ${s.marks} register marks\n`,
              )
              .join("") +
            (trust.mover
              ? `  ${trust.mover.upn} left ${summary.school.name} on ${trust.mover.left} and joined ${trust.mover.to} on ${trust.mover.joins}\n`
              : ""),
        );
      });
    });
}
