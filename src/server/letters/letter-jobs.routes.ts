import { chosenBandLetters } from "../../app/letters/band-letters.ts";
import { emailLetterBatch } from "../../app/letters/email-batch.ts";
import { letterJob, startLetterJob } from "../../app/letters/letter-jobs.ts";
import {
  letterheadLogo,
  saveLetterheadLogo,
  saveWordTemplate,
  wordTemplateFile,
} from "../../app/letters/letterhead.ts";
import { DOCX_TYPE } from "../../app/letters/sent-letters.ts";
import { RollbookError } from "../../domain/errors.ts";
import { asDownload, fileResponse, IMAGE_FILE, sendFile } from "../download.ts";
import { MB } from "../limits.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  batchParams,
  emailedBatch,
  letterJobBody,
  letterJobParams,
  letterJob as letterJobSchema,
  logoBody,
  logoSaved,
  wordTemplateBody,
  wordTemplateParams,
  wordTemplateSaved,
} from "./letters.schema.ts";

/** Letter batches as background jobs, emailing a batch, and the letterhead's logo and Word templates. */
export async function letterJobRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/letter-jobs",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Start writing a batch of letters in the background (by band, or one letter to many pupils); watch it at GET /letter-jobs/{jobId}",
        params: schoolParams,
        body: letterJobBody,
        response: { 202: letterJobSchema },
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const body = request.body;
      const job =
        body.kind === "by_band"
          ? await startLetterJob(ctx, {
              kind: "by_band",
              letters: await chosenBandLetters(ctx, body.letters),
            })
          : await startLetterJob(ctx, body);
      reply.status(202);
      return job;
    },
  );

  app.get(
    "/:schoolId/letter-jobs/:jobId",
    {
      schema: {
        tags: ["letters"],
        summary: "A batch being written: how many of how many, and once done its batches",
        params: letterJobParams,
        response: { 200: letterJobSchema },
      },
    },
    async (request) =>
      letterJob(await request.useCaseContext(request.params.schoolId), request.params.jobId),
  );

  app.post(
    "/:schoolId/letter-batches/:batchId/email",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Email every letter of a batch whose addressee has an email address (PDF and enclosures attached); lists the letters to post",
        params: batchParams,
        response: { 200: emailedBatch },
      },
    },
    async (request) =>
      emailLetterBatch(
        await request.useCaseContext(request.params.schoolId),
        request.params.batchId,
      ),
  );

  app.put(
    "/:schoolId/letterhead/logo",
    {
      bodyLimit: 2 * MB,
      schema: {
        tags: ["letters"],
        summary: "The letterhead logo (PNG or JPEG, up to 1 MB, base64); null removes it",
        params: schoolParams,
        body: logoBody,
        response: { 200: logoSaved },
      },
    },
    async (request) => {
      const { imageBase64 } = request.body;
      const logo = await saveLetterheadLogo(
        await request.useCaseContext(request.params.schoolId),
        imageBase64 === null ? null : Buffer.from(imageBase64, "base64"),
      );
      return { logo };
    },
  );

  app.get(
    "/:schoolId/letterhead/logo",
    {
      schema: {
        tags: ["letters"],
        summary: "The letterhead logo",
        params: schoolParams,
        response: { 200: IMAGE_FILE },
      },
    },
    async (request, reply) => {
      const logo = await letterheadLogo(await request.useCaseContext(request.params.schoolId));
      if (!logo) throw new RollbookError("not_found", "The school has no letterhead logo yet");
      return sendFile(reply, logo.type, logo.bytes);
    },
  );

  app.put(
    "/:schoolId/letter-templates/:letterId/docx",
    {
      bodyLimit: 11 * MB,
      schema: {
        tags: ["letters"],
        summary:
          "Upload the Word template (base64 .docx) a letter prints from, PDF and Word alike; null stops using one. Unknown merge fields are listed in the error",
        params: wordTemplateParams,
        body: wordTemplateBody,
        response: { 200: wordTemplateSaved },
      },
    },
    async (request) => {
      const { docxBase64 } = request.body;
      const saved = await saveWordTemplate(
        await request.useCaseContext(request.params.schoolId),
        request.params.letterId,
        docxBase64 === null ? null : Buffer.from(docxBase64, "base64"),
      );
      return { letterId: request.params.letterId, version: saved.version };
    },
  );

  app.get(
    "/:schoolId/letter-templates/:letterId/docx",
    {
      schema: {
        tags: ["letters"],
        summary:
          "The Word template a letter prints from: the school's own, or Rollbook's layout to start from",
        params: wordTemplateParams,
        response: { 200: fileResponse(DOCX_TYPE, "The Word template (.docx)") },
      },
    },
    async (request, reply) => {
      const { file, schools } = await wordTemplateFile(
        await request.useCaseContext(request.params.schoolId),
        request.params.letterId,
      );
      const name = `${request.params.letterId}${schools ? "" : "-rollbook-layout"}.docx`;
      return asDownload(reply, DOCX_TYPE, name).send(file);
    },
  );
}
