import type { Command } from "commander";
import type { UseCaseContext } from "../app/context.ts";
import { finishedLetterJob, type LetterJob, startLetterJob } from "../app/letters/letter-jobs.ts";
import { currentPolicy } from "../db/repositories/policies.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, operatorContext, withDatabase } from "./context.ts";
import { progress, table } from "./output.ts";

/** "green=trust_rag_green" pairs, as typed on the command line. */
function bandLetters(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const [band, letter] = pair.split("=");
      if (!band || !letter)
        throw new RollbookError(
          "invalid_input",
          `"${pair}" is not band=letter (green=trust_rag_green)`,
        );
      return [band, letter];
    }),
  );
}

/** Follows a letter job with a bar on the terminal, then lists the batches it wrote. */
async function watch(ctx: UseCaseContext, job: LetterJob): Promise<void> {
  const bar = progress();
  const finished = await finishedLetterJob(ctx, job.id, (now) =>
    bar.update("Writing letters", now.done + now.failed, now.total),
  ).finally(() => bar.stop());
  if (finished.status === "failed") throw new RollbookError("conflict", finished.error ?? "failed");
  const result = finished.result as { bands?: { band: string; batch: Batch }[] } & Batch;
  const batches = result.bands?.map((b) => ({ name: `${b.band} `, ...b.batch })) ?? [
    { name: "", ...result },
  ];
  process.stdout.write(
    `${table(
      ["Batch", "Letters", "Not written", "Without address"],
      batches.map((b) => [
        `${b.name}${b.batchId}`,
        b.letters.length,
        b.skipped.length,
        b.withoutAddress.length,
      ]),
    )}\n`,
  );
  for (const note of new Set(batches.flatMap((b) => b.notes))) process.stdout.write(`${note}\n`);
}

interface Batch {
  batchId: string;
  letters: unknown[];
  skipped: unknown[];
  withoutAddress: unknown[];
  notes: string[];
}

export function registerLetters(program: Command): void {
  const letters = program.command("letters").description("write letters to families in batches");
  letters
    .command("by-band")
    .description(
      "write every family the letter of the band their child's attendance this year is in (the policy's choice unless --band is given)",
    )
    .option("--school <id|urn|name>")
    .option("--band <band=letter...>", "the letter for a band, e.g. --band green=trust_rag_green")
    .action(async (flags: { school?: string; band?: string[] }, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const ctx = await operatorContext(db, school.id);
        const chosen = flags.band?.length
          ? bandLetters(flags.band)
          : (await currentPolicy(db, school.id))?.policy.bandLetters;
        if (!chosen)
          throw new RollbookError(
            "invalid_input",
            "The policy names no letter for its bands: give --band band=letter for each band",
          );
        await watch(ctx, await startLetterJob(ctx, { kind: "by_band", letters: chosen }));
      });
    });
}
