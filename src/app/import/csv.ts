import { once } from "node:events";
import { parse } from "csv-parse";
import { parse as parseText } from "csv-parse/sync";
import { RollbookError } from "../../domain/errors.ts";

export interface CsvRow {
  /** Line of the file the row starts on (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface RowProblem {
  line: number;
  message: string;
}

/**
 * Reads a CSV file with a header row into rows that remember their line numbers. Column names
 * are matched case-insensitively with spaces as underscores; a missing required column or an
 * unknown one is refused before any row is read, naming the columns expected.
 */
export interface CsvFormat {
  name: string;
  required: string[];
  optional: string[];
  /** Names each header column in the format's own words (null: a column to ignore). */
  header?: (columns: string[]) => (string | null)[];
}

export function readCsv(text: string, format: CsvFormat): CsvRow[] {
  // A NUL is never in a UTF-8 CSV file (UTF-16 and binary files are full of them), and the
  // database refuses it in text: refuse such a file here, naming where, rather than half-way
  // through writing it.
  const nul = text.indexOf("\u0000");
  if (nul !== -1 && !text.slice(0, nul).includes("\n")) {
    throw new RollbookError(
      "import_rejected",
      `The ${format.name} file is not UTF-8 text: its header has NUL characters (a UTF-16 or binary file?); save it as CSV UTF-8`,
    );
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseText(text, PARSE_OPTIONS) as unknown as typeof records;
  } catch (error) {
    throw new RollbookError(
      "import_rejected",
      `The ${format.name} file is not valid CSV: ${(error as Error).message}`,
    );
  }
  const [header, ...body] = records;
  if (!header) throw new RollbookError("import_rejected", `The ${format.name} file is empty`);
  const reader = new RowReader(header.record, format);
  const rows = body.map(({ record, info }) => reader.row(record, info.lines));
  if (nul !== -1) {
    rejectIfProblems(
      format.name,
      rows
        .filter((row) => Object.values(row.values).some((v) => v.includes("\u0000")))
        .map(({ line }) => ({
          line,
          message: "has a NUL character, which is not text: save the file as CSV UTF-8",
        })),
    );
  }
  return rows;
}

const PARSE_OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  trim: true,
  info: true,
  relax_column_count: true,
} as const;

/** Checks a file's header, then turns each record into a row that knows the line it starts on. */
class RowReader {
  private readonly columns: (string | null)[];
  private surplus: number;

  constructor(header: string[], format: CsvFormat) {
    const columns =
      format.header?.(header) ?? header.map((c) => c.trim().toLowerCase().replace(/\s+/g, "_"));
    const named = columns.filter((c): c is string => c !== null);
    const known = new Set([...format.required, ...format.optional]);
    const problems: string[] = [];
    const missing = format.required.filter((c) => !named.includes(c));
    if (missing.length > 0) problems.push(`missing column(s): ${missing.join(", ")}`);
    const unknown = named.filter((c) => !known.has(c));
    if (unknown.length > 0) problems.push(`unknown column(s): ${unknown.join(", ")}`);
    const repeated = named.filter((c, i) => named.indexOf(c) !== i);
    if (repeated.length > 0) problems.push(`repeated column(s): ${repeated.join(", ")}`);
    if (problems.length > 0) {
      throw new RollbookError(
        "import_rejected",
        `The ${format.name} file's header is wrong: ${problems.join("; ")}. Expected columns: ${format.required.join(", ")} (required), ${format.optional.join(", ")} (optional)`,
      );
    }
    this.columns = columns;
    // info.lines is where a record ends; quoted line breaks inside it move its start back. The
    // parser counts each \r and \n in a quoted field as a line, so a quoted \r\n counts twice:
    // take the surplus off every later record too, to name the line an editor shows.
    this.surplus = count(header, /\r\n/g);
  }

  row(record: string[], endLine: number): CsvRow {
    const values: Record<string, string> = {};
    this.columns.forEach((column, i) => {
      if (column !== null) values[column] = record[i] ?? "";
    });
    const line = endLine - count(record, /[\r\n]/g) - this.surplus;
    this.surplus += count(record, /\r\n/g);
    return { line, values };
  }
}

const count = (record: string[], pattern: RegExp) =>
  record.reduce((n, field) => n + (field.match(pattern)?.length ?? 0), 0);

/**
 * Reads a CSV file as it arrives, in batches of rows, so a file of a million rows never sits in
 * memory whole. The same header check and line numbers as readCsv; a row with a NUL is the
 * caller's to refuse (hasNul), naming its line.
 */
export async function* readCsvBatches(
  source: string | AsyncIterable<string | Buffer>,
  format: CsvFormat,
  batchSize: number,
): AsyncGenerator<CsvRow[]> {
  const parser = parse(PARSE_OPTIONS);
  const feed = async () => {
    try {
      if (typeof source === "string") parser.write(source);
      else for await (const chunk of source) if (!parser.write(chunk)) await once(parser, "drain");
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  };
  const feeding = feed();
  let reader: RowReader | null = null;
  let batch: CsvRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!reader && record.some((field) => field.includes("\u0000"))) {
        throw new RollbookError(
          "import_rejected",
          `The ${format.name} file is not UTF-8 text: its header has NUL characters (a UTF-16 or binary file?); save it as CSV UTF-8`,
        );
      }
      if (!reader) {
        reader = new RowReader(record, format);
        continue;
      }
      batch.push(reader.row(record, info.lines));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof RollbookError) throw error;
    throw new RollbookError(
      "import_rejected",
      `The ${format.name} file is not valid CSV: ${(error as Error).message}`,
    );
  } finally {
    parser.destroy();
    await feeding;
  }
  if (!reader) throw new RollbookError("import_rejected", `The ${format.name} file is empty`);
  if (batch.length > 0) yield batch;
}

/** A NUL is never in a UTF-8 CSV file, and the database refuses it in text. */
export function hasNul(row: CsvRow): boolean {
  return Object.values(row.values).some((v) => v.includes("\u0000"));
}

/** Problems shown in full when an import is refused; the rest are counted. */
export const PROBLEMS_SHOWN = 100;

/**
 * A file's problems as they are found: the first ones by line, and a count of all, so a file of
 * 400,000 bad rows is answered with a page, not 40 MB.
 */
export class ProblemList {
  private kept: RowProblem[] = [];
  total = 0;

  static of(problems: RowProblem[]): ProblemList {
    const list = new ProblemList();
    for (const problem of problems) list.add(problem);
    return list;
  }

  add(problem: RowProblem): void {
    this.total++;
    this.kept.push(problem);
    if (this.kept.length > PROBLEMS_SHOWN * 2) this.trim();
  }

  /** Problems counted in the total but not named (a database check names only its first). */
  uncounted(n: number): void {
    this.total += n;
  }

  first(): RowProblem[] {
    this.trim();
    return this.kept;
  }

  private trim(): void {
    this.kept.sort((a, b) => a.line - b.line);
    this.kept.length = Math.min(this.kept.length, PROBLEMS_SHOWN);
  }
}

/** Refuses the whole import when any row has a problem: nothing is half-imported. */
export function rejectIfProblems(what: string, problems: RowProblem[] | ProblemList): void {
  const list = problems instanceof ProblemList ? problems : ProblemList.of(problems);
  if (list.total === 0) return;
  const shown = list.first();
  const listed = shown.map((p) => `  line ${p.line}: ${p.message}`).join("\n");
  const more = list.total - shown.length;
  throw new RollbookError(
    "import_rejected",
    `Nothing was imported: ${list.total} problem${list.total === 1 ? "" : "s"} in the ${what} file\n${listed}${more > 0 ? `\n  ...and ${more} more` : ""}`,
    { problems: shown, moreProblems: more },
  );
}

const TRUE = new Set(["y", "yes", "true", "1"]);
const FALSE = new Set(["", "n", "no", "false", "0"]);

/** A yes/no cell; undefined when it is neither, so the caller can name the row. */
export function parseFlag(value: string | undefined): boolean | undefined {
  const v = (value ?? "").trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}
