import type { Command } from "commander";
import { connectMis, requireConnection } from "../app/mis/connection.ts";
import { syncMis } from "../app/mis/sync.ts";
import { runWriteback } from "../app/mis/writeback.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { type DatabaseFlags, operatorContext, withDatabase } from "./context.ts";
import { progress } from "./output.ts";

/** `rollbook mis connect|sync|writeback`: the school's MIS, as Settings > MIS does it (docs/mis.md). */
export function registerMis(program: Command): void {
  const mis = program.command("mis").description("the school's MIS through Wonde (docs/mis.md)");
  mis
    .command("connect")
    .description("connect a school to its MIS through Wonde")
    .requiredOption("--school <id|urn|name>", "school")
    .requiredOption("--wonde-school <id>", "the school's id in Wonde (A1930499544-like)")
    .requiredOption(
      "--token-env <NAME>",
      "the environment variable holding the school's Wonde token",
    )
    .option("--url <url>", "Wonde's address", "https://api.wonde.com/v1.0")
    .option("--no-marks", "do not read marks from the MIS")
    .option("--no-writeback", "do not send registers back to the MIS")
    .action(
      async (
        flags: {
          school: string;
          wondeSchool: string;
          tokenEnv: string;
          url: string;
          marks: boolean;
          writeback: boolean;
        },
        command: Command,
      ) => {
        await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
          const school = await resolveSchool(db, flags.school);
          await connectMis(await operatorContext(db, school.id), {
            provider: "wonde",
            providerSchoolId: flags.wondeSchool,
            baseUrl: flags.url,
            tokenRef: `env:${flags.tokenEnv}`,
            syncMarks: flags.marks,
            writeback: flags.writeback,
          });
          process.stdout.write(
            `${school.name} is connected to Wonde school ${flags.wondeSchool}; run \`rollbook mis sync\` for the first load\n`,
          );
        });
      },
    );
  mis
    .command("sync")
    .description("bring the school up to date from its MIS now (the first run loads everyone)")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .action(async (flags: { school?: string }, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const bar = progress();
        const outcome = await syncMis(await operatorContext(db, school.id), {
          trigger: "command line",
          onProgress: (p) => bar.update(p.step, p.done, Math.max(p.total, p.done, 1)),
        });
        bar.stop();
        const c = outcome.counts;
        process.stdout.write(
          `${outcome.kind === "initial" ? "Initial load" : "Changes"} from the MIS: ${c.read} pupils read, ${c.added} admitted, ${c.changed} changed, ${c.unchanged} unchanged, ${c.left} left the roll; ${c.contacts} contacts, ${c.photos} photos stored; ${c.marksRecorded} of ${c.marksRead} marks recorded, ${c.conflicts} disagreements for the office\n`,
        );
        for (const error of outcome.errors) process.stdout.write(`  ${error}\n`);
        if (outcome.state === "failed") process.exitCode = 2;
      });
    });
  mis
    .command("writeback")
    .description("send the registers taken in Rollbook to the MIS now")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .action(async (flags: { school?: string }, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const sent = await runWriteback(db, await requireConnection(db, school.id), new Date());
        process.stdout.write(
          `Writeback: ${sent.queued} queued, ${sent.written} written, ${sent.refused} refused by the MIS, ${sent.retrying} to try again\n`,
        );
      });
    });
}
