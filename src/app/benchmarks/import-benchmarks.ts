import type { Kysely } from "kysely";
import {
  benchmarkKey,
  benchmarkRecord,
  benchmarksOfPeriods,
  deleteBenchmark,
  insertBenchmarks,
  replaceBenchmark,
  sameBenchmark,
} from "../../db/repositories/benchmarks.ts";
import type { DB } from "../../db/schema.ts";
import { parseDfeAttendanceFile } from "../../domain/benchmarks/dfe-attendance-file.ts";
import { checkBenchmarks, type TruthCheck } from "../../domain/benchmarks/truth-check.ts";

export interface BenchmarkImportOptions {
  /** Who the rows record as importing them, e.g. "Admin (administrator)". */
  by: string;
  at: Date;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface BenchmarkImportResult {
  /** The periods the file held, each replaced as a whole: "202526 Academic year". */
  periods: string[];
  rows: number;
  added: number;
  updated: number;
  /** Rows of those periods stored before but not in this file. */
  removed: number;
  unchanged: number;
  /** Rows whose codes do not reproduce DfE's totals and percentages: imported, and reported. */
  checks: TruthCheck[];
}

/**
 * Imports a DfE attendance statistics file. Every row is read and checked before anything is
 * written; each period in the file then replaces what was stored for it, in one transaction.
 * Rows that hold what is already stored are left as they are, so importing a file twice changes
 * nothing. The truth check reports rows whose codes do not add up; it does not refuse them: they
 * are DfE's published figures.
 */
export async function importBenchmarks(
  db: Kysely<DB>,
  text: string,
  options: BenchmarkImportOptions,
): Promise<BenchmarkImportResult> {
  const rows = parseDfeAttendanceFile(text);
  const checks = checkBenchmarks(rows);
  const periods = [
    ...new Map(
      rows.map((r) => [
        `${r.timePeriod} ${r.timeIdentifier}`,
        { timePeriod: r.timePeriod, timeIdentifier: r.timeIdentifier },
      ]),
    ),
  ];
  const records = rows.map((row) => benchmarkRecord(row, options.at, options.by));
  const counts = await db.transaction().execute(async (tx) => {
    const stored = new Map(
      (
        await benchmarksOfPeriods(
          tx,
          periods.map(([, p]) => p),
        )
      ).map((row) => [benchmarkKey(row), row]),
    );
    const given = new Set(records.map(benchmarkKey));
    const removed = [...stored.values()].filter((row) => !given.has(benchmarkKey(row)));
    const added = records.filter((r) => !stored.has(benchmarkKey(r)));
    const changed = records.filter((r) => {
      const before = stored.get(benchmarkKey(r));
      return before !== undefined && !sameBenchmark(before, r);
    });
    const total = removed.length + added.length + changed.length;
    let done = 0;
    const step = "Writing DfE attendance statistics";
    const progress = total > 0 ? options.onProgress : undefined;
    progress?.(step, done, total);
    for (const row of removed) await deleteBenchmark(tx, row);
    done += removed.length;
    for (const record of changed) await replaceBenchmark(tx, record);
    done += changed.length;
    progress?.(step, done, total);
    await insertBenchmarks(tx, added, (n) => {
      done += n;
      progress?.(step, done, total);
    });
    return {
      added: added.length,
      updated: changed.length,
      removed: removed.length,
      unchanged: records.length - added.length - changed.length,
    };
  });
  return { periods: periods.map(([label]) => label), rows: rows.length, ...counts, checks };
}
