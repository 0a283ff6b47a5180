import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename } from "node:path";
import type { Command } from "commander";
import { importContacts } from "../app/import/import-contacts.ts";
import { importMarks } from "../app/import/import-marks.ts";
import { importPupils } from "../app/import/import-pupils.ts";
import { resolveSchool } from "../db/repositories/schools.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";
import { progress } from "./output.ts";

const KINDS = ["pupils", "contacts", "marks"] as const;

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("import pupils, contacts or session marks from CSV (formats in docs/formats.md)")
    .argument("<kind>", KINDS.join(" | "))
    .argument("<file>", "CSV file")
    .option("--school <id|urn|name>", "school (needed when several are stored)")
    .option(
      "--amend <reason>",
      "marks only: allow changing recorded marks, with this reason in their history",
    )
    .action(
      async (
        kind: string,
        file: string,
        flags: { school?: string; amend?: string },
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
          const csv = await readFile(file, "utf8");
          if (kind === "pupils") {
            const result = await importPupils(db, school.id, csv);
            process.stdout.write(`Pupils: ${result.created} admitted, ${result.updated} updated\n`);
          } else {
            const result = await importContacts(db, school.id, csv);
            process.stdout.write(`Contacts: ${result.saved} saved\n`);
          }
        });
      },
    );
}
