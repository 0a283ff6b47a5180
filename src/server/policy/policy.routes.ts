import { acceptProposal, dismissProposal } from "../../app/policy/decide-proposal.ts";
import { decideProposals } from "../../app/policy/decide-proposals.ts";
import { evaluatePolicy } from "../../app/policy/evaluate-school.ts";
import { listProposedActions } from "../../app/policy/proposed-actions.ts";
import { adoptPreset, savePolicy } from "../../app/policy/save-policy.ts";
import {
  listPolicyVersions,
  showPolicy,
  simulateSchoolPolicy,
} from "../../app/policy/show-policy.ts";
import { RollbookError } from "../../domain/errors.ts";
import { conditionKinds } from "../../domain/policy/conditions/index.ts";
import { PRESETS } from "../../domain/policy/presets/index.ts";
import { failures } from "../error.schema.ts";
import { schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import {
  adoptBody,
  decideBody,
  decided,
  dismissBody,
  evaluateBody,
  evaluationSummary,
  policyAdopted,
  policyInForce,
  policySaved,
  policyVersionList,
  presetList,
  presetParams,
  presetResponse,
  proposalDecision,
  proposalList,
  proposalParams,
  proposalQuery,
  savePolicyBody,
  simulateBody,
  simulation,
} from "./policy.schema.ts";

/** A decision on one proposal: refused for the caller, an unknown one, or one already decided. */
const decisionFailures = failures(400, 403, 404, 409);

export async function policyRoutes(app: RouteApp): Promise<void> {
  app.get(
    "/policy-presets",
    {
      schema: {
        tags: ["policy"],
        summary:
          "The ready-made policies a school can start from, and the kinds of condition policies are built from (described for the editor)",
        response: { 200: presetList },
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
        params: presetParams,
        response: { 200: presetResponse, ...failures(400, 404) },
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
        response: { 200: policyInForce, ...failures(403, 404) },
      },
    },
    async (request) => {
      const stored = await showPolicy(await request.useCaseContext(request.params.schoolId));
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
        response: { 200: policyVersionList, ...failures(403) },
      },
    },
    async (request) => ({
      versions: await listPolicyVersions(await request.useCaseContext(request.params.schoolId)),
    }),
  );

  app.put(
    "/schools/:schoolId/policy",
    {
      schema: {
        tags: ["policy"],
        summary: "Save a new version of the school's policy (checked whole)",
        params: schoolParams,
        body: savePolicyBody,
        response: { 201: policySaved, ...failures(400, 403) },
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
        body: adoptBody,
        response: { 201: policyAdopted, ...failures(400, 403, 404) },
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
        body: simulateBody,
        response: { 200: simulation, ...failures(400, 403, 404) },
      },
    },
    async (request) =>
      simulateSchoolPolicy(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.post(
    "/schools/:schoolId/policy/evaluate",
    {
      schema: {
        tags: ["policy"],
        summary: "Evaluate the policy over every pupil now (the daily job does this each evening)",
        params: schoolParams,
        body: evaluateBody,
        response: { 200: evaluationSummary, ...failures(400, 403, 404) },
      },
    },
    async (request) =>
      evaluatePolicy(await request.useCaseContext(request.params.schoolId), request.body),
  );

  app.get(
    "/schools/:schoolId/proposed-actions",
    {
      schema: {
        tags: ["policy"],
        summary: "Proposed actions with their explanations",
        params: schoolParams,
        querystring: proposalQuery,
        response: { 200: proposalList, ...failures(400, 403) },
      },
    },
    async (request) =>
      listProposedActions(await request.useCaseContext(request.params.schoolId), request.query),
  );

  app.post(
    "/schools/:schoolId/proposed-actions/decide",
    {
      schema: {
        tags: ["policy"],
        summary:
          "Accept or dismiss many proposed actions at once (one reason for every dismissal); each already decided is reported, the rest go through",
        params: schoolParams,
        body: decideBody,
        response: { 200: decided, ...failures(400, 403) },
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
        response: { 200: proposalDecision, ...decisionFailures },
      },
    },
    async (request) =>
      acceptProposal(await request.useCaseContext(request.params.schoolId), {
        proposalId: request.params.proposalId,
      }),
  );

  app.post(
    "/schools/:schoolId/proposed-actions/:proposalId/dismiss",
    {
      schema: {
        tags: ["policy"],
        summary: "Dismiss a proposed action with the reason",
        params: proposalParams,
        body: dismissBody,
        response: { 200: proposalDecision, ...decisionFailures },
      },
    },
    async (request) =>
      dismissProposal(await request.useCaseContext(request.params.schoolId), {
        proposalId: request.params.proposalId,
        reason: request.body.reason,
      }),
  );
}
