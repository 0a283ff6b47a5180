import type { ExpressionBuilder } from "kysely";
import { z } from "zod";
import { withinSchoolYears } from "../../app/attendance-statistics.ts";
import { acceptProposal, dismissProposal } from "../../app/policy/decide-proposal.ts";
import { decideProposals } from "../../app/policy/decide-proposals.ts";
import { evaluatePolicy } from "../../app/policy/evaluate-school.ts";
import { parsePolicy, policySchema } from "../../app/policy/policy-schema.ts";
import { adoptPreset, savePolicy } from "../../app/policy/save-policy.ts";
import { simulatePolicy } from "../../app/policy/simulate-policy.ts";
import { displayName } from "../../app/registers/register.ts";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { currentPolicy, policyVersions } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { conditionKinds } from "../../domain/policy/conditions/index.ts";
import { pupilFlag } from "../../domain/policy/fields.ts";
import { PRESETS } from "../../domain/policy/presets/index.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";

export async function policyRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;

  app.get(
    "/policy-presets",
    {
      schema: {
        tags: ["policy"],
        summary:
          "The ready-made policies a school can start from, and the kinds of condition policies are built from (described for the editor)",
      },
    },
    async () => ({
      presets: Object.entries(PRESETS).map(([preset, policy]) => ({
        preset,
        name: policy.name,
        target: policy.target,
        bands: policy.bands,
        stages: policy.stages.map((s) => s.name),
        triggers: policy.triggers.map((t) => t.name),
      })),
      conditionKinds: conditionKinds(),
    }),
  );

  app.get(
    "/policy-presets/:preset",
    {
      schema: {
        tags: ["policy"],
        summary: "One ready-made policy, whole, to start a draft from",
        params: z.object({ preset: z.string().min(1).max(100) }),
      },
    },
    async (request) => {
      const preset = PRESETS[request.params.preset];
      if (!preset)
        throw new RollbookError(
          "not_found",
          `No preset "${request.params.preset}"; presets: ${Object.keys(PRESETS).join(", ")}`,
        );
      return { preset: request.params.preset, policy: preset };
    },
  );

  app.get(
    "/schools/:schoolId/policy",
    {
      schema: {
        tags: ["policy"],
        summary: "The school's attendance policy in force",
        params: schoolParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const stored = await currentPolicy(db, access.schoolId);
      if (!stored)
        throw new RollbookError(
          "not_found",
          "This school has no attendance policy yet: adopt a preset or save one",
        );
      return {
        version: stored.version,
        createdBy: stored.createdBy,
        createdAt: stored.createdAt,
        policy: stored.policy,
      };
    },
  );

  app.get(
    "/schools/:schoolId/policy/versions",
    {
      schema: {
        tags: ["policy"],
        summary: "Every version of the school's policy",
        params: schoolParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      return { versions: await policyVersions(db, access.schoolId) };
    },
  );

  app.put(
    "/schools/:schoolId/policy",
    {
      schema: {
        tags: ["policy"],
        summary: "Save a new version of the school's policy (checked whole)",
        params: schoolParams,
        body: policySchema,
      },
    },
    async (request, reply) => {
      const version = await savePolicy(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return { version };
    },
  );

  app.post(
    "/schools/:schoolId/policy/adopt",
    {
      schema: {
        tags: ["policy"],
        summary: "Adopt a preset as the school's policy (a new version)",
        params: schoolParams,
        body: z.object({ preset: z.string().min(1) }),
      },
    },
    async (request, reply) => {
      const adopted = await adoptPreset(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return adopted;
    },
  );

  app.post(
    "/schools/:schoolId/policy/simulate",
    {
      schema: {
        tags: ["policy"],
        summary:
          "What a policy (the current one, or a draft) would have proposed over a past period; changes nothing",
        params: schoolParams,
        body: z.object({
          policy: policySchema.optional(),
          from: isoDate,
          to: isoDate,
          limit: z.number().int().min(0).max(5000).default(500),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("statistics.view");
      const { from, to } = withinSchoolYears(await loadCalendar(db, access.schoolId), request.body);
      const policy = request.body.policy
        ? parsePolicy(request.body.policy)
        : (await currentPolicy(db, access.schoolId))?.policy;
      if (!policy)
        throw new RollbookError(
          "not_found",
          "No policy to simulate: send a draft or adopt one first",
        );
      const simulation = await simulatePolicy(db, access.schoolId, policy, from, to);
      return {
        ...simulation,
        proposals: simulation.proposals.slice(0, request.body.limit),
        totalProposals: simulation.proposals.length,
      };
    },
  );

  app.post(
    "/schools/:schoolId/policy/evaluate",
    {
      schema: {
        tags: ["policy"],
        summary: "Evaluate the policy over every pupil now (the daily job does this each evening)",
        params: schoolParams,
        body: z.object({ date: isoDate.optional() }).default({}),
      },
    },
    async (request) => {
      return evaluatePolicy(await request.useCaseContext(request.params.schoolId), request.body);
    },
  );

  app.get(
    "/schools/:schoolId/proposed-actions",
    {
      schema: {
        tags: ["policy"],
        summary: "Proposed actions with their explanations",
        params: schoolParams,
        querystring: z.object({
          status: z.enum(["proposed", "accepted", "dismissed"]).default("proposed"),
          pupilId: id.optional(),
          triggerId: z.string().min(1).max(60).optional(),
          /** Pupils whose open case is at this stage; "none" for pupils with no open case. */
          stageId: z.string().min(1).max(60).optional(),
          yearGroupId: z.coerce.number().int().min(1).optional(),
          flag: pupilFlag.optional(),
          /** "pupil": one pupil's proposals together, so overlapping ones are decided side by side. */
          order: z.enum(["newest", "pupil"]).default("newest"),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          /** Paging: the proposals after the first `offset`, in the same order. */
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("office.view");
      let query = db
        .selectFrom("proposed_actions as a")
        .innerJoin("pupils as p", (j) =>
          j.onRef("p.school_id", "=", "a.school_id").onRef("p.id", "=", "a.pupil_id"),
        )
        .select([
          "a.id",
          "a.pupil_id",
          "p.upn",
          "p.legal_forename",
          "p.legal_surname",
          "p.preferred_forename",
          "p.preferred_surname",
          "a.trigger_id",
          "a.trigger_name",
          "a.actions",
          "a.explanation",
          "a.evidence",
          "a.manual_review",
          "a.proposed_on",
          "a.status",
          "a.decided_by",
          "a.decided_at",
          "a.decision_reason",
          "a.case_id",
        ])
        .where("a.school_id", "=", access.schoolId)
        .where("a.status", "=", request.query.status);
      if (request.query.pupilId) query = query.where("a.pupil_id", "=", request.query.pupilId);
      if (request.query.triggerId)
        query = query.where("a.trigger_id", "=", request.query.triggerId);
      const { stageId, yearGroupId, flag } = request.query;
      if (yearGroupId) query = query.where("p.year_group_id", "=", yearGroupId);
      if (flag) query = query.where(`p.${flag}` as "p.fsm", "=", true);
      if (stageId) {
        type Row = DB & { a: DB["proposed_actions"]; p: DB["pupils"] };
        const openCase = (eb: ExpressionBuilder<Row, "a" | "p">) =>
          eb
            .selectFrom("attendance_cases as c")
            .select("c.id")
            .whereRef("c.school_id", "=", "a.school_id")
            .whereRef("c.pupil_id", "=", "a.pupil_id")
            .where("c.status", "=", "open");
        query =
          stageId === "none"
            ? query.where((eb) => eb.not(eb.exists(openCase(eb))))
            : query.where((eb) => eb.exists(openCase(eb).where("c.stage_id", "=", stageId)));
      }
      const ordered =
        request.query.order === "pupil"
          ? query.orderBy("p.legal_surname").orderBy("a.pupil_id").orderBy("a.proposed_on", "desc")
          : query.orderBy("a.proposed_on", "desc");
      const [rows, counted] = await Promise.all([
        ordered.orderBy("a.id").limit(request.query.limit).offset(request.query.offset).execute(),
        query
          .clearSelect()
          .select(({ fn }) => fn.countAll<string>().as("total"))
          .executeTakeFirstOrThrow(),
      ]);
      // What the filters offer: the policy's stages and the school's year groups.
      const [stored, yearGroups] = await Promise.all([
        currentPolicy(db, access.schoolId),
        db
          .selectFrom("year_groups")
          .select(["id", "name"])
          .where("school_id", "=", access.schoolId)
          .orderBy("id")
          .execute(),
      ]);
      return {
        filters: {
          stages: (stored?.policy.stages ?? []).map((st) => ({
            id: st.id,
            name: st.name,
            status: st.status ?? null,
          })),
          yearGroups,
        },
        /** Every proposal matching, not only this page. */
        total: Number(counted.total),
        proposedActions: rows.map(
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

  const proposalParams = schoolParams.extend({ proposalId: id });

  app.post(
    "/schools/:schoolId/proposed-actions/decide",
    {
      schema: {
        tags: ["policy"],
        summary:
          "Accept or dismiss many proposed actions at once (one reason for every dismissal); each already decided is reported, the rest go through",
        params: schoolParams,
        body: z.object({
          proposalIds: z.array(id).min(1, "choose at least one proposal").max(500),
          decision: z.enum(["accept", "dismiss"]),
          reason: z.string().trim().max(1000).nullable().default(null),
        }),
      },
    },
    async (request) =>
      decideProposals(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.post(
    "/schools/:schoolId/proposed-actions/:proposalId/accept",
    {
      schema: {
        tags: ["policy"],
        summary: "Accept a proposed action: its stage actions open, move or close the pupil's case",
        params: proposalParams,
      },
    },
    async (request) => {
      return acceptProposal(await request.useCaseContext(request.params.schoolId), {
        proposalId: request.params.proposalId,
      });
    },
  );

  app.post(
    "/schools/:schoolId/proposed-actions/:proposalId/dismiss",
    {
      schema: {
        tags: ["policy"],
        summary: "Dismiss a proposed action with the reason",
        params: proposalParams,
        body: z.object({ reason: z.string().trim().min(1, "say why").max(1000) }),
      },
    },
    async (request) => {
      return dismissProposal(await request.useCaseContext(request.params.schoolId), {
        proposalId: request.params.proposalId,
        reason: request.body.reason,
      });
    },
  );
}
