import { caseDetail } from "../../app/cases/case-detail.ts";
import { listCases } from "../../app/cases/case-list.ts";
import { giveCase, openCase } from "../../app/cases/case-moves.ts";
import { evidencePack } from "../../app/cases/chronology.ts";
import { logContact, showContactLog } from "../../app/cases/contact-log.ts";
import { showEffortsMade } from "../../app/cases/efforts.ts";
import { evidencePackPdf } from "../../app/cases/evidence-pack-pdf.ts";
import {
  issueNoticeToImprove,
  recordPenaltyNotice,
  referForLegalIntervention,
  referForPenaltyNotice,
  referToSocialCare,
  reportMissingEducation,
} from "../../app/cases/interventions.ts";
import { worklist } from "../../app/cases/worklist.ts";
import { asDownload, PDF_FILE } from "../download.ts";
import { failures } from "../error.schema.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  caseDetail as caseDetailResponse,
  caseGiven,
  caseList,
  caseListQuery,
  caseParams,
  caseRecord,
  contactLog,
  contactLogged,
  effortsMade,
  evidencePackQuery,
  evidencePack as evidencePackResponse,
  giveCaseBody,
  interventionRecorded,
  logContactBody,
  noticeIssued,
  openCaseBody,
  penaltyNoticeBody,
  penaltyReferral,
  penaltyReferralBody,
  pupilParams,
  socialCareBody,
  worklistQuery,
  worklistResponse,
} from "./cases.schema.ts";
import { contractRoutes } from "./contracts.routes.ts";
import { meetingRoutes } from "./meetings.routes.ts";
import { referralRoutes } from "./referrals.routes.ts";
import { stageRoutes } from "./stages.routes.ts";

/** What a step on a case can be refused for: the request, the caller, the case, its state. */
const caseStepFailures = failures(400, 403, 404, 409);

export async function caseRoutes(app: RouteApp): Promise<void> {
  await meetingRoutes(app);
  await contractRoutes(app);
  await stageRoutes(app);
  await referralRoutes(app);

  app.get(
    "/:schoolId/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "Attendance cases",
        params: schoolParams,
        querystring: caseListQuery,
        response: { 200: caseList, ...failures(400, 403) },
      },
    },
    async (request) => ({
      cases: await listCases(await request.useCaseContext(request.params.schoolId), request.query),
    }),
  );

  app.post(
    "/:schoolId/cases",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Open a case by hand (or reopen one for a pupil whose case closed) at a stage of the policy",
        params: schoolParams,
        body: openCaseBody,
        response: { 201: caseRecord, ...failures(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const opened = await openCase(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return opened;
    },
  );

  app.get(
    "/:schoolId/cases/:caseId",
    {
      schema: {
        tags: ["cases"],
        summary: "A case with its chronology of events",
        params: caseParams,
        response: { 200: caseDetailResponse, ...failures(403, 404) },
      },
    },
    async (request) =>
      caseDetail(await request.useCaseContext(request.params.schoolId), request.params.caseId),
  );

  app.get(
    "/:schoolId/cases/:caseId/efforts",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Everything the school has done so far, dated: letters, meetings, calls, visits, support, referrals",
        params: caseParams,
        response: { 200: effortsMade, ...failures(403, 404) },
      },
    },
    async (request) =>
      showEffortsMade(await request.useCaseContext(request.params.schoolId), request.params.caseId),
  );

  app.post(
    "/:schoolId/cases/:caseId/owner",
    {
      schema: {
        tags: ["cases"],
        summary: "Give the case to a member of staff",
        params: caseParams,
        body: giveCaseBody,
        response: { 200: caseGiven, ...caseStepFailures },
      },
    },
    async (request) =>
      giveCase(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        userId: request.body.userId,
      }),
  );

  app.post(
    "/:schoolId/cases/:caseId/notice-to-improve",
    {
      schema: {
        tags: ["cases"],
        summary: "Issue a notice to improve (after support has been offered)",
        params: caseParams,
        response: { 200: noticeIssued, ...caseStepFailures },
      },
    },
    async (request) =>
      issueNoticeToImprove(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      ),
  );

  app.post(
    "/:schoolId/cases/:caseId/penalty-notice-referral",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Refer parents to the local authority for a penalty notice (preconditions checked and explained)",
        params: caseParams,
        body: penaltyReferralBody,
        response: { 200: penaltyReferral, ...caseStepFailures },
      },
    },
    async (request) =>
      referForPenaltyNotice(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        contactIds: request.body.contactIds,
      }),
  );

  app.post(
    "/:schoolId/cases/:caseId/penalty-notices",
    {
      schema: {
        tags: ["cases"],
        summary: "Record a penalty notice the local authority issued (or withdrew)",
        params: caseParams,
        body: penaltyNoticeBody,
        response: { 201: interventionRecorded, ...caseStepFailures },
      },
    },
    async (request, reply) => {
      const recorded = await recordPenaltyNotice(
        await request.useCaseContext(request.params.schoolId),
        { caseId: request.params.caseId, ...request.body },
      );
      reply.status(201);
      return { interventionId: recorded };
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/legal-referral",
    {
      schema: {
        tags: ["cases"],
        summary: "Refer for legal intervention",
        params: caseParams,
        response: { 200: interventionRecorded, ...caseStepFailures },
      },
    },
    async (request) => ({
      interventionId: await referForLegalIntervention(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      ),
    }),
  );

  app.post(
    "/:schoolId/cases/:caseId/social-care-referral",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Refer to children's social care (below the policy's figure when support has failed; a safeguarding concern at any attendance)",
        params: caseParams,
        body: socialCareBody,
        response: { 200: interventionRecorded, ...caseStepFailures },
      },
    },
    async (request) => ({
      interventionId: await referToSocialCare(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
        request.body.reason,
        request.body.safeguarding,
      ),
    }),
  );

  app.post(
    "/:schoolId/cases/:caseId/missing-education-report",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Report a child missing education (10 school days of continuous unauthorised absence)",
        params: caseParams,
        response: { 200: interventionRecorded, ...caseStepFailures },
      },
    },
    async (request) => ({
      interventionId: await reportMissingEducation(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      ),
    }),
  );

  app.get(
    "/:schoolId/pupils/:pupilId/contact-log",
    {
      schema: {
        tags: ["cases"],
        summary: "Every contact and attempted contact with the family",
        params: pupilParams,
        response: { 200: contactLog, ...failures(403, 404) },
      },
    },
    async (request) => ({
      contacts: await showContactLog(
        await request.useCaseContext(request.params.schoolId),
        request.params.pupilId,
      ),
    }),
  );

  app.post(
    "/:schoolId/pupils/:pupilId/contact-log",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Log a contact or attempted contact (append-only; to correct one, log a correction that names it)",
        params: pupilParams,
        body: logContactBody,
        response: { 201: contactLogged, ...failures(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const logged = await logContact(await request.useCaseContext(request.params.schoolId), {
        ...request.body,
        pupilId: request.params.pupilId,
        happenedAt: new Date(request.body.happenedAt),
      });
      reply.status(201);
      return { id: logged };
    },
  );

  app.get(
    "/:schoolId/cases/:caseId/evidence-pack",
    {
      schema: {
        tags: ["cases"],
        summary: "The case's chronology and evidence pack, as JSON or PDF",
        params: caseParams,
        querystring: evidencePackQuery,
        response: {
          200: {
            description: "The evidence pack: JSON, or with format=pdf the PDF to save or print",
            content: {
              "application/json": { schema: evidencePackResponse },
              ...PDF_FILE.content,
            },
          },
          ...failures(400, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const pack = await evidencePack(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      );
      if (request.query.format === "json") return pack;
      const pdf = await evidencePackPdf(pack);
      return asDownload(reply, "application/pdf", `evidence-pack-case-${pack.case.id}.pdf`).send(
        pdf,
      );
    },
  );

  app.get(
    "/:schoolId/worklist",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Due and overdue work today or this week: decisions, letters, reviews, meetings, follow-ups",
        params: schoolParams,
        querystring: worklistQuery,
        response: { 200: worklistResponse, ...failures(400, 403) },
      },
    },
    async (request) => ({
      items: await worklist(await request.useCaseContext(request.params.schoolId), request.query),
    }),
  );
}
