import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import {
  acceptAbsenceReport,
  fileAbsenceReport,
  listAbsenceReports,
  receiveReply,
  rejectAbsenceReport,
} from "../../app/follow-up/absence-reports.ts";
import { showCallList } from "../../app/follow-up/call-list.ts";
import { recordCallOutcome } from "../../app/follow-up/call-outcome.ts";
import { changeSenderSettings } from "../../app/messages/settings.ts";
import { momentOf } from "../../app/registers/register.ts";
import { RollbookError } from "../../domain/errors.ts";
import { failures } from "../error.schema.ts";
import { MB } from "../limits.ts";
import { id, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  absenceReportBody,
  absenceReportFiled,
  absenceReportList,
  absenceReportsQuery,
  acceptReportBody,
  callListQuery,
  callListResponse,
  callOutcomeBody,
  callOutcomeParams,
  callOutcomeResponse,
  inboundBody,
  inboundHeaders,
  inboundParams,
  inboundReceived,
  pupilReportParams,
  rejectReportBody,
  reportAccepted,
  reportParams,
  reportRejected,
  settingsChanged,
} from "./follow-up.schema.ts";

export async function followUpRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const moment = () => momentOf(app.clock());

  app.get(
    "/schools/:schoolId/office/call-list",
    {
      schema: {
        tags: ["follow-up"],
        summary:
          "Pupils absent with no reason, their contacts, today's attempts and the escalation steps due",
        params: schoolParams,
        querystring: callListQuery,
        response: { 200: callListResponse },
      },
    },
    async (request) =>
      showCallList(await request.useCaseContext(request.params.schoolId), request.query),
  );

  app.post(
    "/schools/:schoolId/office/call-list/:pupilId/outcome",
    {
      schema: {
        tags: ["follow-up"],
        summary:
          "One click: log a call, text or visit and its outcome; with a code, record the reason for today's N marks",
        params: callOutcomeParams,
        body: callOutcomeBody,
        response: { 201: callOutcomeResponse },
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      const recorded = await recordCallOutcome(ctx, {
        pupilId: request.params.pupilId,
        ...request.body,
      });
      reply.status(201);
      return recorded;
    },
  );

  app.get(
    "/schools/:schoolId/absence-reports",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Reasons parents have sent, waiting for the office",
        params: schoolParams,
        querystring: absenceReportsQuery,
        response: { 200: absenceReportList },
      },
    },
    async (request) => ({
      reports: await listAbsenceReports(
        await request.useCaseContext(request.params.schoolId),
        request.query,
      ),
    }),
  );

  app.post(
    "/schools/:schoolId/pupils/:pupilId/absence-reports",
    {
      schema: {
        tags: ["follow-up"],
        summary:
          "Report an absence (today or a future appointment): parents for their own children, or the office",
        params: pupilReportParams,
        body: absenceReportBody,
        response: { 201: absenceReportFiled },
      },
    },
    async (request, reply) => {
      const created = await fileAbsenceReport(
        await request.useCaseContext(request.params.schoolId),
        { pupilId: request.params.pupilId, ...request.body },
      );
      reply.status(201);
      return { id: created };
    },
  );

  app.post(
    "/schools/:schoolId/absence-reports/:reportId/accept",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Accept a parent's reason with a code: marks are amended, future sessions planned",
        params: reportParams,
        body: acceptReportBody,
        response: { 200: reportAccepted },
      },
    },
    async (request) =>
      acceptAbsenceReport(await request.useCaseContext(request.params.schoolId), {
        reportId: request.params.reportId,
        code: request.body.code,
      }),
  );
  app.post(
    "/schools/:schoolId/absence-reports/:reportId/reject",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Reject a parent's reason, saying why",
        params: reportParams,
        body: rejectReportBody,
        response: { 200: reportRejected },
      },
    },
    async (request) => {
      await rejectAbsenceReport(await request.useCaseContext(request.params.schoolId), {
        reportId: request.params.reportId,
        reason: request.body.reason,
      });
      return { rejected: request.params.reportId };
    },
  );

  app.patch(
    "/schools/:schoolId/messaging",
    {
      // The letterhead logo travels as base64 inside the JSON: up to 2 MB of it.
      bodyLimit: 3 * MB,
      schema: {
        tags: ["follow-up"],
        summary:
          "The school's sender settings: email from and reply-to, SMS sender and provider, the token for inbound replies",
        params: schoolParams,
        body: z
          .object({
            emailFrom: z.string().max(200).nullable().optional(),
            emailReplyTo: z.email().nullable().optional(),
            /** The local authority's inbox for deletion returns (children missing education). */
            laNotificationsEmail: z.email().nullable().optional(),
            smsSender: z.string().max(11).nullable().optional(),
            smsProvider: z.enum(["log", "webhook"]).optional(),
            smsWebhookUrl: z.url().nullable().optional(),
            inboundToken: z.string().min(24).max(200).nullable().optional(),
            signatory: z.string().min(1).max(200).optional(),
            logoPngBase64: z.string().max(2_000_000).nullable().optional(),
          })
          // An empty change would reach the database as UPDATE ... SET with nothing to set.
          .refine((b) => Object.values(b).some((v) => v !== undefined), {
            message: "give at least one setting to change",
          }),
        response: { 200: settingsChanged, ...failures(400, 403, 413) },
      },
    },
    async (request) =>
      changeSenderSettings(
        await request.useCaseContext(request.params.schoolId),
        request.body,
        app.smsWebhookAllow,
      ),
  );

  /**
   * The provider's token is checked before a byte of the body is read (preParsing, after the rate
   * limit's onRequest): an anonymous caller cannot make the server parse anything, and every
   * caller is held to a rate per address.
   */
  const inboundSchool = async (request: FastifyRequest) => {
    const schoolId = id.safeParse((request.params as { schoolId?: string }).schoolId);
    const school = schoolId.success
      ? await db
          .selectFrom("schools")
          .select(["id", "inbound_token"])
          .where("id", "=", schoolId.data)
          .executeTakeFirst()
      : undefined;
    const header = request.headers["x-rollbook-token"];
    const sent = Buffer.from(typeof header === "string" ? header : "");
    const expected = Buffer.from(school?.inbound_token ?? "");
    if (
      !school?.inbound_token ||
      sent.length !== expected.length ||
      !timingSafeEqual(sent, expected)
    ) {
      throw new RollbookError("unauthenticated", "Unknown inbound token");
    }
  };

  app.post(
    "/inbound/:schoolId/:channel",
    {
      config: { public: true, rateLimit: { max: 120, timeWindow: "1 minute" } },
      bodyLimit: 32 * 1024,
      preParsing: inboundSchool,
      schema: {
        tags: ["follow-up"],
        summary:
          "A parent's email or text reply, from the school's email or SMS provider (authenticated by the school's inbound token)",
        params: inboundParams,
        headers: inboundHeaders,
        body: inboundBody,
        response: { 202: inboundReceived },
      },
    },
    async (request, reply) => {
      const ids = await receiveReply(
        db,
        request.params.schoolId,
        { from: request.body.from, text: request.body.text, channel: request.params.channel },
        moment().date,
        app.clock(),
      );
      reply.status(202);
      return { reports: ids };
    },
  );
}
