import type { FastifyReply } from "fastify";
import { z } from "zod";
import { type ExportTable, fileNameOf, tableCsv, tableXlsx } from "../../app/exports/table.ts";
import { asDownload } from "../download.ts";

/** How a report leaves: JSON for the app, CSV or XLSX for a spreadsheet. */
export const formatQuery = z.enum(["json", "csv", "xlsx"]).default("json");

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Sends a table as a CSV or XLSX download named after its title. */
export async function sendTable(
  reply: FastifyReply,
  table: ExportTable,
  format: "csv" | "xlsx",
): Promise<FastifyReply> {
  const body = format === "csv" ? tableCsv(table) : await tableXlsx(table);
  return asDownload(
    reply,
    format === "csv" ? "text/csv; charset=utf-8" : XLSX_TYPE,
    fileNameOf(table.title, format),
  )
    .header("cache-control", "no-store")
    .send(body);
}

const file = z.string().meta({ format: "binary" });
/** A report's answer: the JSON below, or the same table as a CSV or XLSX file (`format`). */
export function tableResponse<T extends z.ZodType>(json: T, description: string) {
  return {
    description,
    content: {
      "application/json": { schema: json },
      "text/csv": { schema: file },
      [XLSX_TYPE]: { schema: file },
    },
  };
}
