import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { exportCtf } from "../../app/ctf/export-ctf.ts";
import { importCtfFile } from "../../app/import/import-files.ts";
import { asDownload } from "../download.ts";
import { IMPORT_BODY_LIMIT } from "../limits.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  CTF_FILE,
  ctfExportQuery,
  ctfImportBody,
  ctfImported,
  ctfImportQuery,
  pupilCtfParams,
} from "./ctf.schema.ts";

const XML_TYPES = ["application/xml", "text/xml"];

/**
 * The Common Transfer File's attendance part: export a pupil's attendance history for the school
 * they move to, and import the history a joining pupil brings (docs/formats.md). Both are the
 * office's work (`pupils.manage`): a CTF hands a child's record from one school to another.
 */
export async function ctfRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  // Only this plugin's routes read XML bodies; the rest of the API stays JSON.
  for (const type of XML_TYPES) {
    app.addContentTypeParser(type, { parseAs: "string" }, (_request, text, done) =>
      done(null, text),
    );
  }

  app.get(
    "/:schoolId/pupils/:pupilId/ctf",
    {
      schema: {
        tags: ["ctf"],
        summary:
          "A pupil's attendance as a Common Transfer File (CTF 25 XML): this school's years and any brought from earlier schools",
        params: pupilCtfParams,
        querystring: ctfExportQuery,
        response: { 200: CTF_FILE },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("pupils.manage");
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      const { destLea, destEstab } = request.query;
      const result = await exportCtf(db, access.schoolId, [pupil.id], {
        at: app.clock(),
        destination: destLea && destEstab ? { lea: destLea, estab: destEstab } : null,
      });
      asDownload(reply, "application/xml; charset=utf-8", result.fileName);
      return result.xml;
    },
  );

  app.post(
    "/:schoolId/ctf",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { accepts: XML_TYPES },
      schema: {
        tags: ["ctf"],
        summary:
          "Import the attendance part of a CTF (Content-Type: application/xml): every problem is named by line and element, and any problem refuses the whole file",
        params: schoolParams,
        querystring: ctfImportQuery,
        body: ctfImportBody,
        response: { 200: ctfImported },
      },
    },
    async (request) => {
      return importCtfFile(await request.useCaseContext(request.params.schoolId), {
        xml: request.body,
        admitOn: request.query.admitOn ?? null,
      });
    },
  );
}
