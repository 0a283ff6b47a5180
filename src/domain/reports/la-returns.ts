import { academicYearBounds, academicYearOf } from "../calendar.ts";
import { codeByIndex } from "../codes.ts";
import type { IsoDate } from "../dates.ts";
import { type Evaluation, evaluateCondition, type Outcome } from "../policy/conditions/index.ts";
import type { SessionIndex } from "../policy/timeline.ts";
import type { Condition, Policy, Trigger } from "../policy/types.ts";

/**
 * The two returns a school sends its local authority (reference report §4, register duties):
 * pupils absent without the school's permission for a continuous period of 10 school days or more
 * (children missing education), and pupils who have missed 15 school days through illness,
 * consecutive or cumulative (the sickness return). The thresholds come from the school's policy
 * triggers that send these referrals; without one, the statutory figures are used and the report
 * says so. The counting is the policy engine's own `absence_days` condition, so a return and the
 * proposal the engine made for it always agree.
 */

type AbsenceDays = Extract<Condition, { kind: "absence_days" }>;

export interface ContinuousAbsenceRule {
  codes: string[];
  days: number;
  source: "policy" | "default";
  trigger: string | null;
  statement: string;
}

export interface IllnessRule {
  codes: string[];
  /** Days of illness in one unbroken run that call for a return (null: the policy does not say). */
  consecutiveDays: number | null;
  /** Days of illness over the year in all that call for a return (null: the policy does not say). */
  cumulativeDays: number | null;
  source: "policy" | "default";
  trigger: string | null;
  statement: string;
}

/** Absence without the school's permission: G, N and O (U is a late arrival, so the pupil came). */
export const STATUTORY_CONTINUOUS_CODES = ["G", "N", "O"];
export const STATUTORY_CONTINUOUS_DAYS = 10;
export const STATUTORY_ILLNESS_DAYS = 15;

function absenceDayConditions(condition: Condition): AbsenceDays[] {
  if (condition.kind === "absence_days") return [condition];
  if (condition.kind === "all" || condition.kind === "any")
    return condition.of.flatMap(absenceDayConditions);
  return [];
}

function referringTrigger(policy: Policy | undefined, to: string): Trigger | undefined {
  return policy?.triggers.find(
    (t) =>
      t.actions.some((a) => a.type === "referral" && a.to === to) &&
      absenceDayConditions(t.when).length > 0,
  );
}

const list = (codes: string[]) =>
  codes.length === 1 ? (codes[0] as string) : `${codes.slice(0, -1).join(", ")} or ${codes.at(-1)}`;

export function continuousAbsenceRule(policy: Policy | undefined): ContinuousAbsenceRule {
  const trigger = referringTrigger(policy, "children_missing_education");
  const condition = trigger
    ? absenceDayConditions(trigger.when).find((c) => c.mode === "consecutive")
    : undefined;
  if (trigger && condition) {
    return {
      codes: condition.codes,
      days: condition.atLeast,
      source: "policy",
      trigger: trigger.name,
      statement: `Pupils with ${condition.atLeast} or more school days in a row, every session coded ${list(condition.codes)}, this academic year to date: the threshold of the school's policy trigger "${trigger.name}".`,
    };
  }
  return {
    codes: STATUTORY_CONTINUOUS_CODES,
    days: STATUTORY_CONTINUOUS_DAYS,
    source: "default",
    trigger: null,
    statement: `Pupils with ${STATUTORY_CONTINUOUS_DAYS} or more school days in a row, every session coded ${list(STATUTORY_CONTINUOUS_CODES)} (absent without the school's permission), this academic year to date. The school's policy has no trigger referring children missing education, so the statutory default of ${STATUTORY_CONTINUOUS_DAYS} school days is used.`,
  };
}

export function illnessRule(policy: Policy | undefined): IllnessRule {
  const trigger = referringTrigger(policy, "la_illness_return");
  const conditions = trigger ? absenceDayConditions(trigger.when) : [];
  const consecutive = conditions.find((c) => c.mode === "consecutive");
  const cumulative = conditions.find((c) => c.mode === "cumulative");
  if (trigger && (consecutive || cumulative)) {
    const codes = (consecutive ?? cumulative)?.codes ?? ["I"];
    const parts = [
      consecutive ? `${consecutive.atLeast} school days in a row` : null,
      cumulative ? `${cumulative.atLeast} school days in all` : null,
    ].filter(Boolean);
    return {
      codes,
      consecutiveDays: consecutive?.atLeast ?? null,
      cumulativeDays: cumulative?.atLeast ?? null,
      source: "policy",
      trigger: trigger.name,
      statement: `Pupils with ${parts.join(" or ")} of illness (${list(codes)}) this academic year to date: the thresholds of the school's policy trigger "${trigger.name}".`,
    };
  }
  return {
    codes: ["I"],
    consecutiveDays: STATUTORY_ILLNESS_DAYS,
    cumulativeDays: STATUTORY_ILLNESS_DAYS,
    source: "default",
    trigger: null,
    statement: `Pupils with ${STATUTORY_ILLNESS_DAYS} school days of illness (I) this academic year to date, in a row or in all. The school's policy has no trigger for the local authority's illness return, so the default of ${STATUTORY_ILLNESS_DAYS} school days is used.`,
  };
}

export interface EvidenceMark {
  date: IsoDate;
  session: "AM" | "PM";
  code: string;
}

export interface AbsenceRun {
  from: IsoDate;
  to: IsoDate;
  days: number;
  /** The run reaches the last school day on or before the report's date: the pupil is still away. */
  ongoing: boolean;
  explanation: string;
  evidence: EvidenceMark[];
}

export interface PupilMarks {
  index: SessionIndex;
  /** The pupil's code per session of the index. */
  codes: Uint8Array;
  asOf: IsoDate;
  policy: Policy | undefined;
}

// `absence_days` reads nothing of the policy but its condition; a school without one still reports.
const NO_POLICY: Policy = { name: "none", target: 0, bands: [], stages: [], triggers: [] };

function evaluation(m: PupilMarks, lo: number, hi: number): Evaluation {
  return {
    policy: m.policy ?? NO_POLICY,
    index: m.index,
    codes: m.codes,
    asOf: hi > 0 ? (m.index.dates[hi - 1] as IsoDate) : m.asOf,
    end: hi,
    context: { flags: {} },
    since: lo > 0 ? (m.index.dates[lo - 1] as IsoDate) : null,
  };
}

function evidenceOf(m: PupilMarks, sessions: number[]): EvidenceMark[] {
  return sessions.map((i) => ({
    date: m.index.dates[i] as IsoDate,
    session: m.index.sessions[i] as "AM" | "PM",
    code: codeByIndex(m.codes[i] as number).symbol,
  }));
}

/** The session range of the academic year holding asOf, up to asOf. */
function yearToDate(m: PupilMarks): [number, number] {
  return [
    m.index.firstOnOrAfter(academicYearBounds(academicYearOf(m.asOf)).from),
    m.index.endOf(m.asOf),
  ];
}

/**
 * Every unbroken run of at least `days` whole school days with the codes this year to date. The
 * engine's condition finds the longest run in a stretch of sessions; the stretches either side of
 * it are searched the same way, so each run is found once, earliest first.
 */
export function absenceRuns(m: PupilMarks, rule: { codes: string[]; days: number }): AbsenceRun[] {
  const [yearStart, end] = yearToDate(m);
  const condition: AbsenceDays = {
    kind: "absence_days",
    codes: rule.codes,
    atLeast: rule.days,
    mode: "consecutive",
    period: "year_to_date",
  };
  const runs: AbsenceRun[] = [];
  const search = (lo: number, hi: number) => {
    if (hi <= lo) return;
    const outcome = evaluateCondition(condition, evaluation(m, lo, hi));
    const first = outcome.evidence[0];
    const last = outcome.evidence.at(-1);
    if (!outcome.met || first === undefined || last === undefined) return;
    search(lo, first);
    runs.push({
      from: m.index.dates[first] as IsoDate,
      to: m.index.dates[last] as IsoDate,
      days: new Set(outcome.evidence.map((i) => m.index.day[i])).size,
      ongoing: last + 1 === end,
      explanation: outcome.reason,
      evidence: evidenceOf(m, outcome.evidence),
    });
    search(last + 1, hi);
  };
  search(yearStart, end);
  return runs;
}

export interface IllnessFinding {
  /** School days of illness this year to date (half days count as a half). */
  days: number;
  /** Met in all over the year: the date the threshold was reached, or null. */
  cumulative: { met: boolean; reachedOn: IsoDate | null; explanation: string } | null;
  /** Unbroken runs at or over the consecutive threshold. */
  runs: AbsenceRun[];
  firstDate: IsoDate | null;
  lastDate: IsoDate | null;
  /** Every illness session this year. */
  evidence: EvidenceMark[];
}

/** A pupil's illness this year, or null when neither threshold is reached. */
export function illnessFinding(m: PupilMarks, rule: IllnessRule): IllnessFinding | null {
  const [yearStart, end] = yearToDate(m);
  const year = evaluation(m, yearStart, end);
  const all: Outcome = evaluateCondition(
    { kind: "absence_days", codes: rule.codes, atLeast: 0, mode: "cumulative" },
    year,
  );
  const days = all.evidence.length / 2;
  let cumulative: IllnessFinding["cumulative"] = null;
  if (rule.cumulativeDays !== null) {
    const outcome = evaluateCondition(
      { kind: "absence_days", codes: rule.codes, atLeast: rule.cumulativeDays, mode: "cumulative" },
      year,
    );
    const reached = outcome.met ? all.evidence[rule.cumulativeDays * 2 - 1] : undefined;
    cumulative = {
      met: outcome.met,
      reachedOn: reached === undefined ? null : (m.index.dates[reached] as IsoDate),
      explanation: outcome.reason,
    };
  }
  const runs =
    rule.consecutiveDays === null
      ? []
      : absenceRuns(m, { codes: rule.codes, days: rule.consecutiveDays });
  if (!cumulative?.met && runs.length === 0) return null;
  const evidence = evidenceOf(m, all.evidence);
  return {
    days,
    cumulative,
    runs,
    firstDate: evidence[0]?.date ?? null,
    lastDate: evidence.at(-1)?.date ?? null,
    evidence,
  };
}
