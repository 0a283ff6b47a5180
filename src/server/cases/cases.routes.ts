import { z } from "zod";
import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { caseToWork } from "../../app/cases/case-access.ts";
import { caseDetail } from "../../app/cases/case-detail.ts";
import { startStage } from "../../app/cases/case-stages.ts";
import { evidencePack } from "../../app/cases/chronology.ts";
import { contactLogOf, logContact } from "../../app/cases/contact-log.ts";
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
import { displayName, momentOf } from "../../app/registers/register.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import { RollbookError } from "../../domain/errors.ts";
import { asDownload } from "../download.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { contractRoutes } from "./contracts.routes.ts";
import { meetingRoutes } from "./meetings.routes.ts";
import { referralRoutes } from "./referrals.routes.ts";
import { stageRoutes } from "./stages.routes.ts";

const caseParams = schoolParams.extend({ caseId: id });

export async function caseRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const today = () => momentOf(app.clock()).date;
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
        querystring: z.object({
          status: z.enum(["open", "closed", "all"]).default("open"),
          pupilId: id.optional(),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("pupils.view_all");
      const rows = await db
        .selectFrom("attendance_cases as c")
        .innerJoin("pupils as p", (j) =>
          j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
        )
        .leftJoin("users as u", "u.id", "c.owner_user_id")
        .select([
          "c.id",
          "c.pupil_id",
          "c.stage_id",
          "c.stage_started_on",
          "c.opened_on",
          "c.next_review_on",
          "c.closed_on",
          "c.outcome",
          "c.status",
          "u.name as owner",
          "p.upn",
          "p.legal_forename",
          "p.legal_surname",
          "p.preferred_forename",
          "p.preferred_surname",
        ])
        .where("c.school_id", "=", access.schoolId)
        .$if(request.query.status !== "all", (q) =>
          q.where("c.status", "=", request.query.status as "open" | "closed"),
        )
        .$if(request.query.pupilId !== undefined, (q) =>
          q.where("c.pupil_id", "=", request.query.pupilId as number),
        )
        .orderBy("c.opened_on", "desc")
        .execute();
      return {
        cases: rows.map(
          ({ legal_forename, legal_surname, preferred_forename, preferred_surname, ...r }) => ({
            ...r,
            pupil: displayName({
              legal_forename,
              legal_surname,
              preferred_forename,
              preferred_surname,
            }),
          }),
        ),
      };
    },
  );

  app.post(
    "/:schoolId/cases",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Open a case by hand (or reopen one for a pupil whose case closed) at a stage of the policy",
        params: schoolParams,
        body: z.object({
          pupilId: id,
          stageId: z.string().min(1),
          ownerUserId: id.nullable().default(null),
        }),
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("cases.manage");
      await visiblePupil(db, access, request.body.pupilId);
      const stored = await currentPolicy(db, access.schoolId);
      if (!stored) throw new RollbookError("not_found", "This school has no attendance policy");
      const opened = await db.transaction().execute((tx) =>
        startStage(tx, access.schoolId, stored, {
          pupilId: request.body.pupilId,
          stageId: request.body.stageId,
          today: today(),
          by: access.signature(),
          ownerUserId: request.body.ownerUserId,
        }),
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
      },
    },
    async (request) =>
      caseDetail(await request.useCaseContext(request.params.schoolId), request.params.caseId),
  );

  app.post(
    "/:schoolId/cases/:caseId/owner",
    {
      schema: {
        tags: ["cases"],
        summary: "Give the case to a member of staff",
        params: caseParams,
        body: z.object({ userId: id }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const { caseRecord } = await caseToWork(db, access, request.params.caseId);
      const staff = await db
        .selectFrom("role_grants")
        .innerJoin("users", "users.id", "role_grants.user_id")
        .select(["users.id", "users.name"])
        .where("role_grants.school_id", "=", access.schoolId)
        .where("users.id", "=", request.body.userId)
        .where("role_grants.role", "!=", "parent")
        .executeTakeFirst();
      if (!staff)
        throw new RollbookError(
          "invalid_input",
          `User ${request.body.userId} is not on this school's staff`,
        );
      await db
        .updateTable("attendance_cases")
        .set({ owner_user_id: staff.id })
        .where("school_id", "=", access.schoolId)
        .where("id", "=", caseRecord.id)
        .execute();
      return { caseId: caseRecord.id, owner: staff.name };
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/notice-to-improve",
    {
      schema: {
        tags: ["cases"],
        summary: "Issue a notice to improve (after support has been offered)",
        params: caseParams,
      },
    },
    async (request) => {
      return issueNoticeToImprove(
        await request.useCaseContext(request.params.schoolId),
        request.params.caseId,
      );
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/penalty-notice-referral",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Refer parents to the local authority for a penalty notice (preconditions checked and explained)",
        params: caseParams,
        body: z.object({ contactIds: z.array(id).min(1).max(4) }),
      },
    },
    async (request) => {
      return referForPenaltyNotice(await request.useCaseContext(request.params.schoolId), {
        caseId: request.params.caseId,
        contactIds: request.body.contactIds,
      });
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/penalty-notices",
    {
      schema: {
        tags: ["cases"],
        summary: "Record a penalty notice the local authority issued (or withdrew)",
        params: caseParams,
        body: z.object({
          contactId: id,
          issuedOn: isoDate,
          withdrawn: z.boolean().default(false),
          /** Paid, not paid, or not known (some codes of conduct count only paid notices). */
          paid: z.boolean().nullable().optional(),
        }),
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
    { schema: { tags: ["cases"], summary: "Refer for legal intervention", params: caseParams } },
    async (request) => {
      return {
        interventionId: await referForLegalIntervention(
          await request.useCaseContext(request.params.schoolId),
          request.params.caseId,
        ),
      };
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/social-care-referral",
    {
      schema: {
        tags: ["cases"],
        summary: "Refer to children's social care (below 50% and support has failed)",
        params: caseParams,
        body: z.object({ reason: z.string().trim().min(1).max(2000) }),
      },
    },
    async (request) => {
      return {
        interventionId: await referToSocialCare(
          await request.useCaseContext(request.params.schoolId),
          request.params.caseId,
          request.body.reason,
        ),
      };
    },
  );

  app.post(
    "/:schoolId/cases/:caseId/missing-education-report",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Report a child missing education (10 school days of continuous unauthorised absence)",
        params: caseParams,
      },
    },
    async (request) => {
      return {
        interventionId: await reportMissingEducation(
          await request.useCaseContext(request.params.schoolId),
          request.params.caseId,
        ),
      };
    },
  );

  const pupilParams = schoolParams.extend({ pupilId: id });

  app.get(
    "/:schoolId/pupils/:pupilId/contact-log",
    {
      schema: {
        tags: ["cases"],
        summary: "Every contact and attempted contact with the family",
        params: pupilParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("pupils.safeguarding");
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      return { contacts: await contactLogOf(db, access.schoolId, pupil.id) };
    },
  );

  app.post(
    "/:schoolId/pupils/:pupilId/contact-log",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Log a contact or attempted contact (append-only; to correct one, log a correction that names it)",
        params: pupilParams,
        body: z.object({
          happenedAt: z.iso.datetime({ offset: true }),
          method: z.enum([
            "phone",
            "text",
            "email",
            "letter",
            "home_visit",
            "meeting",
            "in_person",
            "note",
          ]),
          direction: z.enum(["outgoing", "incoming"]).default("outgoing"),
          contactId: id.nullable().default(null),
          withWhom: z.string().trim().min(1).max(200),
          outcome: z.string().trim().min(1).max(200),
          notes: z.string().max(5000).nullable().default(null),
          corrects: id.nullable().default(null),
        }),
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
        querystring: z.object({ format: z.enum(["json", "pdf"]).default("json") }),
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const pack = await evidencePack(db, access, request.params.caseId, today());
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
        querystring: z.object({
          range: z.enum(["today", "week"]).default("today"),
          owner: z.union([z.literal("me"), z.literal("all"), id]).default("all"),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const owner =
        request.query.owner === "all"
          ? undefined
          : request.query.owner === "me"
            ? access.actor.userId
            : Number(request.query.owner);
      return {
        items: await worklist(db, access, {
          today: today(),
          range: request.query.range,
          ...(owner !== undefined ? { ownerUserId: owner } : {}),
        }),
      };
    },
  );
}
