import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseCalendarFile } from "../app/calendar-file.ts";
import { TYPICAL_TERM_DATES } from "../app/demo/term-dates.ts";
import { saveAcademicYear } from "../db/repositories/calendar.ts";
import { createSchool, resolveSchool } from "../db/repositories/schools.ts";
import { decideDeployment } from "../db/repositories/users.ts";
import type { SchoolPhase } from "../db/schema.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";

const PHASES: SchoolPhase[] = [
  "nursery",
  "primary",
  "secondary",
  "all_through",
  "special",
  "alternative_provision",
];

interface InitFlags {
  school?: string;
  phase: string;
  urn?: string;
  estab?: string;
  trust?: string;
  laCode?: string;
  laName?: string;
  calendar?: string;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create or update the database; with --school, add a school and its calendar")
    .option("--school <name>", "name of a school to add")
    .option("--phase <phase>", PHASES.join(" | "), "secondary")
    .option("--urn <urn>", "the school's URN")
    .option("--estab <number>", "the four-digit DfE establishment number (for CTF files)")
    .option("--trust <name>", "the multi-academy trust it belongs to")
    .option("--la-code <code>", "local authority number, e.g. 383")
    .option("--la-name <name>", "local authority name")
    .option(
      "--calendar <file.json>",
      "term dates (docs/formats.md); default: typical England dates",
    )
    .action(async (flags: InitFlags, command: Command) => {
      if (!PHASES.includes(flags.phase as SchoolPhase)) {
        throw new RollbookError("invalid_input", `--phase must be one of ${PHASES.join(", ")}`);
      }
      if (flags.urn && !/^\d{6}$/.test(flags.urn))
        throw new RollbookError("invalid_input", "--urn must be six digits");
      if (flags.estab && !/^\d{4}$/.test(flags.estab))
        throw new RollbookError("invalid_input", "--estab must be four digits");
      if (Boolean(flags.laCode) !== Boolean(flags.laName)) {
        throw new RollbookError("invalid_input", "Give --la-code and --la-name together");
      }
      const calendar = flags.calendar
        ? parseCalendarFile(await readFile(flags.calendar, "utf8"), flags.calendar)
        : [...TYPICAL_TERM_DATES];
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db, location }) => {
        // A database set up with init is a real deployment: it never receives the demo accounts.
        await decideDeployment(db, false);
        if (!flags.school) {
          process.stdout.write(`Database ready at ${location}\n`);
          return;
        }
        const school = await createSchool(db, {
          name: flags.school,
          phase: flags.phase as SchoolPhase,
          urn: flags.urn ?? null,
          estab: flags.estab ?? null,
          trustName: flags.trust ?? null,
          localAuthority: flags.laCode
            ? { code: flags.laCode, name: flags.laName as string }
            : null,
        });
        for (const year of calendar) await saveAcademicYear(db, school.id, year);
        process.stdout.write(
          `Created ${school.name} (school ${school.id}) with ${calendar.length} academic year(s) in ${location}\n`,
        );
      });
    });

  program
    .command("calendar")
    .description("set a school's term dates from a calendar file (docs/formats.md)")
    .argument("<file.json>", "calendar file")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .action(async (file: string, flags: { school?: string }, command: Command) => {
      const years = parseCalendarFile(await readFile(file, "utf8"), file);
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        for (const year of years) await saveAcademicYear(db, school.id, year);
        process.stdout.write(`Saved ${years.length} academic year(s) for ${school.name}\n`);
      });
    });
}
