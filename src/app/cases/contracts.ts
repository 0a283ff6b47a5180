import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { addCaseEvent } from "../../db/repositories/cases.ts";
import type { DB } from "../../db/schema.ts";
import { addDays, dayLabel, type IsoDate, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { caseworkRules } from "../../domain/policy/casework.ts";
import { endOfDuration } from "../../domain/policy/durations.ts";
import { judgeImprovement } from "../../domain/policy/improvement.ts";
import type { Stage } from "../../domain/policy/types.ts";
import { formatPercent, type Ratio } from "../../domain/statistics.ts";
import { pupilReport } from "../attendance-statistics.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { caseToWork } from "./case-access.ts";
import { attendanceToDate, startStage } from "./case-stages.ts";

export interface SupportAction {
  /** Who does it: the school, the parent, or a partner (early help, school nursing, the EWO...). */
  by: "school" | "parent" | "partner";
  partner?: string;
  action: string;
  /** The person who provides it: "Ms Dale, attendance lead". */
  owner?: string;
  /** By when. */
  due?: IsoDate;
}

/** An attendance figure to reach by a date. */
export interface ContractTarget {
  percent: number;
  by: IsoDate;
}

export interface NewContract {
  caseId: number;
  kind: "attendance_contract" | "attendance_plan";
  /** The meeting held with the parent it was agreed at; by default the case's latest. */
  meetingId?: number | null;
  targetPercent: number;
  targets?: ContractTarget[];
  barriers: string[];
  support: SupportAction[];
  parentCommitments?: string[];
  pupilCommitments?: string[];
  /** The parents who agreed it (their names). */
  parentsAgreed?: string[];
  /** Override the review the policy's stage sets (5-8 weeks by starting attendance in the LA process). */
  reviewWeeks?: number;
  /** The stage the contract puts the case in (the LA process's "contract" review period). */
  moveToStage?: string;
}

/**
 * Records a jointly agreed attendance contract or plan: targets, barriers, support from the
 * school, the parents and partners, and its review date (the policy's rule for the case's stage,
 * unless given). The pupil's attendance today is the baseline the review is measured against.
 */
export async function agreeContract(
  ctx: UseCaseContext,
  contract: NewContract,
): Promise<{ contractId: number; reviewOn: IsoDate; meetingId: number }> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  const { caseRecord, stored } = await caseToWork(db, access, contract.caseId);
  if (contract.support.length === 0)
    throw new RollbookError("invalid_input", "A contract needs at least one support action");
  for (const target of contract.targets ?? [])
    if (target.by <= today)
      throw new RollbookError(
        "invalid_input",
        `A target's date must be still to come: ${dayLabel(target.by)} is not`,
      );
  const meeting = await meetingWithParent(db, access.schoolId, caseRecord.id, contract.meetingId);
  const active = await db
    .selectFrom("contracts")
    .select("id")
    .where("school_id", "=", access.schoolId)
    .where("case_id", "=", caseRecord.id)
    .where("status", "in", ["active", "termination_warning"])
    .executeTakeFirst();
  if (active)
    throw new RollbookError(
      "conflict",
      `Contract ${active.id} is still in force for this case: review or end it first`,
    );
  const baseline = await attendanceToDate(db, access.schoolId, caseRecord.pupilId, today);
  const stage = stored.policy.stages.find(
    (s) => s.id === (contract.moveToStage ?? caseRecord.stageId),
  );
  const weeks = contract.reviewWeeks ?? reviewWeeksFor(stage?.review, baseline);
  const reviewOn = await reviewDateAfter(db, access.schoolId, today, weeks, stage);
  const parentsAgreed = contract.parentsAgreed ?? [];
  return inTransaction(ctx, "agree contract", async (tx) => {
    if (contract.moveToStage && contract.moveToStage !== caseRecord.stageId) {
      await startStage(tx, access.schoolId, stored, {
        pupilId: caseRecord.pupilId,
        stageId: contract.moveToStage,
        today,
        by: access.signature(),
      });
    }
    const { id } = await tx
      .insertInto("contracts")
      .values({
        school_id: access.schoolId,
        case_id: caseRecord.id,
        kind: contract.kind,
        agreed_on: today,
        target_percent: contract.targetPercent,
        barriers: JSON.stringify(contract.barriers),
        support: JSON.stringify(contract.support),
        review_on: reviewOn,
        baseline_attended: baseline.numerator,
        baseline_possible: baseline.denominator,
        recorded_by: access.signature(),
        meeting_id: meeting.id,
        targets: JSON.stringify(contract.targets ?? []),
        parent_commitments: JSON.stringify(contract.parentCommitments ?? []),
        pupil_commitments: JSON.stringify(contract.pupilCommitments ?? []),
        agreed_by: JSON.stringify(parentsAgreed.map((name) => ({ name, on: today }))),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .updateTable("attendance_cases")
      .set({ next_review_on: reviewOn })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", caseRecord.id)
      .execute();
    await addCaseEvent(tx, access.schoolId, caseRecord.id, {
      on: today,
      by: access.signature(),
      kind: "contract_agreed",
      summary: `${contract.kind === "attendance_contract" ? "Attendance contract" : "Attendance plan"} agreed${parentsAgreed.length ? ` with ${parentsAgreed.join(" and ")}` : ""}: target ${contract.targetPercent}%, ${contract.support.length} support action(s), review on ${dayLabel(reviewOn)} (starting attendance ${formatPercent(baseline)}%)`,
      detail: {
        contractId: id,
        meetingId: meeting.id,
        barriers: contract.barriers,
        support: contract.support,
      },
    });
    return { contractId: id, reviewOn, meetingId: meeting.id };
  });
}

/**
 * A contract is agreed with the family, so only at a meeting held with a parent there. After a
 * missed meeting the seed documents a professionals' meeting instead: the refusal says so.
 */
async function meetingWithParent(
  db: Kysely<DB>,
  schoolId: number,
  caseId: number,
  meetingId: number | null | undefined,
): Promise<{ id: number }> {
  const meetings = await db
    .selectFrom("meetings")
    .select(["id", "kind", "status", "attended", "scheduled_for"])
    .where("school_id", "=", schoolId)
    .where("case_id", "=", caseId)
    .orderBy("scheduled_for", "desc")
    .orderBy("id", "desc")
    .execute();
  const withParent = (m: (typeof meetings)[number]) =>
    m.status === "held" &&
    ((m.attended as { role: string }[] | null) ?? []).some((a) => a.role === "parent");
  const chosen = meetingId ? meetings.find((m) => m.id === meetingId) : meetings.find(withParent);
  if (meetingId && !chosen)
    throw new RollbookError("not_found", `No meeting ${meetingId} on this case`);
  if (chosen && withParent(chosen)) return chosen;
  const last = chosen ?? meetings.find((m) => m.status !== "invited" && m.status !== "rescheduled");
  const when = last ? dayLabel(londonToday(last.scheduled_for)) : "";
  const reason = !last
    ? "no meeting with the family has been held yet: hold one first"
    : last.status === "failed_to_attend"
      ? `the family did not attend the ${last.kind.replaceAll("_", " ")} on ${when}. Record a professionals' meeting to agree support without them instead`
      : last.status === "held"
        ? `no parent came to the ${last.kind.replaceAll("_", " ")} on ${when}`
        : `the ${last.kind.replaceAll("_", " ")} on ${when} was ${last.status.replaceAll("_", " ")}`;
  throw new RollbookError(
    "conflict",
    `A contract is agreed with the parents at a meeting they attend: ${reason}`,
  );
}

/**
 * A contract's review date: its weeks in the unit of the stage's review rule, so a policy that
 * reviews in school weeks never sets a review in the holiday and does not count holiday weeks.
 */
async function reviewDateAfter(
  db: Kysely<DB>,
  schoolId: number,
  from: IsoDate,
  weeks: number,
  stage: Stage | undefined,
): Promise<IsoDate> {
  if (stage?.review?.unit !== "school_weeks") return addDays(from, weeks * 7);
  return endOfDuration(await loadCalendar(db, schoolId), from, {
    length: weeks,
    unit: "school_weeks",
  });
}

function reviewWeeksFor(
  review: { weeks: number; byStartingAttendance?: { below: number; weeks: number }[] } | undefined,
  baseline: Ratio,
): number {
  if (!review) return 6;
  const percent =
    baseline.denominator === 0 ? 100 : (baseline.numerator * 100) / baseline.denominator;
  return review.byStartingAttendance?.find((r) => percent < r.below)?.weeks ?? review.weeks;
}

export interface ContractReviewResult {
  reviewId: number;
  improved: boolean;
  since: Ratio;
  baseline: Ratio;
  explanation: string;
}

/**
 * Reviews a contract: attendance since it was agreed against the attendance when it was, judged
 * in proportion to where the pupil started (a rise of at least a quarter of the way to the target,
 * and at least 2 points, by default).
 */
export async function reviewContract(
  ctx: UseCaseContext,
  review: {
    contractId: number;
    outcome: string;
    notes?: string | null;
    nextReviewWeeks?: number;
    /** Where the review moves the case: the next stage of the policy. */
    moveToStage?: string;
  },
): Promise<ContractReviewResult> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  const contract = await db
    .selectFrom("contracts")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", review.contractId)
    .executeTakeFirst();
  if (!contract)
    throw new RollbookError("not_found", `No contract ${review.contractId} in this school`);
  if (contract.status === "terminated" || contract.status === "completed")
    throw new RollbookError("conflict", `Contract ${contract.id} has ended (${contract.status})`);
  const { caseRecord, stored } = await caseToWork(db, access, contract.case_id);
  const { statistics } = await pupilReport(db, access.schoolId, caseRecord.pupilId, {
    from: contract.agreed_on,
    to: today,
  });
  const since = statistics.attendanceRate;
  const minimum = caseworkRules(stored.policy).contractReviewMinimumSessions;
  if (since.denominator < minimum)
    throw new RollbookError(
      "conflict",
      `Too early to review contract ${contract.id}: ${since.denominator} possible session(s) since it was agreed on ${dayLabel(contract.agreed_on)}, and the policy judges improvement on at least ${minimum}`,
    );
  const baseline = {
    numerator: contract.baseline_attended,
    denominator: contract.baseline_possible,
  };
  const { improved, needed } = judgeImprovement(baseline, since, Number(contract.target_percent), {
    minimumPoints: 2,
    shareOfGap: 0.25,
  });
  const explanation = `Attendance since the contract was agreed on ${dayLabel(contract.agreed_on)} is ${formatPercent(since)}% against ${formatPercent(baseline)}% then: ${improved ? "improved" : "not improved enough"} (a rise of ${needed.toFixed(1)} points was needed towards the ${Number(contract.target_percent)}% target)`;
  return inTransaction(ctx, "review contract", async (tx) => {
    const { id } = await tx
      .insertInto("contract_reviews")
      .values({
        school_id: access.schoolId,
        contract_id: contract.id,
        reviewed_on: today,
        attended: since.numerator,
        possible: since.denominator,
        improved,
        outcome: review.outcome,
        notes: review.notes ?? null,
        recorded_by: access.signature(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (review.moveToStage && review.moveToStage !== caseRecord.stageId)
      await startStage(tx, access.schoolId, stored, {
        pupilId: caseRecord.pupilId,
        stageId: review.moveToStage,
        today,
        by: access.signature(),
      });
    const stageNow = stored.policy.stages.find(
      (s) => s.id === (review.moveToStage ?? caseRecord.stageId),
    );
    const nextReview = review.nextReviewWeeks
      ? await reviewDateAfter(tx, access.schoolId, today, review.nextReviewWeeks, stageNow)
      : null;
    await tx
      .updateTable("contracts")
      .set({
        status: nextReview ? contract.status : improved ? "completed" : contract.status,
        review_on: nextReview ?? contract.review_on,
      })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", contract.id)
      .execute();
    await tx
      .updateTable("attendance_cases")
      .set({ next_review_on: nextReview })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", caseRecord.id)
      .execute();
    await addCaseEvent(tx, access.schoolId, caseRecord.id, {
      on: today,
      by: access.signature(),
      kind: "contract_reviewed",
      summary: `Contract reviewed: ${review.outcome}. ${explanation}`,
      detail: { contractId: contract.id, reviewId: id, improved },
    });
    return { reviewId: id, improved, since, baseline, explanation };
  });
}

/** A warning that the contract may end and other action follow (parents not engaging: letter 7b), or the ending itself. */
export async function endContract(
  ctx: UseCaseContext,
  change: { contractId: number; step: "termination_warning" | "terminated"; reason: string },
): Promise<void> {
  const { db, access } = ctx;
  const today = londonToday(ctx.clock());
  const contract = await db
    .selectFrom("contracts")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", change.contractId)
    .executeTakeFirst();
  if (!contract)
    throw new RollbookError("not_found", `No contract ${change.contractId} in this school`);
  if (contract.status === "terminated" || contract.status === "completed")
    throw new RollbookError(
      "conflict",
      `Contract ${contract.id} has already ended (${contract.status})`,
    );
  if (change.step === "termination_warning" && contract.status === "termination_warning") {
    throw new RollbookError(
      "conflict",
      `A termination warning was already given for contract ${contract.id}`,
    );
  }
  if (!change.reason.trim()) throw new RollbookError("invalid_input", "Give the reason");
  await caseToWork(db, access, contract.case_id);
  await inTransaction(ctx, "end contract", async (tx) => {
    await tx
      .updateTable("contracts")
      .set({ status: change.step })
      .where("school_id", "=", access.schoolId)
      .where("id", "=", contract.id)
      .execute();
    await addCaseEvent(tx, access.schoolId, contract.case_id, {
      on: today,
      by: access.signature(),
      kind: change.step === "terminated" ? "contract_terminated" : "contract_termination_warning",
      summary: `${change.step === "terminated" ? "Contract terminated" : "Termination warning given"}: ${change.reason}`,
      detail: { contractId: contract.id },
    });
  });
}
