import pg from "pg";

/**
 * Bulk reads in PostgreSQL's binary COPY format. node-postgres decodes every result field as
 * UTF-8 text, even with `binary: true` (which corrupts bytea), and text bytea is hex: twice the
 * bytes, a string per row and a decode. A COPY's data arrives as raw bytes instead.
 *
 * A statement starting with BINARY_COPY is a plain SELECT without parameters: the PostgreSQL
 * client runs it as `COPY (...) TO STDOUT (FORMAT binary)` and answers one row `{ binary_copy }`
 * holding the whole stream; the embedded database runs the SELECT as it is. Callers handle both
 * (see `loadSchoolYearMarks`).
 */
export const BINARY_COPY = "/* binary copy */ ";

export interface BinaryCopyRow {
  binary_copy: Uint8Array;
}

/** A query object node-postgres drives (as pg-copy-streams does): collects the CopyData messages. */
class BinaryCopyOut {
  private data = Buffer.allocUnsafe(1 << 16);
  private length = 0;
  private error: Error | null = null;
  callback: ((error: Error | null, result?: unknown) => void) | undefined;

  constructor(private readonly text: string) {}

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    const chunk = message.chunk;
    // The parser reuses its buffer: every chunk is copied before the next arrives.
    if (this.length + chunk.length > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + chunk.length));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    chunk.copy(this.data, this.length);
    this.length += chunk.length;
  }

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    const callback = this.callback;
    this.callback = undefined;
    if (this.error) callback?.(this.error);
    else {
      const row: BinaryCopyRow = { binary_copy: this.data.subarray(0, this.length) };
      callback?.(null, { command: "COPY", rowCount: 1, rows: [row] });
    }
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail("not a copy in");
  }
}

/** The pool's client: a BINARY_COPY statement becomes a binary COPY; anything else goes as usual. */
export class RollbookClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' overloads
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === "string" && config.startsWith(BINARY_COPY)) {
      if (Array.isArray(values) && values.length > 0)
        throw new Error("A binary copy takes no parameters");
      const copy = new BinaryCopyOut(
        `copy (${config.slice(BINARY_COPY.length)}) to stdout (format binary)`,
      );
      return new Promise((resolve, reject) => {
        copy.callback = (error, result) => (error ? reject(error) : resolve(result));
        super.query(copy as never);
      });
    }
    return super.query(config, values, callback);
  }
}

const SIGNATURE = "PGCOPY\n\xff\r\n\0";

/**
 * Walks the tuples of a binary COPY stream, calling `row(data, offsets, lengths)` with each
 * field's offset and length (-1 for null) in `data`; the arrays are reused between calls.
 */
export function readBinaryCopy(
  data: Uint8Array,
  row: (data: Uint8Array, offsets: Int32Array, lengths: Int32Array) => void,
): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (data[i] !== SIGNATURE.charCodeAt(i)) throw new Error("Not a binary COPY stream");
  }
  let at = SIGNATURE.length + 4; // signature, flags
  at += 4 + view.getInt32(at); // header extension
  let offsets = new Int32Array(4);
  let lengths = new Int32Array(4);
  let rows = 0;
  for (;;) {
    const fields = view.getInt16(at);
    at += 2;
    if (fields === -1) return rows;
    if (fields > offsets.length) {
      offsets = new Int32Array(fields);
      lengths = new Int32Array(fields);
    }
    for (let f = 0; f < fields; f++) {
      const length = view.getInt32(at);
      at += 4;
      offsets[f] = at;
      lengths[f] = length;
      if (length > 0) at += length;
    }
    row(data, offsets, lengths);
    rows++;
  }
}
