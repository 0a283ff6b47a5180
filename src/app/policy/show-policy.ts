import { loadCalendar } from "../../db/repositories/calendar.ts";
import { currentPolicy, policyVersions } from "../../db/repositories/policies.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { withinSchoolYears } from "../attendance-statistics.ts";
import type { UseCaseContext } from "../context.ts";
import { parsePolicy } from "./policy-schema.ts";
import { simulatePolicy } from "./simulate-policy.ts";

/** The school's policy in force, with who saved it and when. */
export async function showPolicy(ctx: UseCaseContext) {
  const stored = await currentPolicy(ctx.db, ctx.access.schoolId);
  if (!stored)
    throw new RollbookError(
      "not_found",
      "This school has no attendance policy yet: adopt a preset or save one",
    );
  return stored;
}

/** Every version of the school's policy, newest first. */
export async function listPolicyVersions(ctx: UseCaseContext) {
  ctx.access.require("statistics.view");
  return policyVersions(ctx.db, ctx.access.schoolId);
}

/**
 * What a policy (the one in force, or a draft) would have proposed over a past period, within
 * the school's years; the first `limit` proposals, and how many there were. Changes nothing.
 */
export async function simulateSchoolPolicy(
  ctx: UseCaseContext,
  request: { policy?: unknown; from: IsoDate; to: IsoDate; limit: number },
) {
  const { db, access } = ctx;
  access.require("statistics.view");
  const { from, to } = withinSchoolYears(await loadCalendar(db, access.schoolId), request);
  const policy = request.policy
    ? parsePolicy(request.policy)
    : (await currentPolicy(db, access.schoolId))?.policy;
  if (!policy)
    throw new RollbookError("not_found", "No policy to simulate: send a draft or adopt one first");
  const simulation = await simulatePolicy(db, access.schoolId, policy, from, to);
  return {
    ...simulation,
    proposals: simulation.proposals.slice(0, request.limit),
    totalProposals: simulation.proposals.length,
  };
}
