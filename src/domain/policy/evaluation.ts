import { academicYearBounds, academicYearOf } from "../calendar.ts";
import { codeByIndex } from "../codes.ts";
import type { IsoDate } from "../dates.ts";
import { dayLabel } from "../dates.ts";
import { formatPercent, type Ratio } from "../statistics.ts";
import type { Period, PupilFlagName, Window } from "./fields.ts";
import type { PupilHistory } from "./history.ts";
import { ATTENDING, POSSIBLE, type SessionIndex } from "./timeline.ts";
import type { Policy } from "./types.ts";

/**
 * What a condition is judged against, and the ranges and figures several condition kinds share.
 * Everything here runs for every pupil of a school: it reads the Uint8Array of codes by session
 * index and allocates only when it describes evidence.
 */

/** What the engine knows about a pupil besides their marks: flags, the stage they are in, the last review. */
export interface PupilContext {
  flags: Partial<Record<PupilFlagName, boolean>>;
  /** For the law's age rule: legal steps only for a child of compulsory school age. */
  dateOfBirth?: IsoDate;
  stage?: {
    id: string;
    startedOn: IsoDate;
    baseline: Ratio;
    reviewDue: IsoDate | null;
    /** The last day of the marks that began the stage; absent or null when started by hand. */
    evidenceEnd?: IsoDate | null;
  };
  lastReview?: { on: IsoDate; band: string };
  /** Notices per parent, referrals and letters already made; none known when absent. */
  history?: PupilHistory;
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

/** The school week (or day) window ending at asOf, or a period. */
export function windowRange(w: Window, e: Evaluation): { lo: number; hi: number; label: string } {
  if ("period" in w) return periodRange(w.period, e);
  const { index, end } = e;
  if ("after" in w && w.after !== "stage_evidence") {
    // The latest such step on or before the day evaluated; none yet, no window.
    let on: IsoDate | null = null;
    for (const h of e.context.history?.events ?? [])
      if (
        h.kind === w.after &&
        (w.letter === undefined || h.letter === w.letter) &&
        h.on <= e.asOf &&
        (on === null || h.on > on)
      )
        on = h.on;
    const what =
      w.after === "letter" && w.letter ? `letter ${w.letter}` : w.after.replaceAll("_", " ");
    if (on === null) return { lo: end, hi: end, label: `since the ${what} (none yet)` };
    return {
      lo: Math.min(end, index.endOf(on)),
      hi: end,
      label: `since the ${what} (after ${dayLabel(on)})`,
    };
  }
  if ("after" in w) {
    const stage = e.context.stage;
    if (!stage) return { lo: end, hi: end, label: "since the stage began (no stage)" };
    // After the day of the last mark that began the stage (or, started by hand, the day it
    // started): the absence that caused it never counts again, however late Accept was pressed.
    const after = stage.evidenceEnd ?? stage.startedOn;
    return {
      lo: Math.min(end, index.endOf(after)),
      hi: end,
      label: `since the absence that began the stage (after ${dayLabel(after)})`,
    };
  }
  if (end === 0) return { lo: 0, hi: 0, label: "" };
  const last = end - 1;
  const unit = w.unit === "school_weeks" ? index.week : index.day;
  const first = (unit[last] as number) - w.length + 1;
  let lo = last;
  while (lo > 0 && (unit[lo - 1] as number) >= first) lo--;
  const noun = w.unit === "school_weeks" ? "school weeks" : "school days";
  return { lo, hi: end, label: `within the last ${w.length} ${noun}` };
}

/** The first session not already evidence for an earlier proposal of the same trigger. */
export function sinceIndex(e: Evaluation): number {
  return e.since ? e.index.endOf(e.since) : 0;
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

export function describeAttendance(ratio: Ratio, label: string): string {
  return `attendance ${label} is ${formatPercent(ratio)}% (${ratio.numerator} of ${ratio.denominator} sessions)`;
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

/** "G, N or U". */
export function joinCodes(codes: readonly string[]): string {
  let joined = joinedCodes.get(codes);
  if (joined === undefined) {
    joined =
      codes.length === 1
        ? (codes[0] as string)
        : `${codes.slice(0, -1).join(", ")} or ${codes.at(-1)}`;
    joinedCodes.set(codes, joined);
  }
  return joined;
}

// Asked for each pupil's reason about the same condition's list.
const joinedCodes = new WeakMap<readonly string[], string>();
