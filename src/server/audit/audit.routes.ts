import { z } from "zod";
import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { accessToPupil } from "../../app/audit/access-log.ts";
import {
  purgeExpired,
  RETENTION_KINDS,
  retentionRules,
  setRetention,
} from "../../app/audit/retention.ts";
import { subjectAccessExport } from "../../app/audit/subject-access.ts";
import { momentOf } from "../../app/registers/register.ts";
import type { RetentionKind } from "../../db/schema.ts";
import { asDownload } from "../download.ts";
import { id, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";

const pupilParams = schoolParams.extend({ pupilId: id });

export async function auditRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/:schoolId/pupils/:pupilId/subject-access",
    {
      schema: {
        tags: ["data protection"],
        summary: "Everything held on a pupil, for a subject access request (logged as an export)",
        params: pupilParams,
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("pupils.subject_access");
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      asDownload(reply, "application/json; charset=utf-8", `subject-access-${pupil.upn}.json`);
      return subjectAccessExport(db, access, pupil.id, app.clock());
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/access-log",
    {
      schema: {
        tags: ["data protection"],
        summary: "Who has viewed or changed a pupil's record",
        params: pupilParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("audit.view");
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      return { entries: await accessToPupil(db, access.schoolId, pupil.id) };
    },
  );

  app.get(
    "/:schoolId/retention",
    {
      schema: {
        tags: ["data protection"],
        summary: "How long the school keeps each kind of record (none set: kept for ever)",
        params: schoolParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("audit.view");
      return { kinds: RETENTION_KINDS, rules: await retentionRules(db, access.schoolId) };
    },
  );

  app.put(
    "/:schoolId/retention/:kind",
    {
      schema: {
        tags: ["data protection"],
        summary: "Keep one kind of record this many years (registers: at least 6)",
        params: schoolParams.extend({
          kind: z.enum(RETENTION_KINDS as [RetentionKind, ...RetentionKind[]]),
        }),
        body: z.object({ keepYears: z.number().int().min(1).max(100) }),
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      await setRetention(ctx, { kind: request.params.kind, keepYears: request.body.keepYears });
      const { access } = ctx;
      return {
        rules: await retentionRules(db, access.schoolId),
        // What the next purge would remove, counted without removing it.
        wouldPurge: await purgeExpired(db, access.schoolId, momentOf(app.clock()).date, {
          dryRun: true,
        }),
      };
    },
  );
}
