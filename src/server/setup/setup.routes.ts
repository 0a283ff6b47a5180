import { z } from "zod";
import { createAccount } from "../../app/accounts/manage-users.ts";
import { MIN_PASSWORD_LENGTH } from "../../app/accounts/passwords.ts";
import {
  importContactFile,
  importMarkFile,
  importPupilFile,
} from "../../app/import/import-files.ts";
import { previewPupilImport } from "../../app/import/import-pupils.ts";
import { addRegistrationGroup, listStaff } from "../../app/schools/staff.ts";
import { failures } from "../error.schema.ts";
import { csvEncodingOf, IMPORT_BODY_LIMIT } from "../limits.ts";
import { id, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  fileImported,
  groupAdded,
  groupBody,
  pupilImportQuery,
  pupilImportResult,
  pupilImportSummary,
  SCHOOL_ROLES,
  staffAdded,
  staffList,
} from "./imports.schema.ts";

export async function setupRoutes(app: RouteApp, options: { publicUrl: string }): Promise<void> {
  const { db } = app.database;

  app.post(
    "/:schoolId/groups",
    {
      schema: {
        tags: ["setup"],
        summary: "Create a registration group (and its year group when new)",
        params: schoolParams,
        body: groupBody,
        response: { 201: groupAdded, ...failures(400, 403) },
      },
    },
    async (request, reply) => {
      const added = await addRegistrationGroup(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return added;
    },
  );

  app.get(
    "/:schoolId/staff",
    {
      schema: {
        tags: ["setup"],
        summary: "Staff accounts of the school",
        params: schoolParams,
        response: { 200: staffList, ...failures(403) },
      },
    },
    async (request) => ({
      staff: await listStaff(await request.useCaseContext(request.params.schoolId)),
    }),
  );

  app.post(
    "/:schoolId/staff",
    {
      schema: {
        tags: ["setup"],
        summary: "Create a staff account with a role and, for teachers, their registration groups",
        params: schoolParams,
        body: z.object({
          email: z.email().transform((e) => e.toLowerCase()),
          name: z.string().trim().min(1).max(200),
          password: z
            .string()
            .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
            .max(1024),
          role: z.enum(SCHOOL_ROLES),
          registrationGroupIds: z.array(id).max(50).default([]),
        }),
        response: { 201: staffAdded, ...failures(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("staff.manage");
      const b = request.body;
      // The same account rules as the users screen: breached passwords refused, groups checked.
      const { user } = await createAccount(
        db,
        request.requireActor(),
        {
          email: b.email,
          name: b.name,
          password: b.password,
          grants: [{ role: b.role, schoolId: access.schoolId }],
          groups: b.registrationGroupIds.map((g) => ({
            schoolId: access.schoolId,
            registrationGroupId: g,
          })),
          children: [],
        },
        { publicUrl: options.publicUrl },
        app.clock(),
      );
      const userId = user.id;
      reply.status(201);
      return { id: userId, email: b.email, role: b.role };
    },
  );

  app.post(
    "/:schoolId/imports/pupils/preview",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: ["text/csv"] },
      schema: {
        tags: ["setup"],
        summary:
          "What importing a pupils CSV would do (added, changed field by field, unchanged, left), writing nothing",
        params: schoolParams,
        querystring: pupilImportQuery.omit({ confirm: true }),
        body: z
          .string()
          .min(1, "send the CSV file as the request body with Content-Type: text/csv"),
        response: { 200: pupilImportSummary },
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("pupils.manage");
      return previewPupilImport(db, access.schoolId, request.body, {
        preset: request.query.preset,
        encoding: csvEncodingOf(request),
      });
    },
  );

  app.post(
    "/:schoolId/imports/pupils",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: ["text/csv"] },
      schema: {
        tags: ["setup"],
        summary:
          "Import pupils from CSV (Rollbook's columns or a SIMS, Arbor or Bromcom export; docs/imports.md); with confirm, only if the import is still the summary shown",
        params: schoolParams,
        querystring: pupilImportQuery,
        body: z
          .string()
          .min(1, "send the CSV file as the request body with Content-Type: text/csv"),
        response: { 200: pupilImportResult },
      },
    },
    async (request) => {
      return importPupilFile(await request.useCaseContext(request.params.schoolId), {
        file: request.body,
        preset: request.query.preset,
        confirm: request.query.confirm,
        encoding: csvEncodingOf(request),
      });
    },
  );

  app.post(
    "/:schoolId/imports/:kind",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: ["text/csv"] },
      schema: {
        tags: ["setup"],
        summary:
          "Import contacts or marks from CSV (Content-Type: text/csv; formats in docs/formats.md)",
        params: schoolParams.extend({ kind: z.enum(["contacts", "marks"]) }),
        querystring: z.object({ amendReason: z.string().trim().min(1).max(500).optional() }),
        body: z
          .string()
          .min(1, "send the CSV file as the request body with Content-Type: text/csv"),
        response: { 200: fileImported, ...failures(400, 403, 413, 415) },
      },
    },
    async (request) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      if (request.params.kind === "contacts") return importContactFile(ctx, { csv: request.body });
      return importMarkFile(ctx, {
        csv: request.body,
        amendReason: request.query.amendReason ?? null,
      });
    },
  );
}
