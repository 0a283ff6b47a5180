import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename } from "node:path";
import type { Command } from "commander";
import { importBenchmarks } from "../app/benchmarks/import-benchmarks.ts";
import { RollbookError } from "../domain/errors.ts";
import { type DatabaseFlags, withDatabase } from "./context.ts";
import { progress } from "./output.ts";

export function registerBenchmarks(program: Command): void {
  const benchmarks = program
    .command("benchmarks")
    .description("DfE's published attendance statistics, to compare schools with");
  benchmarks
    .command("import")
    .description(
      "import DfE's year-to-date attendance statistics CSV (format in docs/formats.md); each period in the file replaces what was stored for it",
    )
    .argument("<file>", "DfE's CSV file, columns as DfE publishes them")
    .action(async (file: string, _flags: unknown, command: Command) => {
      const csv = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new RollbookError(
          "invalid_input",
          `Cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
        );
      });
      await withDatabase(command.optsWithGlobals<DatabaseFlags>(), async ({ db }) => {
        const bar = progress();
        const result = await importBenchmarks(db, csv, {
          by: `import of ${basename(file)} by ${userInfo().username}`,
          at: new Date(),
          onProgress: (step, done, total) => bar.update(step, done, total),
        });
        bar.stop();
        process.stdout.write(
          `DfE attendance statistics (${result.periods.join(", ")}): ${result.rows} rows; ${result.added} added, ${result.updated} updated, ${result.removed} removed, ${result.unchanged} already stored as given\n`,
        );
        if (result.checks.length === 0) {
          process.stdout.write(
            "Truth check: every row's codes reproduce DfE's totals and percentages\n",
          );
          return;
        }
        process.stdout.write(
          `Truth check: ${result.checks.length} row(s) whose codes do not reproduce DfE's totals (imported as published):\n`,
        );
        for (const check of result.checks)
          process.stdout.write(`  line ${check.line} ${check.row}: ${check.problems.join("; ")}\n`);
      });
    });
}
