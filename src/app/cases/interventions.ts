import type { Kysely } from "kysely";
import { loadCalendar } from "../../db/repositories/calendar.ts";
import { addCaseEvent, type CaseRecord } from "../../db/repositories/cases.ts";
import type { DB, InterventionKind } from "../../db/schema.ts";
import { notOfCompulsorySchoolAge } from "../../domain/age.ts";
import { academicYearBounds, academicYearOf } from "../../domain/calendar.ts";
import { codeByIndex, UNAUTHORISED_SYMBOLS } from "../../domain/codes.ts";
import { addDays, dayLabel, type IsoDate, londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { familyReached } from "../../domain/follow-up/escalation.ts";
import { comparePercent } from "../../domain/policy/bands.ts";
import { caseworkRules } from "../../domain/policy/casework.ts";
import { evaluateCondition, type Outcome } from "../../domain/policy/conditions/index.ts";
import { endOfDuration } from "../../domain/policy/durations.ts";
import { leaveRules } from "../../domain/policy/leave.ts";
import { notAParent } from "../../domain/policy/parents.ts";
import { type NoticeTerms, penaltyNoticeTerms } from "../../domain/policy/penalty-notices.ts";
import {
  NATIONAL_PENALTY_NOTICE_RULES,
  NATIONAL_PENALTY_NOTICE_TRIGGER,
  STATUTORY_TRIGGERS,
} from "../../domain/policy/presets/national.ts";
import type { Condition, Policy } from "../../domain/policy/types.ts";
import { formatPercent } from "../../domain/statistics.ts";
import type { SchoolAccess } from "../access/access.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { loadEvaluationData } from "../policy/evaluation-data.ts";
import { loadHistories } from "../policy/pupil-history.ts";
import { caseToWork } from "./case-access.ts";
import { attendanceToDate, startStage } from "./case-stages.ts";

/** Refused with every reason, so the person knows what must happen first. */
function refuse(what: string, reasons: string[]): never {
  throw new RollbookError("invalid_input", `${what} cannot be made yet: ${reasons.join("; ")}`, {
    reasons,
  });
}

async function interventionsOf(db: Kysely<DB>, schoolId: number, caseRecord: CaseRecord) {
  return db
    .selectFrom("interventions as i")
    .innerJoin("attendance_cases as c", (j) =>
      j.onRef("c.school_id", "=", "i.school_id").onRef("c.id", "=", "i.case_id"),
    )
    .select([
      "i.id",
      "i.kind",
      "i.issued_on",
      "i.review_on",
      "i.contact_id",
      "i.person_id",
      "i.withdrawn",
      "i.paid",
      "i.case_id",
    ])
    .where("i.school_id", "=", schoolId)
    .where("c.pupil_id", "=", caseRecord.pupilId)
    .orderBy("i.issued_on")
    .execute();
}

async function record(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseRecord: CaseRecord,
  entry: {
    kind: InterventionKind;
    today: IsoDate;
    reviewOn?: IsoDate | null;
    contactId?: number | null;
    withdrawn?: boolean;
    paid?: boolean | null;
    detail: unknown;
    summary: string;
  },
): Promise<number> {
  const { id } = await db
    .insertInto("interventions")
    .values({
      school_id: access.schoolId,
      case_id: caseRecord.id,
      kind: entry.kind,
      issued_on: entry.today,
      review_on: entry.reviewOn ?? null,
      contact_id: entry.contactId ?? null,
      withdrawn: entry.withdrawn ?? false,
      paid: entry.paid ?? null,
      detail: JSON.stringify(entry.detail),
      recorded_by: access.signature(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await addCaseEvent(db, access.schoolId, caseRecord.id, {
    on: entry.today,
    by: access.signature(),
    kind: entry.kind,
    summary: entry.summary,
    detail: { interventionId: id, ...((entry.detail as object) ?? {}) },
  });
  return id;
}

/** The age rule's refusal when the pupil is not of compulsory school age today, else null. */
async function ageRuleRefusal(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  today: IsoDate,
): Promise<string | null> {
  const pupil = await db
    .selectFrom("pupils")
    .select("date_of_birth")
    .where("school_id", "=", schoolId)
    .where("id", "=", pupilId)
    .executeTakeFirstOrThrow();
  return notOfCompulsorySchoolAge(pupil.date_of_birth, today);
}

/** Unauthorised sessions after `day` up to `today`. */
async function unauthorisedAfter(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  day: IsoDate,
  today: IsoDate,
): Promise<number> {
  const row = await db
    .selectFrom("session_marks")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .where("date", ">", day)
    .where("date", "<=", today)
    .where("code", "in", UNAUTHORISED_SYMBOLS)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Evaluates a condition for one pupil as of a day, as the policy engine would, with the evidence's codes. */
async function checkFor(
  db: Kysely<DB>,
  schoolId: number,
  policy: Policy,
  pupilId: number,
  condition: Condition,
  today: IsoDate,
): Promise<Outcome & { codes: string[] }> {
  const { index, pupils } = await loadEvaluationData(db, schoolId, today, today, [pupilId]);
  const pupil = pupils[0];
  if (!pupil) throw new RollbookError("not_found", `Pupil ${pupilId} is not on roll on ${today}`);
  const outcome = evaluateCondition(condition, {
    policy,
    index,
    codes: pupil.codes,
    asOf: today,
    end: index.endOf(today),
    context: {
      flags: pupil.flags,
      history: (await loadHistories(db, schoolId, [pupilId])).get(pupilId),
    },
    since: null,
  });
  return {
    ...outcome,
    codes: outcome.evidence.map((i) => codeByIndex(pupil.codes[i] as number).symbol),
  };
}

/** The policy's penalty-notice thresholds (its own, or the national one). */
function penaltyThresholds(policy: Policy): Condition[] {
  const own = policy.triggers
    .filter((t) => t.actions.some((a) => a.type === "consider_penalty_notice"))
    .map((t) => t.when);
  return own.length > 0 ? own : [NATIONAL_PENALTY_NOTICE_TRIGGER.when];
}

/** Support tried first: a contract agreed, or the family offered meetings they did not attend. */
async function supportOffered(db: Kysely<DB>, schoolId: number, caseId: number): Promise<boolean> {
  const [contract, meetings] = await Promise.all([
    db
      .selectFrom("contracts")
      .select("id")
      .where("school_id", "=", schoolId)
      .where("case_id", "=", caseId)
      .executeTakeFirst(),
    db
      .selectFrom("meetings")
      .select(["status", "kind"])
      .where("school_id", "=", schoolId)
      .where("case_id", "=", caseId)
      .execute(),
  ]);
  return (
    Boolean(contract) ||
    meetings.some((m) => m.status === "held") ||
    meetings.filter((m) => m.status === "failed_to_attend").length >= 2
  );
}

/**
 * A notice to improve: the parents' last chance to engage before a penalty notice, after support
 * has been offered (a contract, or meetings they did not attend). Starts its review (3 weeks by
 * default) and, where the policy names a notice-to-improve stage, moves the case to it.
 */
export async function issueNoticeToImproveIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  today: IsoDate,
): Promise<{ interventionId: number; reviewOn: IsoDate }> {
  const { caseRecord, stored } = await caseToWork(db, access, caseId);
  const rules = caseworkRules(stored.policy);
  const reasons: string[] = [];
  const age = await ageRuleRefusal(db, access.schoolId, caseRecord.pupilId, today);
  if (age) reasons.push(age);
  if (!(await supportOffered(db, access.schoolId, caseRecord.id))) {
    reasons.push(
      "support comes first: agree an attendance contract or plan, or offer the family meetings, before a notice to improve",
    );
  }
  const open = (await interventionsOf(db, access.schoolId, caseRecord)).find(
    (i) => i.kind === "notice_to_improve" && i.review_on && i.review_on > today,
  );
  if (open)
    reasons.push(
      `a notice to improve issued on ${dayLabel(open.issued_on)} is still in its review period (to ${dayLabel(open.review_on as string)})`,
    );
  if (reasons.length > 0) refuse("A notice to improve", reasons);
  const reviewOn = rules.noticeToImprovePeriod
    ? endOfDuration(await loadCalendar(db, access.schoolId), today, rules.noticeToImprovePeriod)
    : addDays(today, rules.noticeToImproveReviewWeeks * 7);
  if (rules.noticeToImproveStage) {
    await startStage(db, access.schoolId, stored, {
      pupilId: caseRecord.pupilId,
      stageId: rules.noticeToImproveStage,
      today,
      by: access.signature(),
    });
  }
  await db
    .updateTable("attendance_cases")
    .set({ next_review_on: reviewOn })
    .where("school_id", "=", access.schoolId)
    .where("id", "=", caseRecord.id)
    .execute();
  const interventionId = await record(db, access, caseRecord, {
    kind: "notice_to_improve",
    today,
    reviewOn,
    detail: {},
    summary: `Notice to improve issued; review on ${dayLabel(reviewOn)}`,
  });
  return { interventionId, reviewOn };
}

/**
 * Refers the parents for a penalty notice: the threshold must be met, a notice to improve must
 * have run its review period (unless the policy says otherwise, or it is term-time holiday), and
 * no parent may already have had two notices for this child in three years.
 */
export async function referForPenaltyNoticeIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  request: { caseId: number; contactIds: number[] },
  today: IsoDate,
): Promise<{
  interventionIds: number[];
  terms: (NoticeTerms & { contactId: number; name: string })[];
}> {
  const { caseRecord, stored } = await caseToWork(db, access, request.caseId);
  const rules = caseworkRules(stored.policy);
  const reasons: string[] = [];
  const age = await ageRuleRefusal(db, access.schoolId, caseRecord.pupilId, today);
  if (age) reasons.push(age);
  const outcomes = await Promise.all(
    penaltyThresholds(stored.policy).map((c) =>
      checkFor(db, access.schoolId, stored.policy, caseRecord.pupilId, c, today),
    ),
  );
  const met = outcomes.find((o) => o.met);
  // Leave refused and taken anyway: the policy's holiday route, with no notice to improve first.
  const leaveRoute =
    leaveRules(stored.policy).penaltyWithoutNoticeToImprove &&
    penaltyThresholds(stored.policy).some(
      (c, i) => c.kind === "refused_leave_taken" && outcomes[i]?.met,
    );
  if (!met)
    reasons.push(
      `the penalty-notice threshold is not met today (${outcomes.map((o) => o.reason).join("; ")})`,
    );
  const holidayOnly =
    met !== undefined && met.codes.length > 0 && met.codes.every((c) => c === "G");
  const previous = await interventionsOf(db, access.schoolId, caseRecord);
  if (
    rules.noticeToImproveBeforePenaltyNotice &&
    !(holidayOnly && rules.holidayNeedsNoNoticeToImprove) &&
    !leaveRoute
  ) {
    const notice = previous.filter((i) => i.kind === "notice_to_improve").at(-1);
    if (!notice)
      reasons.push(
        "the policy needs a notice to improve first (it is not needed only for term-time holiday)",
      );
    else if ((notice.review_on ?? today) > today) {
      const during = `the notice to improve issued on ${dayLabel(notice.issued_on)} is in its review period until ${dayLabel(notice.review_on as string)}`;
      if (!rules.referralDuringNoticeToImprove) reasons.push(during);
      else {
        // Only absence after the notice counts: the marks that led to it are not "continued".
        const after = await unauthorisedAfter(
          db,
          access.schoolId,
          caseRecord.pupilId,
          notice.issued_on,
          today,
        );
        if (after === 0)
          reasons.push(
            `${during}, and the policy allows a referral during it only when unauthorised absence continues: there has been none since`,
          );
      }
    }
  }
  if (request.contactIds.length === 0) reasons.push("name the parent or parents to refer");
  const contacts = await db
    .selectFrom("contacts")
    .select(["id", "name", "person_id", "parental_responsibility", "lives_with_pupil"])
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", caseRecord.pupilId)
    .where("id", "in", request.contactIds.length > 0 ? request.contactIds : [-1])
    .execute();
  const penaltyRules = stored.policy.penaltyNotices ?? NATIONAL_PENALTY_NOTICE_RULES;
  const terms: (NoticeTerms & { contactId: number; name: string })[] = [];
  for (const contactId of request.contactIds) {
    const contact = contacts.find((c) => c.id === contactId);
    if (!contact) {
      reasons.push(`contact ${contactId} is not one of this pupil's contacts`);
      continue;
    }
    const notParent = notAParent({
      name: contact.name,
      parentalResponsibility: contact.parental_responsibility,
      livesWithPupil: contact.lives_with_pupil,
    });
    if (notParent) reasons.push(notParent);
    // Counted per person: the notices of whoever held this contact slot before are not theirs.
    const notices = previous
      .filter((i) => i.kind === "penalty_notice" && i.person_id === contact.person_id)
      .map((i) => ({ issuedOn: i.issued_on, withdrawn: i.withdrawn, paid: i.paid }));
    const t = penaltyNoticeTerms(penaltyRules, notices, today);
    if (!t.allowed) reasons.push(`${contact.name}: ${t.reason}`);
    terms.push({ contactId, name: contact.name, ...t });
  }
  if (reasons.length > 0) refuse("A penalty-notice referral", reasons);
  const interventionIds = [];
  for (const term of terms) {
    interventionIds.push(
      await record(db, access, caseRecord, {
        kind: "penalty_notice_referral",
        today,
        contactId: term.contactId,
        detail: { evidence: met?.reason, terms: term },
        summary: `Referred ${term.name} to the local authority for a penalty notice: ${met?.reason}`,
      }),
    );
  }
  return { interventionIds, terms };
}

/** A penalty notice the local authority issued (or withdrew): what the three-year limits count. */
async function recordPenaltyNoticeIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  notice: {
    caseId: number;
    contactId: number;
    issuedOn: IsoDate;
    withdrawn: boolean;
    paid?: boolean | null;
  },
  today: IsoDate,
): Promise<number> {
  const { caseRecord } = await caseToWork(db, access, notice.caseId, { mustBeOpen: false });
  if (notice.issuedOn > today)
    throw new RollbookError("invalid_input", "A penalty notice cannot be issued in the future");
  return record(db, access, caseRecord, {
    kind: "penalty_notice",
    today: notice.issuedOn,
    contactId: notice.contactId,
    withdrawn: notice.withdrawn,
    paid: notice.paid ?? null,
    detail: {},
    summary: `Penalty notice ${notice.withdrawn ? "issued and withdrawn" : notice.paid ? "issued and paid" : notice.paid === false ? "issued, not paid" : "issued"} by the local authority`,
  });
}

/** Referral for legal intervention: after a notice to improve has run its course, or when no more penalty notices may be issued. */
export async function referForLegalInterventionIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  today: IsoDate,
): Promise<number> {
  const { caseRecord } = await caseToWork(db, access, caseId);
  const previous = await interventionsOf(db, access.schoolId, caseRecord);
  const notice = previous.filter((i) => i.kind === "notice_to_improve").at(-1);
  const noticesIssued = previous.filter((i) => i.kind === "penalty_notice" && !i.withdrawn).length;
  if (!(notice && (notice.review_on ?? today) <= today) && noticesIssued < 2) {
    refuse("A referral for legal intervention", [
      notice
        ? `the notice to improve issued on ${dayLabel(notice.issued_on)} is in its review period until ${dayLabel(notice.review_on as string)}`
        : "support and a notice to improve come first (or two penalty notices within three years)",
    ]);
  }
  return record(db, access, caseRecord, {
    kind: "legal_intervention_referral",
    today,
    detail: {},
    summary: "Referred to the local authority's attendance team for legal intervention",
  });
}

/** Social care referral, considered when attendance is below 50% (the policy's figure) and support has failed. */
export async function referToSocialCareIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  reason: string,
  today: IsoDate,
  /** The person referring says it is for a safeguarding concern, flagged on the pupil or not. */
  forSafeguarding = false,
): Promise<number> {
  const { caseRecord, stored } = await caseToWork(db, access, caseId);
  const rules = caseworkRules(stored.policy);
  const attendance = await attendanceToDate(db, access.schoolId, caseRecord.pupilId, today);
  const reasons: string[] = [];
  // A safeguarding concern is referred whatever the attendance: the "below 50%" rule is a prompt
  // to consider a referral when support fails, never a gate on protecting a child.
  const flags = await db
    .selectFrom("pupils")
    .select(["safeguarding_concern", "child_protection_plan"])
    .where("school_id", "=", access.schoolId)
    .where("id", "=", caseRecord.pupilId)
    .executeTakeFirstOrThrow();
  const safeguarding = forSafeguarding || flags.safeguarding_concern || flags.child_protection_plan;
  if (
    !safeguarding &&
    (attendance.denominator === 0 || comparePercent(attendance, rules.socialCareBelowPercent) >= 0)
  ) {
    reasons.push(
      `attendance this year is ${formatPercent(attendance)}%, not below ${rules.socialCareBelowPercent}% (for a safeguarding concern attendance never holds a referral back: say it is one)`,
    );
  }
  const previous = await interventionsOf(db, access.schoolId, caseRecord);
  const failed =
    previous.some((i) => i.kind === "notice_to_improve") ||
    (await supportOffered(db, access.schoolId, caseRecord.id));
  if (!failed && !safeguarding)
    reasons.push("support has not yet been tried (a contract, meetings or a notice to improve)");
  if (!reason.trim()) reasons.push("give the safeguarding reason");
  if (reasons.length > 0) refuse("A social care referral", reasons);
  return record(db, access, caseRecord, {
    kind: "social_care_referral",
    today,
    detail: { reason, attendance },
    summary: `Referred to children's social care (attendance ${formatPercent(attendance)}%): ${reason}`,
  });
}

/** Tells the local authority of a child missing education: 10 school days of continuous unauthorised absence. */
export async function reportMissingEducationIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  today: IsoDate,
): Promise<number> {
  const { caseRecord, stored } = await caseToWork(db, access, caseId);
  const rule = STATUTORY_TRIGGERS.find((t) => t.id === "children_missing_education")
    ?.when as Condition;
  const year = academicYearBounds(academicYearOf(today));
  const outcome = await checkFor(
    db,
    access.schoolId,
    stored.policy,
    caseRecord.pupilId,
    rule,
    today,
  );
  if (!outcome.met)
    refuse("A children-missing-education report", [
      `${outcome.reason} (this year from ${dayLabel(year.from)})`,
    ]);
  return record(db, access, caseRecord, {
    kind: "cme_report",
    today,
    detail: { evidence: outcome.reason },
    summary: `Reported to the local authority as a child missing education: ${outcome.reason}`,
  });
}

/**
 * The school nursing team, "if sickness is continually reported": illness (I) sessions this
 * academic year at least the policy's number (10 by default).
 */
export async function referToSchoolNursingIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  caseId: number,
  today: IsoDate,
): Promise<number> {
  const { caseRecord, stored } = await caseToWork(db, access, caseId);
  const needed = caseworkRules(stored.policy).schoolNursingAfterIllnessSessions;
  const year = academicYearBounds(academicYearOf(today));
  const row = await db
    .selectFrom("session_marks")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", caseRecord.pupilId)
    .where("date", ">=", year.from)
    .where("date", "<=", today)
    .where("code", "=", "I")
    .executeTakeFirst();
  const illness = Number(row?.n ?? 0);
  if (illness < needed)
    refuse("A school nursing referral", [
      `illness is recorded for ${illness} session(s) this year (from ${dayLabel(year.from)}); the policy refers from ${needed}`,
    ]);
  return record(db, access, caseRecord, {
    kind: "school_nursing_referral",
    today,
    detail: { illnessSessions: illness },
    summary: `Referred to the school nursing team: illness recorded for ${illness} session(s) this year`,
  });
}

/**
 * An early help assessment: voluntary, so the family's agreement is recorded, and it follows a
 * meeting held with them ("in cases where we feel additional support is required").
 */
export async function referToEarlyHelpIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  request: { caseId: number; familyAgrees: boolean; note?: string | null },
  today: IsoDate,
): Promise<number> {
  const { caseRecord } = await caseToWork(db, access, request.caseId);
  const held = await db
    .selectFrom("meetings")
    .select("id")
    .where("school_id", "=", access.schoolId)
    .where("case_id", "=", caseRecord.id)
    .where("status", "=", "held")
    .executeTakeFirst();
  const reasons: string[] = [];
  if (!held)
    reasons.push("hold a meeting with the family first: early help follows from what it agrees");
  if (!request.familyAgrees)
    reasons.push("record that the family agrees: an early help assessment is voluntary");
  if (reasons.length > 0) refuse("An early help referral", reasons);
  const note = request.note?.trim() || null;
  return record(db, access, caseRecord, {
    kind: "early_help_referral",
    today,
    detail: { familyAgrees: true, note },
    summary: `Referred for an early help assessment, with the family's agreement${note ? `: ${note}` : ""}`,
  });
}

/**
 * A police safe-and-well check: "where we have a safeguarding concern and contact has not been
 * established following a home visit". Never gated on attendance: the concern and the unanswered
 * visit are the whole test.
 */
export async function requestSafeAndWellCheckIn(
  db: Kysely<DB>,
  access: SchoolAccess,
  request: { caseId: number; concern: string },
  today: IsoDate,
): Promise<number> {
  const { caseRecord } = await caseToWork(db, access, request.caseId);
  const visits = await db
    .selectFrom("contact_log")
    .select(["happened_at", "method", "outcome"])
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", caseRecord.pupilId)
    .where("corrects", "is", null)
    .where("method", "!=", "note")
    .orderBy("happened_at", "desc")
    .limit(50)
    .execute();
  const lastVisit = visits.find((v) => v.method === "home_visit");
  const reasons: string[] = [];
  if (!lastVisit) reasons.push("visit the home first: no home visit is logged");
  else {
    const since = visits.filter((v) => v.happened_at >= lastVisit.happened_at);
    const reached = since.find((v) => familyReached(v.outcome));
    if (reached)
      reasons.push(
        `contact was made on ${dayLabel(londonToday(reached.happened_at))} (${reached.method.replace("_", " ")}: ${reached.outcome}) after the last home visit`,
      );
  }
  if (!request.concern.trim()) reasons.push("say what the safeguarding concern is");
  if (reasons.length > 0) refuse("A safe-and-well check", reasons);
  return record(db, access, caseRecord, {
    kind: "safe_and_well_check",
    today,
    detail: { concern: request.concern.trim() },
    summary: `Asked the police for a safe-and-well check: ${request.concern.trim()}`,
  });
}

/*
 * The use cases: each runs in one transaction with its access-log row, so a refusal found part
 * way (a precondition read after a stage move, say) leaves nothing half done.
 */
const todayOf = (ctx: UseCaseContext) => londonToday(ctx.clock());

export function issueNoticeToImprove(ctx: UseCaseContext, caseId: number) {
  return inTransaction(ctx, "issue notice to improve", (tx) =>
    issueNoticeToImproveIn(tx, ctx.access, caseId, todayOf(ctx)),
  );
}

export function referForPenaltyNotice(
  ctx: UseCaseContext,
  request: { caseId: number; contactIds: number[] },
) {
  return inTransaction(ctx, "refer for penalty notice", (tx) =>
    referForPenaltyNoticeIn(tx, ctx.access, request, todayOf(ctx)),
  );
}

export function recordPenaltyNotice(
  ctx: UseCaseContext,
  notice: {
    caseId: number;
    contactId: number;
    issuedOn: IsoDate;
    withdrawn: boolean;
    paid?: boolean | null;
  },
) {
  return inTransaction(ctx, "record penalty notice", (tx) =>
    recordPenaltyNoticeIn(tx, ctx.access, notice, todayOf(ctx)),
  );
}

export function referForLegalIntervention(ctx: UseCaseContext, caseId: number) {
  return inTransaction(ctx, "refer for legal intervention", (tx) =>
    referForLegalInterventionIn(tx, ctx.access, caseId, todayOf(ctx)),
  );
}

export function referToSocialCare(
  ctx: UseCaseContext,
  caseId: number,
  reason: string,
  forSafeguarding = false,
) {
  return inTransaction(ctx, "refer to social care", (tx) =>
    referToSocialCareIn(tx, ctx.access, caseId, reason, todayOf(ctx), forSafeguarding),
  );
}

export function reportMissingEducation(ctx: UseCaseContext, caseId: number) {
  return inTransaction(ctx, "report missing education", (tx) =>
    reportMissingEducationIn(tx, ctx.access, caseId, todayOf(ctx)),
  );
}

export function referToSchoolNursing(ctx: UseCaseContext, caseId: number) {
  return inTransaction(ctx, "refer to school nursing", (tx) =>
    referToSchoolNursingIn(tx, ctx.access, caseId, todayOf(ctx)),
  );
}

export function referToEarlyHelp(
  ctx: UseCaseContext,
  request: { caseId: number; familyAgrees: boolean; note?: string | null },
) {
  return inTransaction(ctx, "refer to early help", (tx) =>
    referToEarlyHelpIn(tx, ctx.access, request, todayOf(ctx)),
  );
}

export function requestSafeAndWellCheck(
  ctx: UseCaseContext,
  request: { caseId: number; concern: string },
) {
  return inTransaction(ctx, "request safe and well check", (tx) =>
    requestSafeAndWellCheckIn(tx, ctx.access, request, todayOf(ctx)),
  );
}
