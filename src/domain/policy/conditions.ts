import { academicYearBounds, academicYearOf } from "../calendar.ts";
import { codeByIndex } from "../codes.ts";
import type { IsoDate } from "../dates.ts";
import { dayLabel, WEEKDAY_NAMES } from "../dates.ts";
import { formatPercent, type Ratio } from "../statistics.ts";
import { bandOf, comparePercent } from "./bands.ts";
import { judgeImprovement } from "./improvement.ts";
import { ATTENDING, codeSet, POSSIBLE, type SessionIndex } from "./timeline.ts";
import type { Band, Condition, Period, Policy, PupilFlagName, Window } from "./types.ts";

/** What the engine knows about a pupil besides their marks: flags, the stage they are in, the last review. */
export interface PupilContext {
  flags: Partial<Record<PupilFlagName, boolean>>;
  stage?: { id: string; startedOn: IsoDate; baseline: Ratio; reviewDue: IsoDate | null };
  lastReview?: { on: IsoDate; band: string };
}

export interface Evaluation {
  policy: Policy;
  index: SessionIndex;
  /** The pupil's code per session of the index. */
  codes: Uint8Array;
  asOf: IsoDate;
  /** Sessions [0, end) are on or before asOf. */
  end: number;
  context: PupilContext;
  /** Marks on or before this date were evidence for an earlier proposal of the same trigger. */
  since: IsoDate | null;
}

export interface Outcome {
  met: boolean;
  /** Plain English, naming the figures, dates and marks. */
  reason: string;
  /** Session indices that are the evidence. */
  evidence: number[];
}

const ABSENCE_CODES = [
  "C",
  "C1",
  "C2",
  "E",
  "I",
  "J1",
  "M",
  "R",
  "S",
  "T",
  "G",
  "N",
  "O",
  "U",
  "H",
  "F",
];

export function evaluateCondition(condition: Condition, e: Evaluation): Outcome {
  switch (condition.kind) {
    case "attendance":
      return attendance(condition, e);
    case "band":
      return band(condition, e);
    case "code_count":
      return codeCount(condition, e);
    case "absence_days":
      return absenceDays(condition, e);
    case "weekday_pattern":
      return weekdayPattern(condition, e);
    case "spells":
      return spells(condition, e);
    case "improvement":
      return improvement(condition, e);
    case "band_change":
      return bandChange(condition, e);
    case "review_due":
      return reviewDue(e);
    case "flag":
      return e.context.flags[condition.flag]
        ? {
            met: true,
            reason: `the pupil has the ${condition.flag.replaceAll("_", " ")} flag`,
            evidence: [],
          }
        : { met: false, reason: `no ${condition.flag.replaceAll("_", " ")} flag`, evidence: [] };
    case "all": {
      const outcomes: Outcome[] = [];
      for (const part of condition.of) {
        const outcome = evaluateCondition(part, e);
        if (!outcome.met) return outcome;
        outcomes.push(outcome);
      }
      return combine(outcomes, "; and ");
    }
    case "any": {
      const outcomes = condition.of.map((part) => evaluateCondition(part, e));
      const met = outcomes.filter((o) => o.met);
      return met.length > 0
        ? combine(met, "; and also ")
        : { met: false, reason: outcomes.map((o) => o.reason).join("; "), evidence: [] };
    }
    case "not": {
      const inner = evaluateCondition(condition.condition, e);
      return { met: !inner.met, reason: `not so: ${inner.reason}`, evidence: [] };
    }
  }
}

function combine(outcomes: Outcome[], joiner: string): Outcome {
  const evidence = [...new Set(outcomes.flatMap((o) => o.evidence))].sort((a, b) => a - b);
  return { met: true, reason: outcomes.map((o) => o.reason).join(joiner), evidence };
}

/** Session range [lo, hi) of a period ending at asOf. */
export function periodRange(
  period: Period,
  e: Evaluation,
): { lo: number; hi: number; label: string } {
  const { index, asOf, end } = e;
  if (period === "since_stage_start") {
    const started = e.context.stage?.startedOn;
    if (!started) return { lo: end, hi: end, label: "since the stage began (no stage)" };
    return { lo: index.firstOnOrAfter(started), hi: end, label: `since ${dayLabel(started)}` };
  }
  if (period === "year_to_date") {
    return {
      lo: index.firstOnOrAfter(academicYearBounds(academicYearOf(asOf)).from),
      hi: end,
      label: "this year to date",
    };
  }
  const range = index.calendar.periodContaining(period, asOf);
  return {
    lo: index.firstOnOrAfter(range.from),
    hi: Math.min(end, index.endOf(range.to)),
    label: period === "term" ? "this term" : "this half term",
  };
}

export function attendanceOver(codes: Uint8Array, lo: number, hi: number): Ratio {
  let possible = 0;
  let attending = 0;
  for (let i = lo; i < hi; i++) {
    const code = codes[i] as number;
    possible += POSSIBLE[code] as number;
    attending += ATTENDING[code] as number;
  }
  return { numerator: attending, denominator: possible };
}

function describeAttendance(ratio: Ratio, label: string): string {
  return `attendance ${label} is ${formatPercent(ratio)}% (${ratio.numerator} of ${ratio.denominator} sessions)`;
}

function attendance(c: Extract<Condition, { kind: "attendance" }>, e: Evaluation): Outcome {
  const { lo, hi, label } = periodRange(c.period, e);
  const ratio = attendanceOver(e.codes, lo, hi);
  if (ratio.denominator === 0)
    return { met: false, reason: `no possible sessions ${label}`, evidence: [] };
  if (ratio.denominator < (c.minimumSessions ?? 0)) {
    return {
      met: false,
      reason: `only ${ratio.denominator} possible sessions ${label}, fewer than the ${c.minimumSessions} needed to judge`,
      evidence: [],
    };
  }
  const checks: [boolean, string][] = [];
  if (c.below !== undefined) checks.push([comparePercent(ratio, c.below) < 0, `below ${c.below}%`]);
  if (c.atOrBelow !== undefined)
    checks.push([comparePercent(ratio, c.atOrBelow) <= 0, `at or below ${c.atOrBelow}%`]);
  if (c.atOrAbove !== undefined)
    checks.push([comparePercent(ratio, c.atOrAbove) >= 0, `at or above ${c.atOrAbove}%`]);
  const met = checks.every(([ok]) => ok);
  return {
    met,
    reason: `${describeAttendance(ratio, label)}, ${met ? "" : "not "}${checks.map(([, text]) => text).join(" and ")}`,
    evidence: [],
  };
}

function band(c: Extract<Condition, { kind: "band" }>, e: Evaluation): Outcome {
  const { lo, hi, label } = periodRange(c.period ?? "year_to_date", e);
  const ratio = attendanceOver(e.codes, lo, hi);
  const current = bandOf(e.policy.bands, ratio);
  if (!current || ratio.denominator < (c.minimumSessions ?? 0)) {
    return {
      met: false,
      reason: `only ${ratio.denominator} possible sessions ${label}, not enough to judge`,
      evidence: [],
    };
  }
  const met = c.in.includes(current.id);
  return { met, reason: `${describeAttendance(ratio, label)}: ${current.name}`, evidence: [] };
}

/** The school week (or day) window ending at asOf, or a period. */
function windowRange(w: Window, e: Evaluation): { lo: number; hi: number; label: string } {
  if ("period" in w) return periodRange(w.period, e);
  const { index, end } = e;
  if (end === 0) return { lo: 0, hi: 0, label: "" };
  const last = end - 1;
  const unit = w.unit === "school_weeks" ? index.week : index.day;
  const first = (unit[last] as number) - w.length + 1;
  let lo = last;
  while (lo > 0 && (unit[lo - 1] as number) >= first) lo--;
  const noun = w.unit === "school_weeks" ? "school weeks" : "school days";
  return { lo, hi: end, label: `within the last ${w.length} ${noun}` };
}

function sinceIndex(e: Evaluation): number {
  return e.since ? e.index.endOf(e.since) : 0;
}

export function describeSessions(e: Evaluation, sessions: number[], limit = 30): string {
  const shown = sessions
    .slice(0, limit)
    .map(
      (i) =>
        `${codeByIndex(e.codes[i] as number).symbol} on ${dayLabel(e.index.dates[i] as string)} ${e.index.sessions[i]}`,
    );
  return sessions.length > limit
    ? `${shown.join(", ")} and ${sessions.length - limit} more`
    : shown.join(", ");
}

function codeCount(c: Extract<Condition, { kind: "code_count" }>, e: Evaluation): Outcome {
  const set = codeSet(c.codes);
  const range = windowRange(c.window, e);
  const lo = Math.max(range.lo, sinceIndex(e));
  const found: number[] = [];
  for (let i = lo; i < range.hi; i++) if (set[e.codes[i] as number]) found.push(i);
  const codes = joinCodes(c.codes);
  const met = found.length >= c.atLeast;
  if (!met)
    return {
      met,
      reason: `${found.length} session(s) of ${codes} ${range.label}, fewer than ${c.atLeast}`,
      evidence: [],
    };
  const from = dayLabel(e.index.dates[found[0] as number] as string);
  const to = dayLabel(e.index.dates[found.at(-1) as number] as string);
  return {
    met,
    reason: `${found.length} sessions of ${codes} ${range.label} (${from} to ${to}), at least ${c.atLeast}: ${describeSessions(e, found)}`,
    evidence: found,
  };
}

function joinCodes(codes: string[]): string {
  return codes.length === 1
    ? (codes[0] as string)
    : `${codes.slice(0, -1).join(", ")} or ${codes.at(-1)}`;
}

/**
 * Whole days absent with the codes, in one pass without allocating (this runs for every pupil):
 * a day counts when every session of it carries one of the codes.
 */
function absenceDays(c: Extract<Condition, { kind: "absence_days" }>, e: Evaluation): Outcome {
  const set = codeSet(c.codes);
  const range = periodRange(c.period ?? "year_to_date", e);
  const lo = Math.max(range.lo, sinceIndex(e));
  const { codes, index } = e;
  const label = joinCodes(c.codes);
  if (c.mode === "cumulative") {
    let sessions = 0;
    for (let i = lo; i < range.hi; i++) sessions += set[codes[i] as number] as number;
    const days = sessions / 2;
    if (days < c.atLeast)
      return {
        met: false,
        reason: `${days} day(s) of ${label} ${range.label} in all, fewer than ${c.atLeast}`,
        evidence: [],
      };
    const evidence: number[] = [];
    for (let i = lo; i < range.hi; i++) if (set[codes[i] as number]) evidence.push(i);
    return {
      met: true,
      reason: `${days} day(s) of ${label} ${range.label} in all, at least ${c.atLeast}: ${describeSessions(e, evidence, 12)}`,
      evidence,
    };
  }
  let best = 0;
  let bestFrom = lo;
  let bestTo = lo;
  let run = 0;
  let runFrom = lo;
  let dayStart = lo;
  let whole = true;
  for (let i = lo; i <= range.hi; i++) {
    const newDay = i === range.hi || (i > lo && index.day[i] !== index.day[i - 1]);
    if (newDay && i > lo) {
      if (whole) {
        if (run === 0) runFrom = dayStart;
        run++;
        if (run > best) {
          best = run;
          bestFrom = runFrom;
          bestTo = i;
        }
      } else {
        run = 0;
      }
      dayStart = i;
      whole = true;
    }
    if (i < range.hi && !set[codes[i] as number]) whole = false;
  }
  if (best < c.atLeast) {
    return {
      met: false,
      reason: `longest unbroken run of ${label} ${range.label} is ${best} school day(s), fewer than ${c.atLeast}`,
      evidence: [],
    };
  }
  const evidence: number[] = [];
  for (let i = bestFrom; i < bestTo; i++) evidence.push(i);
  return {
    met: true,
    reason: `absent (${label}) for ${best} school days in a row, from ${dayLabel(index.dates[bestFrom] as string)} to ${dayLabel(index.dates[bestTo - 1] as string)}`,
    evidence,
  };
}

function weekdayPattern(
  c: Extract<Condition, { kind: "weekday_pattern" }>,
  e: Evaluation,
): Outcome {
  const set = codeSet(c.codes ?? ABSENCE_CODES);
  const range = periodRange(c.period, e);
  const lo = Math.max(range.lo, sinceIndex(e));
  const byWeekday: number[][] = [[], [], [], [], [], [], []];
  const seenDays = new Set<number>();
  for (let i = lo; i < range.hi; i++) {
    const day = e.index.day[i] as number;
    if (!set[e.codes[i] as number] || seenDays.has(day)) continue;
    seenDays.add(day);
    byWeekday[e.index.weekday[i] as number]?.push(i);
  }
  let worst = 0;
  byWeekday.forEach((list, d) => {
    if (list.length > (byWeekday[worst]?.length ?? 0)) worst = d;
  });
  const list = byWeekday[worst] ?? [];
  const met = list.length >= c.atLeast;
  const name = WEEKDAY_NAMES[worst] as string;
  return met
    ? {
        met,
        reason: `absent on ${list.length} ${name}s ${range.label}: ${list.map((i) => dayLabel(e.index.dates[i] as string)).join(", ")}`,
        evidence: list,
      }
    : {
        met,
        reason: `absent on at most ${list.length} of the same weekday ${range.label}, fewer than ${c.atLeast}`,
        evidence: [],
      };
}

function spells(c: Extract<Condition, { kind: "spells" }>, e: Evaluation): Outcome {
  const set = codeSet(c.codes ?? ABSENCE_CODES);
  const range = periodRange(c.period, e);
  const lo = Math.max(range.lo, sinceIndex(e));
  const starts: number[] = [];
  let inSpell = false;
  for (let i = lo; i < range.hi; i++) {
    const code = e.codes[i] as number;
    const absent = set[code] === 1;
    if (absent && !inSpell) starts.push(i);
    if (POSSIBLE[code] || absent) inSpell = absent;
  }
  const met = starts.length >= c.atLeast;
  return met
    ? {
        met,
        reason: `${starts.length} separate spells of absence ${range.label}, starting ${starts.map((i) => `${dayLabel(e.index.dates[i] as string)} ${e.index.sessions[i]}`).join(", ")}`,
        evidence: starts,
      }
    : {
        met,
        reason: `${starts.length} spell(s) of absence ${range.label}, fewer than ${c.atLeast}`,
        evidence: [],
      };
}

function improvement(c: Extract<Condition, { kind: "improvement" }>, e: Evaluation): Outcome {
  const stage = e.context.stage;
  if (!stage)
    return {
      met: false,
      reason: "not in a stage, so there is no starting attendance to compare with",
      evidence: [],
    };
  const { lo, hi, label } = periodRange("since_stage_start", e);
  const now = attendanceOver(e.codes, lo, hi);
  if (now.denominator === 0)
    return { met: false, reason: `no possible sessions ${label} yet`, evidence: [] };
  const { improved, needed } = judgeImprovement(stage.baseline, now, e.policy.target, c);
  const met = c.expect === "improved" ? improved : !improved;
  return {
    met,
    reason: `attendance ${label} is ${formatPercent(now)}% against ${formatPercent(stage.baseline)}% when the stage began: ${improved ? "improved" : "not improved"} (needed a rise of ${needed.toFixed(1)} points)`,
    evidence: [],
  };
}

function bandChange(c: Extract<Condition, { kind: "band_change" }>, e: Evaluation): Outcome {
  const last = e.context.lastReview;
  if (!last) return { met: false, reason: "no earlier review to compare bands with", evidence: [] };
  const { lo, hi, label } = periodRange(c.period ?? "year_to_date", e);
  const ratio = attendanceOver(e.codes, lo, hi);
  const now = bandOf(e.policy.bands, ratio);
  const before = e.policy.bands.findIndex((b: Band) => b.id === last.band);
  if (!now || before < 0) return { met: false, reason: `no band ${label}`, evidence: [] };
  const after = e.policy.bands.indexOf(now);
  const direction = after < before ? "better" : after > before ? "worse" : "same";
  const was = e.policy.bands[before]?.name;
  return {
    met: direction === c.direction,
    reason: `${describeAttendance(ratio, label)}: ${now.name}, ${direction === "same" ? "the same band as" : `${direction} than`} ${was} at the review on ${dayLabel(last.on)}`,
    evidence: [],
  };
}

function reviewDue(e: Evaluation): Outcome {
  const due = e.context.stage?.reviewDue;
  if (!due) return { met: false, reason: "no review date set", evidence: [] };
  return due <= e.asOf
    ? { met: true, reason: `the review was due on ${dayLabel(due)}`, evidence: [] }
    : { met: false, reason: `the review is due on ${dayLabel(due)}`, evidence: [] };
}
