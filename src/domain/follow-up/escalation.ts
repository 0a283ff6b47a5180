import type { FollowUpRules, Policy } from "../policy/types.ts";

/** The trust policy's ladder: call before 9:30, text if unreachable, home visits on days 2 and 4, CME after 10 days. */
export const DEFAULT_FOLLOW_UP: FollowUpRules = {
  callBefore: "09:30",
  textIfUnreachable: true,
  homeVisitOnDays: [2, 4],
  safeguardingImmediateVisit: true,
  missingEducationAfterDays: 10,
  riskGroups: [],
};

export type RiskGroup = FollowUpRules["riskGroups"][number]["group"];

const GROUP_NAMES: Record<RiskGroup, string> = {
  safeguarding_concern: "Safeguarding concern",
  has_social_worker: "Social worker",
  looked_after: "Looked after",
  child_protection_plan: "Child protection plan",
  child_in_need_plan: "Child in need plan",
  previously_missing_education: "Previously missing education",
};

export function followUpRules(policy: Policy | undefined): FollowUpRules {
  return { ...DEFAULT_FOLLOW_UP, ...policy?.followUp };
}

export type StepKind =
  | "call"
  | "text"
  | "home_visit"
  | "dsl_alert"
  | "notify_social_worker"
  | "missing_education_referral";

export interface Attempt {
  method: "phone" | "text" | "email" | "letter" | "home_visit" | "meeting" | "in_person";
  /** Whether someone was reached (a reason given or the family spoken to). */
  reached: boolean;
  /** London clock time, HH:MM. */
  at: string;
  /** The contact called (or texted, visited); null when it was not recorded against one. */
  contactId?: number | null;
}

export interface FollowUpSituation {
  /** 1 on the first school day of this run of unexplained absence. */
  day: number;
  /** London clock now. */
  clock: string;
  attemptsToday: Attempt[];
  /** Reached anyone since the absence began. */
  reachedSinceAbsenceBegan: boolean;
  safeguardingConcern: boolean;
  hasSocialWorker: boolean;
  socialWorkerTold: boolean;
  /** The risk groups the pupil is in, for the policy's first-day rules by group. */
  riskGroups?: RiskGroup[];
  /**
   * The contacts to call, in priority order (those with a phone number). Given, "call in
   * priority order" is done only once each of them was tried today or one answered; not given,
   * any call does.
   */
  contactsToCall?: number[];
}

export interface Step {
  kind: StepKind;
  /** Do it by (London clock), or "now". */
  by: string;
  done: boolean;
  overdue: boolean;
  why: string;
}

/**
 * What the office should do next about a pupil absent with no reason: the steps of the ladder
 * that apply today, each done or not, and overdue once its time has passed.
 */
export function followUpSteps(rules: FollowUpRules, s: FollowUpSituation): Step[] {
  const steps: Step[] = [];
  const calls = s.attemptsToday.filter((a) => a.method === "phone");
  const reachedToday = s.attemptsToday.some((a) => a.reached);
  const toCall = s.contactsToCall ?? [];
  const tried = new Set(calls.map((c) => c.contactId));
  const triedCount = toCall.filter((id) => tried.has(id)).length;
  const callsDone =
    toCall.length === 0
      ? calls.length > 0
      : calls.some((c) => c.reached) || triedCount === toCall.length;
  const step = (kind: StepKind, by: string, done: boolean, why: string) =>
    steps.push({ kind, by, done, overdue: !done && by !== "now" && s.clock > by, why });
  const groups = (rules.riskGroups ?? []).filter((g) => s.riskGroups?.includes(g.group));
  // The earliest call time of the pupil's groups, else the policy's.
  const earlier = groups
    .filter((g) => g.callBefore !== undefined && (g.callBefore as string) < rules.callBefore)
    .sort((a, b) => ((a.callBefore as string) < (b.callBefore as string) ? -1 : 1))[0];
  const callBefore = earlier?.callBefore ?? rules.callBefore;
  const progress =
    toCall.length > 1 && !callsDone ? ` (${triedCount} of ${toCall.length} tried)` : "";
  step(
    "call",
    callBefore,
    callsDone,
    `Call the contacts in priority order before ${callBefore}${earlier ? ` (${GROUP_NAMES[earlier.group]})` : ""}${progress}`,
  );
  // Unreachable: every contact tried and no one answered.
  if (rules.textIfUnreachable && callsDone && !reachedToday) {
    step(
      "text",
      "now",
      s.attemptsToday.some((a) => a.method === "text"),
      "No one answered: send a text",
    );
  }
  const alertFor = groups.find((g) => g.dslAlert);
  const visitFor = groups.find((g) => g.homeVisitToday);
  if ((alertFor || visitFor) && !(s.safeguardingConcern && rules.safeguardingImmediateVisit)) {
    if (alertFor)
      step(
        "dsl_alert",
        "now",
        false,
        `${GROUP_NAMES[alertFor.group]}: tell the designated safeguarding lead now`,
      );
    if (visitFor && !reachedToday)
      step(
        "home_visit",
        "now",
        s.attemptsToday.some((a) => a.method === "home_visit"),
        `${GROUP_NAMES[visitFor.group]}: visit the home today`,
      );
  } else if (s.safeguardingConcern && rules.safeguardingImmediateVisit) {
    step(
      "dsl_alert",
      "now",
      false,
      "Safeguarding concern: tell the designated safeguarding lead now",
    );
    step(
      "home_visit",
      "now",
      s.attemptsToday.some((a) => a.method === "home_visit"),
      "Safeguarding concern: visit the home today",
    );
  } else if (rules.homeVisitOnDays.includes(s.day) && !reachedToday) {
    step(
      "home_visit",
      "now",
      s.attemptsToday.some((a) => a.method === "home_visit"),
      `Day ${s.day} of unexplained absence: visit the home`,
    );
  }
  if (s.hasSocialWorker)
    step(
      "notify_social_worker",
      "now",
      s.socialWorkerTold,
      "The pupil has a social worker: tell them of the absence",
    );
  if (s.day >= rules.missingEducationAfterDays && !s.reachedSinceAbsenceBegan) {
    step(
      "missing_education_referral",
      "now",
      false,
      `${s.day} school days absent without contact: tell the local authority (children missing education)`,
    );
  }
  return steps;
}

/**
 * Whether a logged contact's outcome says the family was reached. The call list's outcomes are
 * exact; the contact log's are the officer's own words, so a few plain phrases are read too
 * ("spoke to mum", "child seen"), and any "no answer" / "not home" wording wins.
 */
export function familyReached(outcome: string): boolean {
  const t = outcome.toLowerCase();
  if (
    /\b(no answer|not home|not in|no one|nobody|no reply|not reached|unanswered|wrong number|left (a )?message|message sent|not seen)\b/.test(
      t,
    )
  )
    return false;
  return /\b(reached|reason given|spoke|spoken|seen|saw|answered|called in|met)\b/.test(t);
}

/** A reason suggested from a parent's words; the office decides. */
export function suggestCode(text: string): string | null {
  const t = text.toLowerCase();
  if (/\b(dentist|doctor|gp|hospital|appointment|orthodontist|optician|clinic)\b/.test(t))
    return "M";
  if (
    /\b(ill|sick|unwell|poorly|vomit\w*|fever|temperature|flu|cold|covid|migraine|headache|tummy|diarrh\w*)\b/.test(
      t,
    )
  )
    return "I";
  if (/\b(eid|diwali|religious|festival|yom kippur|rosh hashanah|vaisakhi)\b/.test(t)) return "R";
  if (/\b(holiday|vacation|trip abroad)\b/.test(t)) return "G";
  if (/\b(interview)\b/.test(t)) return "J1";
  return null;
}
