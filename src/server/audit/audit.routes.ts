import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { showPupilAccessLog } from "../../app/audit/pupil-access-log.ts";
import { changeRetention, showRetention } from "../../app/audit/retention.ts";
import { subjectAccessExport } from "../../app/audit/subject-access.ts";
import { asDownload } from "../download.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  accessLogResponse,
  pupilParams,
  retentionBody,
  retentionChanged,
  retentionParams,
  retentionResponse,
  subjectAccessResponse,
} from "./audit.schema.ts";

export async function auditRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/:schoolId/pupils/:pupilId/subject-access",
    {
      schema: {
        tags: ["data protection"],
        summary: "Everything held on a pupil, for a subject access request (logged as an export)",
        params: pupilParams,
        response: { 200: subjectAccessResponse },
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
        response: { 200: accessLogResponse },
      },
    },
    async (request) =>
      showPupilAccessLog(await request.useCaseContext(request.params.schoolId), {
        pupilId: request.params.pupilId,
      }),
  );

  app.get(
    "/:schoolId/retention",
    {
      schema: {
        tags: ["data protection"],
        summary: "How long the school keeps each kind of record (none set: kept for ever)",
        params: schoolParams,
        response: { 200: retentionResponse },
      },
    },
    async (request) => showRetention(await request.useCaseContext(request.params.schoolId)),
  );

  app.put(
    "/:schoolId/retention/:kind",
    {
      schema: {
        tags: ["data protection"],
        summary:
          "Keep one kind of record this many years (registers: at least 6); answers what the next purge would remove",
        params: retentionParams,
        body: retentionBody,
        response: { 200: retentionChanged },
      },
    },
    async (request) =>
      changeRetention(await request.useCaseContext(request.params.schoolId), {
        kind: request.params.kind,
        keepYears: request.body.keepYears,
      }),
  );
}
