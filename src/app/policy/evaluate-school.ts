import type { Kysely } from "kysely";
import { casesForEvaluation } from "../../db/repositories/cases.ts";
import { chunks } from "../../db/repositories/marks.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
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
  const [{ index, pupils }, cases, previousRows, histories] = await Promise.all([
    loadEvaluationData(db, schoolId, asOf, asOf).then((d) => {
      if (timings) timings.loadMarks += performance.now() - phase;
      return d;
    }),
    casesForEvaluation(db, schoolId),
    db
      .selectFrom("proposed_actions")
      .select(["pupil_id", "trigger_id", "dedupe_key", "evidence_end"])
      .where("school_id", "=", schoolId)
      .execute(),
    loadHistories(db, schoolId),
  ]);
  if (timings) timings.loadHistory += performance.now() - phase - 0;
  phase = performance.now();
  const previous = new Map<number, PreviousProposal[]>();
  for (const row of previousRows) {
    const list = previous.get(row.pupil_id) ?? [];
    list.push({
      triggerId: row.trigger_id,
      dedupeKey: row.dedupe_key,
      evidenceEnd: row.evidence_end,
    });
    previous.set(row.pupil_id, list);
  }
  const rows = [];
  for (const pupil of pupils) {
    if (index.endOf(asOf) === 0) break;
    const context = contextFrom(pupil, cases.open.get(pupil.id), cases.lastClosed.get(pupil.id));
    context.history = histories.get(pupil.id) ?? { parents: [], events: [] };
    for (const proposal of evaluatePupil(stored.policy, index, asOf, {
      codes: pupil.codes,
      context,
      previous: previous.get(pupil.id) ?? [],
    })) {
      rows.push({
        school_id: schoolId,
        pupil_id: pupil.id,
        policy_version: stored.version,
        trigger_id: proposal.triggerId,
        trigger_name: proposal.triggerName,
        actions: JSON.stringify(proposal.actions),
        explanation: proposal.explanation,
        evidence: JSON.stringify(proposal.evidence),
        evidence_end: proposal.evidence.at(-1)?.date ?? null,
        dedupe_key: proposal.dedupeKey,
        manual_review: proposal.manualReview,
        proposed_on: asOf,
      });
    }
  }
  if (timings) timings.evaluate += performance.now() - phase;
  phase = performance.now();
  let proposed = 0;
  const byTrigger: Record<string, number> = {};
  for (const chunk of chunks(rows, 500)) {
    const inserted = await db
      .insertInto("proposed_actions")
      .values(chunk)
      .onConflict((oc) => oc.columns(["school_id", "pupil_id", "dedupe_key"]).doNothing())
      .returning("trigger_id")
      .execute();
    proposed += inserted.length;
    for (const r of inserted) byTrigger[r.trigger_id] = (byTrigger[r.trigger_id] ?? 0) + 1;
  }
  if (timings) timings.store += performance.now() - phase;
  return {
    asOf,
    policyVersion: stored.version,
    pupils: pupils.length,
    proposed,
    alreadyProposed: rows.length - proposed,
    byTrigger,
  };
}
