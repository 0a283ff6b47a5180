import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { momentOf } from "../../app/registers/register.ts";
import { classCertificate, pupilCertificate } from "../../app/reward-certificates.ts";
import { schoolRewards } from "../../app/rewards.ts";
import { asDownload, PDF_FILE } from "../download.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  classCertificateParams,
  classCertificateQuery,
  pupilCertificateParams,
  pupilCertificateQuery,
  rewardsQuery,
  rewardsResponse,
} from "./rewards.schema.ts";

/** Rewards and certificates: read from the registers, so staff who see statistics see them. */
export async function rewardRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  const today = () => momentOf(app.clock()).date;

  app.get(
    "/:schoolId/rewards",
    {
      schema: {
        tags: ["rewards"],
        summary:
          "The week's rewards: best class (ties shared), classes at or above the policy target this week and term, 100% this term and year, most improved",
        params: schoolParams,
        querystring: rewardsQuery,
        response: { 200: rewardsResponse },
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const { minimumSessions, places } = request.query;
      return schoolRewards(db, access.schoolId, {
        week: request.query.week ?? today(),
        today: today(),
        improvement: { minimumSessions, places },
      });
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/certificate.pdf",
    {
      schema: {
        tags: ["rewards"],
        summary:
          "A pupil's certificate (100% attendance this term or year, or most improved); 409 when not earned",
        params: pupilCertificateParams,
        querystring: pupilCertificateQuery,
        response: { 200: PDF_FILE },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      const certificate = await pupilCertificate(db, access.schoolId, pupil.id, {
        kind: request.query.kind,
        period: request.query.period,
        week: request.query.week ?? today(),
        today: today(),
      });
      return asDownload(reply, "application/pdf", certificate.fileName).send(certificate.pdf);
    },
  );

  app.get(
    "/:schoolId/groups/:groupId/certificate.pdf",
    {
      schema: {
        tags: ["rewards"],
        summary:
          "A class's certificate (best class of the week, or at or above the target this week or term); 409 when not earned",
        params: classCertificateParams,
        querystring: classCertificateQuery,
        response: { 200: PDF_FILE },
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const certificate = await classCertificate(db, access.schoolId, request.params.groupId, {
        kind: request.query.kind,
        period: request.query.period,
        week: request.query.week ?? today(),
        today: today(),
      });
      return asDownload(reply, "application/pdf", certificate.fileName).send(certificate.pdf);
    },
  );
}
