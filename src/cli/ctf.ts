import { readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename } from "node:path";
import type { Command } from "commander";
import { exportCtf } from "../app/ctf/export-ctf.ts";
import { importCtf } from "../app/ctf/import-ctf.ts";
import { findPupil } from "../db/repositories/pupils.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { parseIsoDate } from "../domain/dates.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";

interface ExportFlags {
  school?: string;
  upn: string[];
  out?: string;
  destLea?: string;
  destEstab?: string;
}

export function registerCtf(program: Command): void {
  const ctf = program
    .command("ctf")
    .description("Common Transfer File: a pupil's attendance history to and from other schools");

  ctf
    .command("export")
    .description("write the attendance part of a CTF for one or more pupils")
    .requiredOption(
      "--upn <upn>",
      "a pupil, by UPN (repeat for several)",
      (value: string, all: string[] = []) => [...all, value],
    )
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .option("--out <file>", "write the XML here (default: standard output)")
    .option(
      "--dest-lea <number>",
      "the destination school's LA number (MMM: not known, the default; XXX: no maintained school)",
    )
    .option(
      "--dest-estab <number>",
      "the destination school's establishment number (MMMM or XXXX with those)",
    )
    .action(async (flags: ExportFlags, command: Command) => {
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const pupils = [];
        for (const upn of flags.upn) pupils.push(await findPupil(db, school.id, upn));
        const result = await exportCtf(
          db,
          school.id,
          pupils.map((p) => p.id),
          {
            at: new Date(),
            destination:
              flags.destLea && flags.destEstab
                ? { lea: flags.destLea, estab: flags.destEstab }
                : null,
          },
        );
        if (flags.out) {
          await writeFile(flags.out, result.xml);
          process.stderr.write(
            `Wrote ${flags.out}: ${pupils.length} pupil(s), ${result.years} year(s) of attendance (DfE's file name for it: ${result.fileName})\n`,
          );
        } else {
          process.stdout.write(result.xml);
        }
        for (const note of result.notes) process.stderr.write(`Note: ${note}\n`);
      });
    });

  ctf
    .command("import")
    .description(
      "import the attendance a pupil brings from another school (any problem refuses the file)",
    )
    .argument("<file>", "CTF XML file")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .option(
      "--admit <date>",
      "admit pupils this school does not have yet, from the file's details, on this date",
    )
    .action(async (file: string, flags: { school?: string; admit?: string }, command: Command) => {
      const admitOn = flags.admit ? parseIsoDate(flags.admit, "--admit") : null;
      const xml = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new RollbookError(
          "invalid_input",
          `Cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
        );
      });
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const school = await resolveSchool(db, flags.school);
        const result = await importCtf(db, school.id, xml, {
          by: `CTF import of ${basename(file)} by ${userInfo().username}`,
          admitOn,
        });
        const { years } = result;
        process.stdout.write(
          `CTF: ${result.pupils} pupil(s), ${result.admitted} admitted; ${years.recorded} year(s) of attendance recorded (${years.superseded} replacing an earlier import), ${years.unchanged} already imported, ${years.skipped} of this school's own\n`,
        );
        for (const note of result.notes) process.stdout.write(`Note: ${note}\n`);
      });
    });
}
