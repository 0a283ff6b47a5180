import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CompiledQuery, type Kysely, sql } from "kysely";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/**
 * COPY ... FROM for bulk writes, on either database: through the PostgreSQL client's streaming
 * COPY, or PGlite's `/dev/blob`. Kysely hides the connection a transaction holds, so each pooled
 * PostgreSQL client is remembered by its server process id and found again by asking the
 * transaction's connection for `pg_backend_pid()`.
 */
const clients = new Map<number, pg.PoolClient>();

/** Called by the pool for every new connection (src/db/database.ts). */
export function rememberCopyClient(client: pg.PoolClient): void {
  const pid = (client as unknown as { processID: number | null }).processID;
  if (pid === null) return;
  clients.set(pid, client);
  client.once("end", () => clients.delete(pid));
}

/** A COPY query carrying its rows for the embedded database (src/db/pglite-dialect.ts). */
export interface BlobQuery extends CompiledQuery {
  blob: Blob;
}

export const isBlobQuery = (query: CompiledQuery): query is BlobQuery =>
  (query as Partial<BlobQuery>).blob instanceof Blob;

/**
 * Copies rows (PostgreSQL COPY text format: tab-separated, `\N` for null, one row a line) into
 * `table` on the transaction's own connection, so they are written or rolled back with it.
 */
export async function copyRows<DB>(
  tx: Kysely<DB>,
  table: string,
  columns: readonly string[],
  rows: string[],
): Promise<void> {
  if (rows.length === 0) return;
  const target = `${table} (${columns.join(", ")})`;
  const { rows: found } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
  const client = clients.get(found[0]?.pid ?? -1);
  if (client) {
    // In pieces of about 256 KB: one COPY message a row would cost a socket write each.
    await pipeline(
      Readable.from(pieces(rows)),
      client.query(copyFrom(`copy ${target} from stdin`)),
    );
    return;
  }
  const query: BlobQuery = {
    ...CompiledQuery.raw(`copy ${target} from '/dev/blob'`),
    blob: new Blob([...pieces(rows)]),
  };
  await tx.executeQuery(query);
}

/** A value in COPY text format. */
export function copyText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escaped) : value;
}
const escaped = (c: string) =>
  c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r";

function* pieces(rows: string[]): Generator<string> {
  for (let i = 0; i < rows.length; i += 4_096) yield rows.slice(i, i + 4_096).join("");
}
