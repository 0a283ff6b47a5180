import { importBenchmarks } from "../../app/benchmarks/import-benchmarks.ts";
import { schoolBenchmarks } from "../../app/benchmarks/school-benchmarks.ts";
import { momentOf } from "../../app/registers/register.ts";
import { RollbookError } from "../../domain/errors.ts";
import { IMPORT_BODY_LIMIT } from "../limits.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  benchmarkFileBody,
  benchmarksImported,
  schoolBenchmarksResponse,
} from "./benchmarks.schema.ts";

/** DfE's published attendance statistics: imported by an administrator, compared by schools. */
export async function benchmarkRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.post(
    "/benchmarks",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: ["text/csv"] },
      schema: {
        tags: ["statistics"],
        summary:
          "Import DfE's attendance statistics (administrators; Content-Type: text/csv; format in docs/formats.md)",
        body: benchmarkFileBody,
        response: { 200: benchmarksImported },
      },
    },
    async (request) => {
      const actor = request.requireActor();
      if (!actor.grants.some((g) => g.role === "admin"))
        throw new RollbookError(
          "forbidden",
          "Only an administrator can import DfE's attendance statistics",
        );
      return importBenchmarks(db, request.body, {
        by: `${actor.name} (administrator)`,
        at: app.clock(),
      });
    },
  );

  app.get(
    "/schools/:schoolId/benchmarks",
    {
      schema: {
        tags: ["statistics"],
        summary:
          "The school's year to date against DfE's latest figures for England, its region and its local authority",
        params: schoolParams,
        response: { 200: schoolBenchmarksResponse },
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      return schoolBenchmarks(db, access.schoolId, momentOf(app.clock()).date);
    },
  );
}
