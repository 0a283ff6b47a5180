import { notOfCompulsorySchoolAge } from "../age.ts";
import { academicYearOf } from "../calendar.ts";
import { codeByIndex, UNAUTHORISED_SYMBOLS } from "../codes.ts";
import type { IsoDate } from "../dates.ts";
import { bandOf } from "./bands.ts";
import { type Evaluation, evaluateCondition, type PupilContext } from "./conditions/index.ts";
import { noNoticeAllowed } from "./penalty-notices.ts";
import { NATIONAL_PENALTY_NOTICE_RULES } from "./presets/national.ts";
import { reviewDueDate } from "./review.ts";
import { codeSet, type SessionIndex } from "./timeline.ts";
import type { Action, Policy, PupilFlagName, Trigger } from "./types.ts";

export interface PreviousProposal {
  triggerId: string;
  dedupeKey: string;
  /** Last date of the marks the earlier proposal was based on. */
  evidenceEnd: IsoDate | null;
}

export interface EvidenceMark {
  date: IsoDate;
  session: "AM" | "PM";
  code: string;
}

export interface Proposal {
  triggerId: string;
  triggerName: string;
  actions: Action[];
  /** "Penalty notice (10 sessions in 10 school weeks): 10 sessions of G, N, O or U ..." */
  explanation: string;
  evidence: EvidenceMark[];
  /** Proposals with the same key are the same proposal: re-running a day proposes nothing twice. */
  dedupeKey: string;
  /** A person decides, because of a flag the policy names (medical condition, social worker...). */
  manualReview: boolean;
}

export interface PupilToEvaluate {
  codes: Uint8Array;
  context: PupilContext;
  previous: PreviousProposal[];
}

/**
 * Runs every trigger of a policy for one pupil as of a day and returns what it proposes, each
 * with the reason in plain English. Pure: the same marks, context and history give the same
 * proposals, so evaluating a day twice proposes nothing new.
 */
export function evaluatePupil(
  policy: Policy,
  index: SessionIndex,
  asOf: IsoDate,
  pupil: PupilToEvaluate,
): Proposal[] {
  const end = index.endOf(asOf);
  const context = withReviewDate(policy, index, asOf, pupil);
  const proposals: Proposal[] = [];
  // The pupil's age and notice limit are the same for every trigger: judged once, when first asked.
  let outsideAge: boolean | undefined;
  let noticeBlocked: boolean | undefined;
  const shared = sharedActions(policy);
  // Actions a breach rule matched today: a later breach rule proposing only those proposes
  // nothing. (Rules that propose once a term, half term or stage keep to their own period.)
  let proposedToday: Set<string> | undefined;
  for (const trigger of policy.triggers) {
    if (!appliesTo(trigger, context)) continue;
    const mine = shared.keys.get(trigger) as string[];
    const breach = trigger.repeat === "each_new_breach";
    if (breach && proposedToday && mine.every((k) => proposedToday?.has(k))) continue;
    if (isLegalStep(trigger)) {
      outsideAge ??= outsideCompulsorySchoolAge(context, asOf);
      if (outsideAge) continue;
    }
    if (isPenaltyStep(trigger)) {
      noticeBlocked ??= noticeCannotBeIssued(policy, context, asOf);
      if (noticeBlocked) continue;
    }
    const previous =
      pupil.previous.length === 0
        ? pupil.previous
        : pupil.previous.filter((p) => p.triggerId === trigger.id);
    // A new breach is one after the evidence of the last proposal of the same action by any
    // trigger: one holiday is one penalty notice, whether the holiday rule or the national
    // threshold saw it first.
    const alike = shared.alike.get(trigger.id);
    let since =
      trigger.repeat !== "each_new_breach"
        ? null
        : latest(
            (alike ? pupil.previous.filter((p) => alike.has(p.triggerId)) : previous).map(
              (p) => p.evidenceEnd,
            ),
          );
    // One spell of absence is one offence: a penalty notice is not proposed again for the rest
    // of the same unbroken unauthorised absence (the second week of a fortnight's holiday).
    if (since && isPenaltyStep(trigger)) since = endOfSpell(index, pupil.codes, since, end);
    const fixedKey = periodKey(trigger, index, asOf, context);
    if (fixedKey && previous.some((p) => p.dedupeKey === fixedKey)) continue;
    const evaluation: Evaluation = { policy, index, codes: pupil.codes, asOf, end, context, since };
    const outcome = evaluateCondition(trigger.when, evaluation);
    if (!outcome.met) continue;
    const evidence = outcome.evidence.map((i) => ({
      date: index.dates[i] as IsoDate,
      session: index.sessions[i] as "AM" | "PM",
      code: codeByIndex(pupil.codes[i] as number).symbol,
    }));
    const last = evidence.at(-1);
    const dedupeKey =
      fixedKey ??
      `${trigger.id}@${last ? `${last.date}${last.session}` : `year:${academicYearOf(asOf)}`}`;
    if (breach) {
      // Matched, whether proposed now or already on an earlier run of the same day.
      proposedToday ??= new Set();
      for (const k of mine) proposedToday.add(k);
    }
    if (previous.some((p) => p.dedupeKey === dedupeKey)) continue;
    const flagged = (trigger.manualReviewFlags ?? []).filter((f) => context.flags[f]);
    const why = [
      ...(flagged.length > 0 ? [`the pupil has ${flagged.map(flagName).join(" and ")}`] : []),
      ...(trigger.discretionary ? ["the policy leaves this step to the school's discretion"] : []),
    ];
    proposals.push({
      triggerId: trigger.id,
      triggerName: trigger.name,
      actions: trigger.actions,
      explanation: `${trigger.name}: ${outcome.reason}.${why.length > 0 ? ` For a person to decide, not automatic: ${why.join("; ")}.` : ""}`,
      evidence,
      dedupeKey,
      manualReview: why.length > 0,
    });
  }
  return proposals;
}

interface SharedActions {
  /** Each trigger's actions, as keys. */
  keys: Map<Trigger, string[]>;
  /** For a trigger sharing an action with others: the ids of all of them, itself included. */
  alike: Map<string, Set<string>>;
}

const sharedCache = new WeakMap<Policy, SharedActions>();

/** Which triggers propose the same action (two penalty-notice rules), worked out once per policy. */
function sharedActions(policy: Policy): SharedActions {
  let found = sharedCache.get(policy);
  if (found) return found;
  const keys = new Map(policy.triggers.map((t) => [t, t.actions.map(actionKey)]));
  const alike = new Map<string, Set<string>>();
  for (const t of policy.triggers) {
    const mine = keys.get(t) as string[];
    const others = policy.triggers.filter(
      (o) => o !== t && (keys.get(o) as string[]).some((k) => mine.includes(k)),
    );
    if (others.length > 0) alike.set(t.id, new Set([t.id, ...others.map((o) => o.id)]));
  }
  found = { keys, alike };
  sharedCache.set(policy, found);
  return found;
}

function actionKey(a: Action): string {
  return JSON.stringify(a);
}

function isPenaltyStep(trigger: Trigger): boolean {
  return trigger.actions.some((a) => a.type === "consider_penalty_notice");
}

/** The last day of the unbroken unauthorised absence that runs on from `since`. */
function endOfSpell(index: SessionIndex, codes: Uint8Array, since: IsoDate, end: number): IsoDate {
  const from = index.endOf(since);
  let i = from;
  while (i < end && UNAUTHORISED[codes[i] as number]) i++;
  return i > from ? (index.dates[i - 1] as IsoDate) : since;
}

const UNAUTHORISED = codeSet(UNAUTHORISED_SYMBOLS);

/**
 * Penalty notices, notices to improve and prosecution enforce the parent's duty for a child of
 * compulsory school age (Education Act 1996 ss 7, 444, 444A): never proposed for anyone else.
 */
export function isLegalStep(trigger: Trigger): boolean {
  return trigger.actions.some(
    (a) =>
      a.type === "consider_penalty_notice" ||
      a.type === "notice_to_improve" ||
      (a.type === "referral" && a.to === "legal_intervention"),
  );
}

/**
 * A notice every parent has reached the limit for (no third within three years) cannot be issued,
 * so it is never proposed; the policy's next legal step (a `penalty_notices` condition) is.
 */
function noticeCannotBeIssued(policy: Policy, context: PupilContext, asOf: IsoDate): boolean {
  const rules = policy.penaltyNotices ?? NATIONAL_PENALTY_NOTICE_RULES;
  return noNoticeAllowed(rules, context.history?.parents, asOf) !== null;
}

function outsideCompulsorySchoolAge(context: PupilContext, asOf: IsoDate): boolean {
  return (
    context.dateOfBirth !== undefined &&
    notOfCompulsorySchoolAge(context.dateOfBirth, asOf) !== null
  );
}

function appliesTo(trigger: Trigger, context: PupilContext): boolean {
  if (trigger.inStage === undefined) return true;
  if (trigger.inStage === "none") return context.stage === undefined;
  return context.stage?.id === trigger.inStage;
}

/**
 * Fills in what the context leaves to the policy: the review date from the stage's rule, and,
 * when no review has been held, the band the pupil was in when the stage began.
 */
function withReviewDate(
  policy: Policy,
  index: SessionIndex,
  asOf: IsoDate,
  pupil: PupilToEvaluate,
): PupilContext {
  const stage = pupil.context.stage;
  if (!stage) return pupil.context;
  const definition = policy.stages.find((s) => s.id === stage.id);
  const reviewDue =
    stage.reviewDue ??
    (definition
      ? reviewDueDate(definition, stage.startedOn, stage.baseline, index, pupil.codes, asOf)
      : null);
  const startBand = bandOf(policy.bands, stage.baseline);
  const lastReview =
    pupil.context.lastReview ??
    (startBand ? { on: stage.startedOn, band: startBand.id } : undefined);
  return {
    ...pupil.context,
    stage: { ...stage, reviewDue },
    ...(lastReview ? { lastReview } : {}),
  };
}

/** The fixed key of triggers that propose once per year, term, half term or stage. */
function periodKey(
  trigger: Trigger,
  index: SessionIndex,
  asOf: IsoDate,
  context: PupilContext,
): string | null {
  switch (trigger.repeat) {
    case "each_new_breach":
      return null;
    case "once_per_year":
      return `${trigger.id}@year:${academicYearOf(asOf)}`;
    case "once_per_term":
      return `${trigger.id}@term:${index.calendar.periodContaining("term", asOf).from}`;
    case "once_per_half_term":
      return `${trigger.id}@half_term:${index.calendar.periodContaining("half_term", asOf).from}`;
    case "once_per_stage":
      return `${trigger.id}@stage:${context.stage?.id ?? "none"}:${context.stage?.startedOn ?? ""}`;
  }
}

function latest(dates: (IsoDate | null)[]): IsoDate | null {
  return dates.reduce<IsoDate | null>(
    (max, d) => (d !== null && (max === null || d > max) ? d : max),
    null,
  );
}

const FLAG_NAMES: Record<PupilFlagName, string> = {
  medical_condition: "a medical condition",
  sen_support: "SEN support",
  ehcp: "an education, health and care plan",
  has_social_worker: "a social worker",
  looked_after: "looked-after status",
  fsm: "free school meals",
  pupil_premium: "pupil premium",
  child_protection_plan: "a child protection plan",
  child_in_need_plan: "a child in need plan",
  safeguarding_concern: "a safeguarding concern",
};

function flagName(flag: PupilFlagName): string {
  return FLAG_NAMES[flag];
}
