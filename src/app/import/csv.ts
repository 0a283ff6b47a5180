import { parse } from "csv-parse/sync";
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
export function readCsv(
  text: string,
  format: { name: string; required: string[]; optional: string[] },
): CsvRow[] {
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
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new RollbookError(
      "import_rejected",
      `The ${format.name} file is not valid CSV: ${(error as Error).message}`,
    );
  }
  const [header, ...body] = records;
  if (!header) throw new RollbookError("import_rejected", `The ${format.name} file is empty`);
  const columns = header.record.map((c) => c.trim().toLowerCase().replace(/\s+/g, "_"));
  const known = new Set([...format.required, ...format.optional]);
  const problems: string[] = [];
  const missing = format.required.filter((c) => !columns.includes(c));
  if (missing.length > 0) problems.push(`missing column(s): ${missing.join(", ")}`);
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) problems.push(`unknown column(s): ${unknown.join(", ")}`);
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) problems.push(`repeated column(s): ${repeated.join(", ")}`);
  if (problems.length > 0) {
    throw new RollbookError(
      "import_rejected",
      `The ${format.name} file's header is wrong: ${problems.join("; ")}. Expected columns: ${format.required.join(", ")} (required), ${format.optional.join(", ")} (optional)`,
    );
  }
  // info.lines is where a record ends; quoted line breaks inside it move its start back. The
  // parser counts each \r and \n in a quoted field as a line, so a quoted \r\n counts twice:
  // take the surplus off every later record too, to name the line an editor shows.
  const count = (record: string[], pattern: RegExp) =>
    record.reduce((n, field) => n + (field.match(pattern)?.length ?? 0), 0);
  let surplus = count(header.record, /\r\n/g);
  const rows = body.map(({ record, info }) => {
    const values: Record<string, string> = {};
    columns.forEach((column, i) => {
      values[column] = record[i] ?? "";
    });
    const line = info.lines - count(record, /[\r\n]/g) - surplus;
    surplus += count(record, /\r\n/g);
    return { line, values };
  });
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

/** Refuses the whole import when any row has a problem: nothing is half-imported. */
export function rejectIfProblems(what: string, problems: RowProblem[], shown = 50): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const listed = sorted
    .slice(0, shown)
    .map((p) => `  line ${p.line}: ${p.message}`)
    .join("\n");
  const more = sorted.length > shown ? `\n  ...and ${sorted.length - shown} more` : "";
  throw new RollbookError(
    "import_rejected",
    `Nothing was imported: ${sorted.length} problem${sorted.length === 1 ? "" : "s"} in the ${what} file\n${listed}${more}`,
    { problems: sorted },
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
