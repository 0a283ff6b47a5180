import { contractDocument } from "../../app/cases/contract-document.ts";
import { agreeContract, endContract, reviewContract } from "../../app/cases/contracts.ts";
import { DOCX_TYPE } from "../../app/letters/sent-letters.ts";
import { asDownload, fileResponse } from "../download.ts";
import { failures } from "../error.schema.ts";
import type { RouteApp } from "../route-app.ts";
import {
  agreeContractBody,
  agreedContract,
  contractParams,
  contractReview,
  documentQuery,
  endContractBody,
  endedContract,
  reviewContractBody,
} from "./contracts.schema.ts";
import { caseParams } from "./meetings.schema.ts";

/** Attendance contracts and plans: agreed at a meeting with the parents, reviewed, ended. */
export async function contractRoutes(app: RouteApp): Promise<void> {
  app.post(
    "/:schoolId/cases/:caseId/contracts",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Record an attendance contract or plan agreed at a meeting held with the parents (targets, barriers, support, commitments, review date)",
        params: caseParams,
        body: agreeContractBody,
        response: { 201: agreedContract },
      },
    },
    async (request, reply) => {
      const { meetingId, ...body } = request.body;
      const agreed = await agreeContract(await request.useCaseContext(request.params.schoolId), {
        ...body,
        meetingId,
        caseId: request.params.caseId,
      });
      reply.status(201);
      return agreed;
    },
  );

  app.get(
    "/:schoolId/contracts/:contractId/document",
    {
      schema: {
        tags: ["cases"],
        summary: "The contract or plan as a document to print or send: PDF or Word",
        params: contractParams,
        querystring: documentQuery,
        response: {
          200: fileResponse(
            ["application/pdf", DOCX_TYPE],
            "The contract: a PDF, or with format=docx a Word document",
          ),
          ...failures(400, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { file, fileName } = await contractDocument(
        await request.useCaseContext(request.params.schoolId),
        request.params.contractId,
        request.query.format,
      );
      return asDownload(
        reply,
        request.query.format === "pdf" ? "application/pdf" : DOCX_TYPE,
        fileName,
      ).send(file);
    },
  );

  app.post(
    "/:schoolId/contracts/:contractId/reviews",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Review a contract: attendance since it was agreed against the attendance then; optionally move the case on",
        params: contractParams,
        body: reviewContractBody,
        response: { 200: contractReview },
      },
    },
    async (request) =>
      reviewContract(await request.useCaseContext(request.params.schoolId), {
        contractId: request.params.contractId,
        ...request.body,
      }),
  );

  app.post(
    "/:schoolId/contracts/:contractId/end",
    {
      schema: {
        tags: ["cases"],
        summary: "Warn that the contract may end (parents not engaging), or end it",
        params: contractParams,
        body: endContractBody,
        response: { 200: endedContract },
      },
    },
    async (request) => {
      await endContract(await request.useCaseContext(request.params.schoolId), {
        contractId: request.params.contractId,
        ...request.body,
      });
      return { contractId: request.params.contractId, status: request.body.step };
    },
  );
}
