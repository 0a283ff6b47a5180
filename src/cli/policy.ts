import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { evaluatePolicy } from "../app/policy/evaluate-school.ts";
import { parsePolicy } from "../app/policy/policy-schema.ts";
import { adoptPreset, savePolicy } from "../app/policy/save-policy.ts";
import { simulatePolicy } from "../app/policy/simulate-policy.ts";
import { currentPolicy } from "../db/repositories/policies.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { londonToday, parseIsoDate } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { count } from "../domain/plural.ts";
import { PRESETS } from "../domain/policy/presets/index.ts";
import type { Policy } from "../domain/policy/types.ts";
import { type DatabaseFlags, operatorContext, withDatabase } from "./context.ts";
import { table } from "./output.ts";

async function readPolicyFile(file: string): Promise<Policy> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new RollbookError("invalid_input", `Cannot read ${file}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RollbookError(
      "invalid_input",
      `${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return parsePolicy(json);
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command("policy")
    .description("the school's attendance policy: presets, show, adopt, save");
  policy
    .command("presets")
    .description("list the ready-made policies")
    .action(() => {
      const rows = Object.entries(PRESETS).map(([id, p]) => [
        id,
        p.name,
        `${p.target}%`,
        p.stages.length,
        p.triggers.length,
      ]);
      process.stdout.write(`${table(["Preset", "Name", "Target", "Stages", "Triggers"], rows)}\n`);
    });
  policy
    .command("show")
    .description("print the policy in force as JSON (edit it and `policy save` it)")
    .option("--school <id|urn|name>")
    .action(async (flags: { school?: string }, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const stored = await currentPolicy(db, school.id);
        if (!stored)
          throw new RollbookError(
            "not_found",
            `${school.name} has no policy yet: rollbook policy adopt <preset>`,
          );
        process.stdout.write(`${JSON.stringify(stored.policy, null, 2)}\n`);
      });
    });
  policy
    .command("adopt")
    .description("adopt a preset as the school's policy")
    .argument("<preset>", Object.keys(PRESETS).join(" | "))
    .option("--school <id|urn|name>")
    .action(async (preset: string, flags: { school?: string }, command: Command) => {
      const chosen = PRESETS[preset];
      if (!chosen)
        throw new RollbookError(
          "invalid_input",
          `No preset "${preset}": choose ${Object.keys(PRESETS).join(", ")}`,
        );
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const { version } = await adoptPreset(await operatorContext(db, school.id), { preset });
        process.stdout.write(
          `${school.name} now follows "${chosen.name}" (policy version ${version})\n`,
        );
      });
    });
  policy
    .command("save")
    .description("save a policy file (JSON) as the school's next policy version")
    .argument("<file.json>")
    .option("--school <id|urn|name>")
    .action(async (file: string, flags: { school?: string }, command: Command) => {
      const document = await readPolicyFile(file);
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const version = await savePolicy(await operatorContext(db, school.id), document);
        process.stdout.write(
          `Saved "${document.name}" as policy version ${version} of ${school.name}\n`,
        );
      });
    });

  program
    .command("evaluate")
    .description("evaluate the policy over every pupil and store the proposed actions (idempotent)")
    .option("--school <id|urn|name>")
    .option("--date <date>", "the day to evaluate as of (default today)")
    .action(async (flags: { school?: string; date?: string }, command: Command) => {
      const date = flags.date ? parseIsoDate(flags.date, "--date") : londonToday();
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const started = Date.now();
        const summary = await evaluatePolicy(await operatorContext(db, school.id), { date });
        process.stdout.write(
          `${school.name}, ${date}: ${count(summary.pupils, "pupil")} evaluated against policy version ${summary.policyVersion} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
            `${count(summary.proposed, "new proposal")}, ${summary.alreadyProposed} already proposed before\n`,
        );
        const rows = Object.entries(summary.byTrigger).map(([trigger, n]) => [trigger, n]);
        if (rows.length > 0) process.stdout.write(`${table(["Trigger", "New proposals"], rows)}\n`);
      });
    });

  program
    .command("simulate")
    .description("what a policy would have proposed over past dates; changes nothing")
    .requiredOption("--from <date>")
    .requiredOption("--to <date>")
    .option("--policy <file.json>", "a draft policy (default: the policy in force)")
    .option("--preset <preset>", "a preset instead of a file")
    .option("--school <id|urn|name>")
    .option("--json", "print every proposal as JSON")
    .action(
      async (
        flags: {
          from: string;
          to: string;
          policy?: string;
          preset?: string;
          school?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const from = parseIsoDate(flags.from, "--from");
        const to = parseIsoDate(flags.to, "--to");
        await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
          const school = await resolveSchool(db, flags.school);
          const draft = flags.policy
            ? await readPolicyFile(flags.policy)
            : flags.preset
              ? PRESETS[flags.preset]
              : (await currentPolicy(db, school.id))?.policy;
          if (!draft)
            throw new RollbookError(
              "invalid_input",
              "No policy to simulate: give --policy, --preset, or adopt one",
            );
          const simulation = await simulatePolicy(db, school.id, draft, from, to);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(simulation, null, 2)}\n`);
            return;
          }
          process.stdout.write(
            `"${draft.name}" over ${from} to ${to} (${count(simulation.schoolDays, "school day")}, ${count(simulation.pupils, "pupil")}): ${count(simulation.proposals.length, "proposal")}\n`,
          );
          process.stdout.write(
            `${table(
              ["Trigger", "Proposals", "Pupils"],
              simulation.byTrigger.map((t) => [t.name, t.proposals, t.pupils]),
            )}\n`,
          );
        });
      },
    );
}
