import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { decodeText } from "../app/import/encoding.ts";
import { importContacts } from "../app/import/import-contacts.ts";
import { importMarks } from "../app/import/import-marks.ts";
import { importPupils, previewPupilImport } from "../app/import/import-pupils.ts";
import { PRESET_NAMES } from "../app/import/presets.ts";
import { importTimetable } from "../app/lessons/import-timetable.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { RollbookError } from "../domain/errors.ts";
import { count } from "../domain/plural.ts";
import { type DatabaseFlags, operatorContext, withDatabase } from "./context.ts";
import { progress } from "./output.ts";
import { describePupilImport } from "./pupil-import-summary.ts";

const KINDS = ["pupils", "contacts", "marks", "timetable"] as const;

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "import pupils, contacts, session marks or the timetable from CSV (formats in docs/formats.md)",
    )
    .argument("<kind>", KINDS.join(" | "))
    .argument("<file>", "CSV file")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .option(
      "--preset <mis>",
      `pupils only: the MIS the file was exported from (${PRESET_NAMES.join(", ")}), when its header does not say`,
    )
    .option("--yes", "pupils only: import without asking, after printing the summary")
    .option(
      "--amend <reason>",
      "marks only: allow changing recorded marks, with this reason in their history",
    )
    .action(
      async (
        kind: string,
        file: string,
        flags: { school?: string; amend?: string; preset?: string; yes?: boolean },
        command: Command,
      ) => {
        if (!(KINDS as readonly string[]).includes(kind)) {
          throw new RollbookError(
            "invalid_input",
            `Cannot import "${kind}": choose ${KINDS.join(", ")}`,
          );
        }
        const size = await stat(file).then(
          (info) => info.size,
          (error: NodeJS.ErrnoException) => {
            throw new RollbookError(
              "invalid_input",
              `Cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
            );
          },
        );
        await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
          const school = await resolveSchool(db, flags.school);
          if (kind === "marks") {
            // Streamed: a million rows are read, checked and written a batch at a time.
            const bar = progress();
            const megabytes = (n: number) => Math.round(n / 1_000_000);
            const stream = createReadStream(file);
            const result = await importMarks(db, school.id, stream, {
              by: `import of ${basename(file)} by ${userInfo().username}`,
              amendReason: flags.amend ?? null,
              onProgress: () =>
                bar.update(
                  "Reading and writing marks (MB)",
                  megabytes(stream.bytesRead),
                  megabytes(size),
                ),
            });
            bar.stop();
            process.stdout.write(
              `Marks: ${result.created} recorded, ${result.amended} amended, ${result.unchanged} already recorded as given\n`,
            );
            return;
          }
          if (kind === "timetable") {
            // The same use case as the web app's and the API's import, as the operator.
            const text = decodeText(await readFile(file), "timetable").text;
            const ctx = await operatorContext(db, school.id);
            const result = await importTimetable(ctx, text);
            process.stdout.write(`${describeTimetable(result, school.name)}\n`);
            return;
          }
          if (kind === "pupils") {
            const bytes = await readFile(file);
            const summary = await previewPupilImport(db, school.id, bytes, {
              preset: flags.preset,
            });
            process.stdout.write(describePupilImport(summary));
            if (!flags.yes && !(await confirmed("Import these changes? [y/N] "))) {
              process.stdout.write("Nothing was imported\n");
              return;
            }
            const result = await importPupils(db, school.id, bytes, {
              preset: flags.preset,
              confirm: summary.fingerprint,
            });
            process.stdout.write(`Pupils: ${result.created} admitted, ${result.updated} updated\n`);
          } else {
            const csv = decodeText(await readFile(file), kind).text;
            const result = await importContacts(db, school.id, csv);
            process.stdout.write(`Contacts: ${result.saved} saved\n`);
          }
        });
      },
    );
}

/** The summary of an imported timetable, in words: "1 class" and "2 classes". */
export function describeTimetable(
  result: { periods: number; classes: number; lessons: number; places: number },
  schoolName: string,
): string {
  return `Timetable for ${schoolName}: ${count(result.classes, "class")}, ${count(result.periods, "period")}, ${count(result.lessons, "lesson")} a week, ${count(result.places, "place")} in classes`;
}

/** One line from the terminal (or a pipe): yes only when it says so; no answer is no. */
async function confirmed(question: string): Promise<boolean> {
  process.stdout.write(question);
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}
