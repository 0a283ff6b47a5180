import { RollbookError } from "../../domain/errors.ts";
import type { UseCaseContext } from "../context.ts";
import { acceptProposal, type Decision, dismissProposal } from "./decide-proposal.ts";

export interface BulkDecision {
  proposalIds: number[];
  decision: "accept" | "dismiss";
  /** One reason for every proposal dismissed. */
  reason?: string | null;
}

/**
 * Accepts or dismisses many proposals at once (My actions, selected). Each is decided in its own
 * transaction, as one at a time would be, so one already decided by a colleague is reported and
 * the rest still go through.
 */
export async function decideProposals(
  ctx: UseCaseContext,
  bulk: BulkDecision,
): Promise<{
  decided: Decision[];
  refused: { proposalId: number; reason: string }[];
  /** Selected proposals an earlier acceptance in the same batch had already settled. */
  superseded: number[];
}> {
  const { access } = ctx;
  access.require("proposals.decide");
  const reason = bulk.reason?.trim() ?? "";
  if (bulk.decision === "dismiss" && !reason)
    throw new RollbookError("invalid_input", "Say why the proposals are dismissed");
  const decided: Decision[] = [];
  const refused: { proposalId: number; reason: string }[] = [];
  const settled = new Set<number>();
  const superseded: number[] = [];
  for (const id of [...new Set(bulk.proposalIds)]) {
    if (settled.has(id)) {
      superseded.push(id);
      continue;
    }
    try {
      const decision =
        bulk.decision === "accept"
          ? await acceptProposal(ctx, { proposalId: id })
          : await dismissProposal(ctx, { proposalId: id, reason });
      for (const other of decision.superseded) settled.add(other);
      decided.push(decision);
    } catch (error) {
      if (!(error instanceof RollbookError)) throw error;
      refused.push({ proposalId: id, reason: error.message });
    }
  }
  return { decided, refused, superseded };
}
