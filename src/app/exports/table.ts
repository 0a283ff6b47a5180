import { createRequire } from "node:module";
import type ExcelJS from "exceljs";

// Loaded on first use, not at start-up: the package costs about 0.9 s of CPU to load.
const excel = () => createRequire(import.meta.url)("exceljs") as typeof ExcelJS;

/**
 * A table as a person downloads it: a title, column headings and rows of plain cells. Reports,
 * returns and every table of the web app leave as CSV or XLSX through these two writers, so a
 * file opened in a spreadsheet reads the same whichever screen it came from.
 */
export type Cell = string | number | boolean | null;

export interface ExportTable {
  title: string;
  columns: { label: string; numeric?: boolean }[];
  rows: Cell[][];
}

/**
 * A spreadsheet runs text that starts with =, +, - or @ as a formula: such text is written with a
 * leading apostrophe, which spreadsheets show as plain text (OWASP "CSV injection"). Numbers are
 * written as numbers, so negative figures are unchanged.
 */
function csvCell(value: Cell): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with CRLF line ends and a header row. */
export function tableCsv(table: ExportTable): string {
  const lines = [
    table.columns.map((c) => csvCell(c.label)).join(","),
    ...table.rows.map((row) => row.map(csvCell).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** Excel forbids these in a sheet name, and allows at most 31 characters. */
function sheetName(title: string): string {
  const name = title
    .replace(/[[\]:*?/\\]/g, " ")
    .trim()
    .slice(0, 31);
  return name || "Sheet1";
}

/**
 * One worksheet: the headings in bold, frozen above the rows, with a filter on each column.
 * Text cells are always text (never formulas); numbers stay numbers so the spreadsheet can sum.
 */
export async function tableXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  workbook.creator = "Rollbook";
  workbook.title = table.title;
  const sheet = workbook.addWorksheet(sheetName(table.title), {
    views: [{ state: "frozen", ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c, i) => ({
    header: c.label,
    key: String(i),
    width: Math.min(
      60,
      Math.max(
        8,
        c.label.length + 2,
        ...table.rows.slice(0, 200).map((r) => String(r[i] ?? "").length + 2),
      ),
    ),
    ...(c.numeric ? { style: { alignment: { horizontal: "right" as const } } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((cell) => (cell === null ? "" : cell)));
  if (table.columns.length > 0)
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: 1, column: table.columns.length },
    };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A file name from a title: lower case, words joined by hyphens. */
export function fileNameOf(title: string, extension: string): string {
  const stem = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${stem || "table"}.${extension}`;
}
