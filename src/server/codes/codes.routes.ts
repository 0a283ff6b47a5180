import { z } from "zod";
import { momentOf } from "../../app/registers/register.ts";
import { codesValidOn } from "../../domain/codes.ts";
import { isoDate } from "../params.ts";
import type { RouteApp } from "../route-app.ts";

const codesQuery = z.object({ date: isoDate.optional() });
const codesInForce = z.object({
  codes: z.array(z.object({ symbol: z.string(), meaning: z.string(), category: z.string() })),
});

/** The DfE attendance codes: what a register may hold on a date. */
export async function codeRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/codes",
    {
      schema: {
        tags: ["registers"],
        summary: "The attendance codes in force on a date, with meanings and categories",
        querystring: codesQuery,
        response: { 200: codesInForce },
      },
    },
    async (request) => ({
      codes: codesValidOn(request.query.date ?? momentOf(app.clock()).date).map((c) => ({
        symbol: c.symbol,
        meaning: c.meaning,
        category: c.category,
      })),
    }),
  );
}
