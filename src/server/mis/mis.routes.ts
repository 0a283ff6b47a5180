import { decideMisConflict, listMisConflicts } from "../../app/mis/conflicts.ts";
import { connectMis } from "../../app/mis/connection.ts";
import { misStatus } from "../../app/mis/status.ts";
import { startMisSync } from "../../app/mis/sync.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  misConflictList,
  misConflictParams,
  misConnectBody,
  misConnected,
  misDecided,
  misDecisionBody,
  misStatusResponse,
  misSyncStarted,
} from "./mis.schema.ts";

/** The school's MIS (docs/mis.md): the connection, syncs with their progress, and conflicts. */
export async function misRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/:schoolId/mis",
    {
      schema: {
        tags: ["mis"],
        summary: "The MIS connection, its recent syncs, the writeback queue and its refusals",
        params: schoolParams,
        response: { 200: misStatusResponse },
      },
    },
    async (request) => misStatus(await request.useCaseContext(request.params.schoolId)),
  );

  app.put(
    "/:schoolId/mis",
    {
      schema: {
        tags: ["mis"],
        summary:
          "Connect the school's MIS through Wonde (the token stays in the server's environment)",
        params: schoolParams,
        body: misConnectBody,
        response: { 200: misConnected },
      },
    },
    async (request) => {
      await connectMis(await request.useCaseContext(request.params.schoolId), request.body);
      return { connected: true as const };
    },
  );

  app.post(
    "/:schoolId/mis/sync",
    {
      schema: {
        tags: ["mis"],
        summary:
          "Sync from the MIS now; answers at once with the run, whose progress GET /mis shows",
        params: schoolParams,
        response: { 202: misSyncStarted },
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const started = await startMisSync(ctx, { trigger: `run now by ${ctx.access.actor.name}` });
      reply.status(202);
      return { runId: started.runId };
    },
  );

  app.get(
    "/:schoolId/mis/conflicts",
    {
      schema: {
        tags: ["mis"],
        summary: "Marks on which the MIS and Rollbook disagree, for the office to decide",
        params: schoolParams,
        response: { 200: misConflictList },
      },
    },
    async (request) => ({
      conflicts: await listMisConflicts(await request.useCaseContext(request.params.schoolId)),
    }),
  );

  app.post(
    "/:schoolId/mis/conflicts/:conflictId/decide",
    {
      schema: {
        tags: ["mis"],
        summary:
          "Keep Rollbook's mark (sent to the MIS) or take the MIS's (an amendment with the reason)",
        params: misConflictParams,
        body: misDecisionBody,
        response: { 200: misDecided },
      },
    },
    async (request) =>
      decideMisConflict(await request.useCaseContext(request.params.schoolId), {
        conflictId: request.params.conflictId,
        ...request.body,
      }),
  );
}
