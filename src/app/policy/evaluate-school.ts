import type { Kysely } from "kysely";
import { casesForEvaluation } from "../../db/repositories/cases.ts";
import {
  currentPolicy,
  type ProposalToStore,
  storeProposals,
} from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { evaluatePupil, type PreviousProposal } from "../../domain/policy/evaluate.ts";
import type { UseCaseContext } from "../context.ts";
import { momentOf } from "../registers/register.ts";
import { contextFrom, loadEvaluationData } from "./evaluation-data.ts";
import { loadHistories } from "./pupil-history.ts";

/** Milliseconds spent in each phase, summed over the schools evaluated (the bench prints them). */
export interface EvaluationTimings {
  loadMarks: number;
  loadHistory: number;
  evaluate: number;
  store: number;
}

export function newTimings(): EvaluationTimings {
  return { loadMarks: 0, loadHistory: 0, evaluate: 0, store: 0 };
}

export interface EvaluationSummary {
  asOf: IsoDate;
  policyVersion: number;
  pupils: number;
  proposed: number;
  alreadyProposed: number;
  byTrigger: Record<string, number>;
}

/**
 * Someone asks for the policy to be evaluated now (the daily job does it each evening): as of
 * today or a past day, never a day whose registers have not happened.
 */
export async function evaluatePolicy(
  ctx: UseCaseContext,
  request: { date?: IsoDate },
): Promise<EvaluationSummary> {
  ctx.access.require("proposals.decide");
  const today = momentOf(ctx.clock()).date;
  const date = request.date ?? today;
  if (date > today)
    throw new RollbookError(
      "invalid_input",
      "A policy cannot be evaluated for a day that has not happened yet",
    );
  return evaluateSchool(ctx.db, ctx.access.schoolId, date);
}

/**
 * Evaluates the school's policy over every pupil on roll as of a day and stores what it proposes.
 * Running it again for the same day proposes nothing new: each proposal's key is unique per pupil.
 * Everything is read in a few set-based queries for the whole school and stored in one statement.
 */
export async function evaluateSchool(
  db: Kysely<DB>,
  schoolId: number,
  asOf: IsoDate,
  timings?: EvaluationTimings,
): Promise<EvaluationSummary> {
  let phase = performance.now();
  const stored = await currentPolicy(db, schoolId);
  if (!stored)
    throw new RollbookError(
      "not_found",
      "This school has no attendance policy yet: adopt a preset or save one first",
    );
  const [{ index, pupils }, cases, previous, histories] = await Promise.all([
    loadEvaluationData(db, schoolId, asOf, asOf).then((d) => {
      if (timings) timings.loadMarks += performance.now() - phase;
      return d;
    }),
    casesForEvaluation(db, schoolId),
    previousProposals(db, schoolId),
    loadHistories(db, schoolId),
  ]);
  if (timings) timings.loadHistory += performance.now() - phase;
  phase = performance.now();
  const rows: ProposalToStore[] = [];
  const actionsOf = new Map<string, string>();
  const noHistory = { parents: [], events: [] };
  if (index.endOf(asOf) > 0) {
    for (const pupil of pupils) {
      const context = contextFrom(pupil, cases.open.get(pupil.id), cases.lastClosed.get(pupil.id));
      context.history = histories.get(pupil.id) ?? noHistory;
      for (const proposal of evaluatePupil(stored.policy, index, asOf, {
        codes: pupil.codes,
        context,
        previous: previous.get(pupil.id) ?? NONE,
      })) {
        let actions = actionsOf.get(proposal.triggerId);
        if (actions === undefined) {
          actions = JSON.stringify(proposal.actions);
          actionsOf.set(proposal.triggerId, actions);
        }
        rows.push({
          pupilId: pupil.id,
          triggerId: proposal.triggerId,
          triggerName: proposal.triggerName,
          actions,
          explanation: proposal.explanation,
          evidence: JSON.stringify(proposal.evidence),
          evidenceEnd: proposal.evidence.at(-1)?.date ?? null,
          dedupeKey: proposal.dedupeKey,
          manualReview: proposal.manualReview,
        });
      }
    }
  }
  if (timings) timings.evaluate += performance.now() - phase;
  phase = performance.now();
  const storedTriggers =
    rows.length === 0 ? [] : await storeProposals(db, schoolId, stored.version, asOf, rows);
  const byTrigger: Record<string, number> = {};
  for (const t of storedTriggers) byTrigger[t] = (byTrigger[t] ?? 0) + 1;
  if (timings) timings.store += performance.now() - phase;
  return {
    asOf,
    policyVersion: stored.version,
    pupils: pupils.length,
    proposed: storedTriggers.length,
    alreadyProposed: rows.length - storedTriggers.length,
    byTrigger,
  };
}

const NONE: PreviousProposal[] = [];

/** The proposals each pupil already has, so a day evaluated again proposes nothing twice. */
async function previousProposals(
  db: Kysely<DB>,
  schoolId: number,
): Promise<Map<number, PreviousProposal[]>> {
  const rows = await db
    .selectFrom("proposed_actions")
    .select(["pupil_id", "trigger_id", "dedupe_key", "evidence_end"])
    .where("school_id", "=", schoolId)
    .execute();
  const previous = new Map<number, PreviousProposal[]>();
  for (const row of rows) {
    let list = previous.get(row.pupil_id);
    if (!list) {
      list = [];
      previous.set(row.pupil_id, list);
    }
    list.push({
      triggerId: row.trigger_id,
      dedupeKey: row.dedupe_key,
      evidenceEnd: row.evidence_end,
    });
  }
  return previous;
}
