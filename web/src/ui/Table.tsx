import { type ReactNode, useMemo, useState } from "react";
import { postForFile } from "../api.ts";
import { ErrorNotice } from "./Notice.tsx";

export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

/** A cell as CSV; text a spreadsheet would run as a formula (=, +, -, @) is kept as text. */
function csvCell(value: string | number | null): string {
  const raw = value === null ? "" : String(value);
  const text = typeof value === "string" && /^[=+\-@]/.test(raw) ? `'${raw}` : raw;
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Downloads rows as a CSV file named after the table. */
export function downloadCsv<T>(name: string, columns: Column<T>[], rows: T[]): void {
  const lines = [
    columns.map((c) => csvCell(c.label)).join(","),
    ...rows.map((r) => columns.map((c) => csvCell(c.value(r))).join(",")),
  ];
  const blob = new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function saveFile(blob: Blob, fileName: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(link.href);
}

/**
 * Downloads rows as an XLSX workbook. The server builds it from the rows sent (POST
 * /api/exports/xlsx), so the app carries no spreadsheet library.
 */
export async function downloadXlsx<T>(
  name: string,
  columns: Column<T>[],
  rows: T[],
): Promise<void> {
  const blob = await postForFile("/api/exports/xlsx", {
    title: name,
    columns: columns.map((c) => ({ label: c.label, numeric: c.numeric ?? false })),
    rows: rows.map((r) => columns.map((c) => c.value(r))),
  });
  saveFile(blob, `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.xlsx`);
}

/** A table whose columns sort by clicking their heading, with its rows exportable as CSV or XLSX. */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty = "Nothing to show.",
  firstRows,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  empty?: string;
  /** Show only this many rows until asked for all; sorting and exports always cover every row. */
  firstRows?: number;
}) {
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [exportError, setExportError] = useState<Error | null>(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    return [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order =
        typeof x === "number" && typeof y === "number"
          ? x - y
          : String(x ?? "").localeCompare(String(y ?? ""), "en", { numeric: true });
      return sort.descending ? -order : order;
    });
  }, [rows, columns, sort]);
  const shortened = firstRows !== undefined && sorted.length > firstRows;
  const shown = shortened && !showAll ? sorted.slice(0, firstRows) : sorted;
  return (
    <div className="table-wrap">
      <div className="table-tools">
        <span className="row">
          <button
            type="button"
            className="link"
            onClick={() => downloadCsv(caption, columns, sorted)}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              setExportError(null);
              downloadXlsx(caption, columns, sorted).catch(setExportError);
            }}
          >
            Export XLSX
          </button>
        </span>
        <ErrorNotice error={exportError} />
      </div>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={active ? (sort?.descending ? "descending" : "ascending") : "none"}
                  className={c.numeric ? "num" : undefined}
                >
                  <button
                    type="button"
                    className="sort"
                    onClick={() =>
                      setSort({ key: c.key, descending: active ? !sort?.descending : false })
                    }
                  >
                    {c.label}
                    <span aria-hidden="true">{active ? (sort?.descending ? " ▼" : " ▲") : ""}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : (
            shown.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} className={c.numeric ? "num" : undefined}>
                    {c.render ? c.render(row) : c.value(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {shortened && (
        <button
          type="button"
          className="link"
          aria-expanded={showAll}
          onClick={() => setShowAll(!showAll)}
        >
          {showAll ? `Show the first ${firstRows}` : `Show all ${sorted.length}`}
        </button>
      )}
    </div>
  );
}
