import fc from "fast-check";
import { type Kysely, sql } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import { isRollbookError, type RollbookError } from "../../src/domain/errors.ts";

/** One seed for every fuzz file, so a failure found once is found again on every run. */
export const SEED = 20_261_125;

/** fast-check's settings for a property: the fixed seed and a modest number of runs. */
export function settings(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: true };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: RollbookError };

/**
 * Runs a call that must either succeed or refuse with a RollbookError. Anything else (a
 * TypeError, a database error) is rethrown with its stack so the property fails on it.
 */
export async function outcomeOf<T>(call: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (isRollbookError(error)) return { ok: false, error };
    const e = error as Error;
    throw new Error(`expected success or a RollbookError, got ${e?.name}: ${e?.message}`, {
      cause: error,
    });
  }
}

/**
 * What the tables hold, row for row: a count and a digest per table. Equal fingerprints before
 * and after a refused call mean it wrote nothing (no insert, update or delete).
 */
export async function fingerprint(
  db: Kysely<DB>,
  tables: readonly (keyof DB & string)[],
): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string; digest: string | null }>`
      select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
      from ${sql.table(table)} t`.execute(db);
    result[table] = `${rows[0]?.n}:${rows[0]?.digest}`;
  }
  return result;
}

/** Strings likely to break something: control characters, BOMs, quotes, braces, huge ones. */
export const nasty = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uFEFF",
  "\uFFFD",
  "\ud800",
  '"',
  '""',
  "'",
  ",",
  "\n",
  "\r",
  "\r\n",
  "\t",
  "{",
  "}",
  "{}",
  "{{forename}}",
  "__proto__",
  "constructor",
  "toString",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "9".repeat(40),
  "2147483648",
  "0000-01-01",
  "9999-12-31",
  "2025-02-29",
  "x".repeat(70_000),
  "<script>alert(1)</script>",
  "'; drop table pupils; --",
  "Zoë Ørsted-Łukasz 🙂",
);

/** Any text: arbitrary strings mixed with the nasty ones. */
export const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: nasty },
);
