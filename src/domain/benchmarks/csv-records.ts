import { RollbookError } from "../errors.ts";

export interface CsvRecord {
  /** Line of the file the record starts on (the header is line 1). */
  line: number;
  cells: string[];
}

/**
 * Splits CSV text into records (RFC 4180: fields in double quotes may hold commas, line breaks and
 * doubled quotes; lines end in LF, CRLF or CR), remembering the line each record starts on so a
 * problem can be named where an editor shows it. Cells are trimmed; blank lines are skipped. DfE's
 * files quote every text field, so the format is read here, in the domain, without a library.
 */
export function csvRecords(text: string, what: string): CsvRecord[] {
  const nul = text.indexOf("\u0000");
  if (nul !== -1) {
    const line = text.slice(0, nul).split("\n").length;
    throw new RollbookError(
      "import_rejected",
      `The ${what} file is not UTF-8 text: line ${line} has a NUL character (a UTF-16 or binary file?); save it as CSV UTF-8`,
    );
  }
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) {
            throw new RollbookError(
              "import_rejected",
              `The ${what} file is not valid CSV: the quoted value starting on line ${start} is never closed`,
            );
          }
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          cell += c;
          i++;
        }
      }
      while (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") cell += text[i++];
      cells.push(cell.trim());
      if (i >= n) break;
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (cells.length > 1 || cells[0] !== "") records.push({ line: start, cells });
  }
  return records;
}
