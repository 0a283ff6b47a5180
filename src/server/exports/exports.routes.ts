import { z } from "zod";
import { fileResponse } from "../download.ts";
import type { RouteApp } from "../route-app.ts";
import { sendTable, XLSX_TYPE } from "./send-table.ts";

/** At most what a screen shows: a school's pupils several times over, never a whole database. */
const MAX_ROWS = 20_000;
const MAX_COLUMNS = 100;

const cell = z.union([z.string().max(5_000), z.number().finite(), z.boolean(), z.null()]);

const tableBody = z
  .object({
    title: z.string().trim().min(1).max(120),
    columns: z
      .array(
        z.object({ label: z.string().trim().min(1).max(200), numeric: z.boolean().optional() }),
      )
      .min(1)
      .max(MAX_COLUMNS),
    rows: z.array(z.array(cell).max(MAX_COLUMNS)).max(MAX_ROWS),
  })
  .refine((t) => t.rows.every((r) => r.length === t.columns.length), {
    message: "every row must have one cell per column",
    path: ["rows"],
  });

/**
 * Any table of the web app as an XLSX workbook. The browser sends the rows it is showing (it
 * already holds them), so this reads no data and needs only a signed-in user; the workbook is
 * built here so the app does not carry a spreadsheet library.
 */
export async function exportRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/exports/xlsx",
    {
      bodyLimit: 5 * 1024 * 1024,
      config: { rateLimit: { max: 60, timeWindow: "1 minute" } },
      schema: {
        tags: ["exports"],
        summary:
          "A table the app is showing ({title, columns, rows}) as an XLSX workbook: at most 20,000 rows of 100 columns",
        body: tableBody,
        response: { 200: fileResponse(XLSX_TYPE, "The XLSX workbook") },
      },
    },
    async (request, reply) => {
      request.requireActor();
      return sendTable(reply, request.body, "xlsx");
    },
  );
}
