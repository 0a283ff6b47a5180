import type { FastifyReply } from "fastify";
import { chosenBandLetters, issueLettersByBand } from "../../app/letters/band-letters.ts";
import { issueLetters, issueLettersForProposals } from "../../app/letters/issue-letters.ts";
import {
  changeLetterTemplate,
  listLetterTemplates,
  previewLetter,
} from "../../app/letters/letter-wording.ts";
import {
  DOCX_TYPE,
  type LetterFile,
  letterBatchFile,
  letterFile,
  listLetterBatches,
  pupilLetters,
} from "../../app/letters/sent-letters.ts";
import { asDownload, fileResponse } from "../download.ts";
import { failures } from "../error.schema.ts";
import { MB } from "../limits.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { letterJobRoutes } from "./letter-jobs.routes.ts";
import {
  bandBatches,
  batchFileParams,
  batchList,
  byBandBody,
  fromProposalsBody,
  letterFileParams,
  letterPreview,
  letterTemplateList,
  previewBody,
  proposalBatches,
  pupilLetterList,
  pupilLettersParams,
  templateBody,
  templateParams,
  templateSaved,
  writeLettersBody,
  writtenBatch,
} from "./letters.schema.ts";

const download = (reply: FastifyReply, file: LetterFile) =>
  asDownload(reply, file.type, file.fileName).send(Buffer.from(file.bytes));

/** Writing to families: the wording, a preview, batches of letters, and the letters sent. */
export async function letterRoutes(app: RouteApp): Promise<void> {
  await letterJobRoutes(app);

  app.get(
    "/:schoolId/letter-templates",
    {
      schema: {
        tags: ["letters"],
        summary: "Every letter's wording (the school's own version, or the default)",
        params: schoolParams,
        response: { 200: letterTemplateList, ...failures(403) },
      },
    },
    async (request) => listLetterTemplates(await request.useCaseContext(request.params.schoolId)),
  );

  app.put(
    "/:schoolId/letter-templates/:letterId",
    {
      // A Word template travels as base64 inside the JSON: up to 10 MB of it.
      bodyLimit: 11 * MB,
      schema: {
        tags: ["letters"],
        summary:
          "Save new wording for a letter (a new version); optionally a Word template (base64 DOCX) with the same merge fields",
        params: templateParams,
        body: templateBody,
        response: { 200: templateSaved, ...failures(400, 403, 413) },
      },
    },
    async (request) =>
      changeLetterTemplate(await request.useCaseContext(request.params.schoolId), {
        letterId: request.params.letterId,
        ...request.body,
      }),
  );

  app.post(
    "/:schoolId/letters/preview",
    {
      schema: {
        tags: ["letters"],
        summary:
          "A letter's wording (saved or a draft) merged for one pupil, without sending anything",
        params: schoolParams,
        body: previewBody,
        response: { 200: letterPreview, ...failures(400, 403, 404) },
      },
    },
    async (request) =>
      previewLetter(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.get(
    "/:schoolId/letter-batches",
    {
      schema: {
        tags: ["letters"],
        summary: "Recent batches of letters",
        params: schoolParams,
        response: { 200: batchList, ...failures(403) },
      },
    },
    async (request) => ({
      batches: await listLetterBatches(await request.useCaseContext(request.params.schoolId)),
    }),
  );

  app.post(
    "/:schoolId/letters",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Write a letter to the contacts with parental responsibility of one or more pupils (a batch)",
        params: schoolParams,
        body: writeLettersBody,
        response: { 201: writtenBatch, ...failures(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const issued = await issueLetters(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return issued;
    },
  );

  app.post(
    "/:schoolId/letters/by-band",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Write to every pupil's family the letter of the band their attendance this year is in (the half-termly colour-coded letters); one batch per band",
        params: schoolParams,
        body: byBandBody,
        response: { 201: bandBatches, ...failures(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const written = await issueLettersByBand(
        ctx,
        await chosenBandLetters(ctx, request.body.letters),
      );
      reply.status(201);
      return written;
    },
  );

  app.post(
    "/:schoolId/letters/from-proposals",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Send every letter accepted proposals call for that has not gone yet, one batch per letter",
        params: schoolParams,
        body: fromProposalsBody,
        response: { 201: proposalBatches, ...failures(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const batches = await issueLettersForProposals(
        await request.useCaseContext(request.params.schoolId),
        { letterId: request.body.letterId },
      );
      reply.status(201);
      return { batches };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/letters",
    {
      schema: {
        tags: ["letters"],
        summary: "Letters sent about a pupil",
        params: pupilLettersParams,
        response: { 200: pupilLetterList, ...failures(403, 404) },
      },
    },
    async (request) => ({
      letters: await pupilLetters(
        await request.useCaseContext(request.params.schoolId),
        request.params.pupilId,
      ),
    }),
  );

  app.get(
    "/:schoolId/letters/:letterRecordId/:format",
    {
      schema: {
        tags: ["letters"],
        summary: "One letter sent, as PDF or DOCX",
        params: letterFileParams,
        response: {
          200: fileResponse(["application/pdf", DOCX_TYPE], "The letter, to save or print"),
          ...failures(400, 403, 404),
        },
      },
    },
    async (request, reply) =>
      download(
        reply,
        await letterFile(await request.useCaseContext(request.params.schoolId), request.params),
      ),
  );

  app.get(
    "/:schoolId/letter-batches/:batchId/:format",
    {
      schema: {
        tags: ["letters"],
        summary: "A batch of letters as one PDF or a zip of DOCX",
        params: batchFileParams,
        response: {
          200: fileResponse(
            ["application/pdf", "application/zip"],
            "Every letter of the batch: one PDF, or a zip of Word documents",
          ),
          ...failures(400, 403, 404),
        },
      },
    },
    async (request, reply) =>
      download(
        reply,
        await letterBatchFile(
          await request.useCaseContext(request.params.schoolId),
          request.params,
        ),
      ),
  );
}
