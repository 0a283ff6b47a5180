import { CODES } from "../codes.ts";
import type { Condition } from "./conditions/index.ts";
import { describeDuration } from "./durations.ts";
import type { Period, PupilFlagName, Window } from "./fields.ts";
import type { HistoryEventKind } from "./history.ts";
import type { Action, Policy } from "./types.ts";

/**
 * A policy's conditions and actions in a family's words ("attendance this term is below 90%",
 * "we invite you to a meeting"), for the page parents read. One switch per kind with no default,
 * so a new kind of condition or action does not compile until it can be explained to a parent.
 */

export interface Names {
  /** Letter ids to the titles the school gives them. */
  letter(id: string): string;
  stage(id: string): string;
  band(id: string): string;
}

const PERIODS: Record<Period, string> = {
  year_to_date: "this school year so far",
  term: "this term",
  half_term: "this half term",
  since_stage_start: "since this stage began",
};

const FLAGS: Record<PupilFlagName, string> = {
  medical_condition: "has a medical condition",
  sen_support: "has special educational needs support",
  ehcp: "has an education, health and care plan",
  has_social_worker: "has a social worker",
  looked_after: "is looked after by the local authority",
  fsm: "is eligible for free school meals",
  pupil_premium: "is eligible for the pupil premium",
  child_protection_plan: "has a child protection plan",
  child_in_need_plan: "has a child in need plan",
  safeguarding_concern: "is the subject of a safeguarding concern",
};

const HISTORY: Record<Extract<Condition, { kind: "history" }>["event"], string> = {
  letter: "letter has been sent",
  notice_to_improve: "notice to improve has been issued",
  penalty_notice_referral: "referral for a penalty notice has been made",
  legal_intervention_referral: "referral for legal action has been made",
  social_care_referral: "referral to children's social care has been made",
  cme_report: "report to the local authority as missing education has been made",
  meeting_held: "meeting with you has been held",
  contract_agreed: "attendance contract has been agreed with you",
};

/** After which step a window starts, as the end of "since …". */
const AFTER: Record<HistoryEventKind, string> = {
  letter: "we wrote to you",
  notice_to_improve: "the notice to improve was issued",
  penalty_notice_referral: "the penalty-notice referral was made",
  legal_intervention_referral: "the referral for legal action was made",
  social_care_referral: "the referral to children's social care was made",
  cme_report: "the report as missing education was made",
  meeting_held: "we met with you",
  contract_agreed: "the attendance contract was agreed",
};

const REFERRALS: Record<Extract<Action, { type: "referral" }>["to"], string> = {
  education_welfare: "the local authority's education welfare service",
  legal_intervention: "the local authority to consider legal action",
  social_care: "children's social care",
  children_missing_education: "the local authority's children missing education team",
  la_illness_return: "the local authority (for a child too ill to attend school)",
  early_help: "early help, for support for the family",
};

export function periodInWords(period: Period | undefined): string {
  return PERIODS[period ?? "year_to_date"];
}

function windowInWords(window: Window): string {
  if ("after" in window)
    return window.after === "stage_evidence"
      ? "since the absence that began this stage"
      : `since ${AFTER[window.after]}`;
  if ("period" in window) return PERIODS[window.period];
  // "Any unauthorised session today" is written as a window of one school day.
  if (window.unit === "school_days" && window.length === 1) return "on the same day";
  return `in the last ${describeDuration(window)}`;
}

/** "O, G or U": the codes a parent will find explained under the page's list of codes. */
export function codesInWords(symbols: readonly string[] | undefined): string {
  if (!symbols || symbols.length === 0) return "absence";
  if (symbols.length === 1) return `code ${symbols[0]}`;
  return `codes ${symbols.slice(0, -1).join(", ")} or ${symbols.at(-1)}`;
}

function listInWords(parts: string[], join: "and" | "or"): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} ${join} ${parts.at(-1)}`;
}

function percentWords(c: { below?: number; atOrBelow?: number; atOrAbove?: number }): string {
  const parts: string[] = [];
  if (c.below !== undefined) parts.push(`below ${c.below}%`);
  if (c.atOrBelow !== undefined) parts.push(`${c.atOrBelow}% or lower`);
  if (c.atOrAbove !== undefined) parts.push(`${c.atOrAbove}% or higher`);
  return parts.join(" and ");
}

function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

/** A condition as the end of "when …": "your child's attendance this term is below 90%". */
export function conditionInWords(c: Condition, names: Names): string {
  switch (c.kind) {
    case "attendance":
      return `your child's attendance ${periodInWords(c.period)} is ${percentWords(c)}`;
    case "band":
      return `your child's attendance ${periodInWords(c.period)} is in the ${listInWords(
        c.in.map((id) => names.band(id)),
        "or",
      )} band`;
    case "code_count":
      return c.atLeast === 1
        ? `a session is recorded with ${codesInWords(c.codes)} ${windowInWords(c.window)}`
        : `${c.atLeast} or more sessions are recorded with ${codesInWords(c.codes)} ${windowInWords(c.window)}`;
    case "absence_days":
      return c.mode === "consecutive"
        ? `your child is absent (${codesInWords(c.codes)}) for ${c.atLeast} school days in a row ${periodInWords(c.period)}`
        : `your child is absent (${codesInWords(c.codes)}) for ${c.atLeast} school days in all ${periodInWords(c.period)}`;
    case "weekday_pattern":
      return `your child is absent on the same day of the week ${times(c.atLeast)} ${periodInWords(c.period)}`;
    case "spells":
      return `your child has ${c.atLeast} or more separate spells of absence ${periodInWords(c.period)}`;
    case "improvement":
      return c.expect === "improved"
        ? "your child's attendance has improved enough since this stage began"
        : "your child's attendance has not improved enough since this stage began";
    case "band_change":
      return c.direction === "better"
        ? `your child's attendance has moved up a band ${periodInWords(c.period)}`
        : c.direction === "worse"
          ? `your child's attendance has moved down a band ${periodInWords(c.period)}`
          : `your child's attendance has stayed in the same band ${periodInWords(c.period)}`;
    case "review_due":
      return "the review date for this stage arrives";
    case "flag":
      return `your child ${FLAGS[c.flag]}`;
    case "penalty_notices":
      return `${c.parent === "every" ? "every parent has" : "a parent has"} already had ${c.atLeast} or more ${
        c.count === "paid" ? "paid " : c.count === "unpaid" ? "unpaid " : ""
      }penalty notices for this child in the last ${c.withinYears === 1 ? "year" : `${c.withinYears} years`}`;
    case "history": {
      const what = c.letter ? `${names.letter(c.letter)} has been sent` : HISTORY[c.event];
      const when = !c.within
        ? ""
        : "years" in c.within
          ? ` in the last ${c.within.years === 1 ? "year" : `${c.within.years} years`}`
          : ` ${PERIODS[c.within.period]}`;
      const count = (c.atLeast ?? 1) > 1 ? ` ${times(c.atLeast ?? 1)}` : "";
      return `a ${what}${count}${when}`;
    }
    case "refused_leave_taken":
      return `your child has missed ${c.atLeast} or more sessions for leave in term time that the school refused`;
    case "in_stage": {
      const where = c.stage
        ? `your child is at the stage "${names.stage(c.stage)}"${c.status ? ` ("${c.status}")` : ""}`
        : `your child is "${c.status}"`;
      return c.forAtLeast ? `${where} for ${describeDuration(c.forAtLeast)} or more` : where;
    }
    case "all":
      return listInWords(
        c.of.map((part) => conditionInWords(part, names)),
        "and",
      );
    case "any":
      return `either ${listInWords(
        c.of.map((part) => conditionInWords(part, names)),
        "or",
      )}`;
    case "not":
      return `it is not the case that ${conditionInWords(c.condition, names)}`;
  }
}

/** An action as what the school does: "we invite you to a meeting". */
export function actionInWords(a: Action, names: Names): string {
  switch (a.type) {
    case "letter":
      return `we write to you (${names.letter(a.letter)})`;
    case "meeting":
      return a.noticeDays
        ? `we invite you to a meeting, with at least ${a.noticeDays} days' notice`
        : "we invite you to a meeting";
    case "start_stage":
      return `your child moves to the stage "${names.stage(a.stage)}"`;
    case "close_stage":
      return `we close the stage (${a.outcome})`;
    case "attendance_contract":
      return "we agree an attendance contract with you: the support we give and what you and your child agree to do";
    case "notice_to_improve":
      return "we may issue a formal notice to improve, with a period in which attendance must improve";
    case "consider_penalty_notice":
      return "we consider asking the local authority to issue a penalty notice";
    case "referral":
      return `we refer your child to ${REFERRALS[a.to]}`;
    case "notify_social_worker":
      return "we tell your child's social worker";
    case "praise":
      return "we recognise and praise your child's attendance";
  }
}

/** The names a policy gives its stages and bands, with letter titles from the school. */
export function namesIn(policy: Policy, letter: (id: string) => string): Names {
  const stages = new Map(policy.stages.map((s) => [s.id, s.name]));
  const bands = new Map(policy.bands.map((b) => [b.id, b.name]));
  return {
    letter,
    stage: (id) => stages.get(id) ?? id,
    band: (id) => bands.get(id) ?? id,
  };
}

/** Every register code a policy's conditions name, once each, with its meaning. */
export function codesNamed(policy: Policy): { symbol: string; meaning: string }[] {
  const found = new Set<string>();
  const visit = (c: Condition): void => {
    if (c.kind === "all" || c.kind === "any") c.of.forEach(visit);
    else if (c.kind === "not") visit(c.condition);
    else if ("codes" in c && c.codes) for (const s of c.codes) found.add(s);
  };
  for (const t of policy.triggers) visit(t.when);
  return [...found].map((symbol) => ({
    symbol,
    // The code's current meaning: the latest row for a symbol reused across the regulations.
    meaning: CODES.filter((code) => code.symbol === symbol).at(-1)?.meaning ?? symbol,
  }));
}
