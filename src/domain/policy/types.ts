/**
 * A school's attendance policy as data: bands, targets, triggers built from composable
 * conditions, and stages with their actions and review rules. Everything a written policy sets
 * (thresholds, windows, letters, timings) lives here, per school, never in code.
 */

/** Percentages are written as in the policy (97, 92.5) and compared exactly against integer counts. */
export type Percent = number;

export interface Band {
  /** Stable id used by conditions and letters: "green", "persistent_absentee". */
  id: string;
  name: string;
  /** CSS colour for dashboards and letters. */
  colour: string;
  /** Attendance at or above this percentage (the lowest band has 0). */
  min: Percent;
}

export type Period = "year_to_date" | "term" | "half_term" | "since_stage_start";

export type Window = { unit: "school_weeks" | "school_days"; length: number } | { period: Period };

export type Condition =
  /**
   * Attendance over a period compared with a threshold; not judged until the period holds at
   * least `minimumSessions` possible sessions (one absent day in the first week is not a trend).
   */
  | {
      kind: "attendance";
      below?: Percent;
      atOrBelow?: Percent;
      atOrAbove?: Percent;
      period: Period;
      minimumSessions?: number;
    }
  /** The attendance band the pupil is in (year to date unless a period is given). */
  | { kind: "band"; in: string[]; period?: Period; minimumSessions?: number }
  /** At least `atLeast` sessions with any of the codes inside one window. */
  | { kind: "code_count"; codes: string[]; atLeast: number; window: Window }
  /** Whole school days absent with the codes: in one unbroken run, or added up over the period. */
  | {
      kind: "absence_days";
      codes: string[];
      atLeast: number;
      mode: "consecutive" | "cumulative";
      period?: Period;
    }
  /** Absent on the same weekday at least `atLeast` times in the period. */
  | { kind: "weekday_pattern"; codes?: string[]; atLeast: number; period: Period }
  /** At least `atLeast` separate spells of absence (runs of absent sessions) in the period. */
  | { kind: "spells"; codes?: string[]; atLeast: number; period: Period }
  /**
   * Attendance since the stage began compared with the attendance when it began. "Improved" needs
   * a rise of at least `minimumPoints` percentage points, and at least `shareOfGap` of the way from
   * the starting attendance to the target ("in proportion to the starting attendance").
   */
  | {
      kind: "improvement";
      expect: "improved" | "not_improved";
      minimumPoints?: number;
      shareOfGap?: number;
    }
  /** The band now compared with the band at the last review. */
  | { kind: "band_change"; direction: "better" | "worse" | "same"; period?: Period }
  /** The stage's review date has come. */
  | { kind: "review_due" }
  | { kind: "flag"; flag: PupilFlagName }
  | { kind: "all"; of: Condition[] }
  | { kind: "any"; of: Condition[] }
  | { kind: "not"; condition: Condition };

export type PupilFlagName =
  | "medical_condition"
  | "sen_support"
  | "ehcp"
  | "has_social_worker"
  | "looked_after"
  | "fsm"
  | "pupil_premium";

export type Action =
  | { type: "letter"; letter: string }
  | { type: "meeting"; meeting: string; noticeDays?: number }
  | { type: "start_stage"; stage: string }
  | { type: "close_stage"; outcome: string }
  | { type: "attendance_contract" }
  | { type: "notice_to_improve" }
  | { type: "consider_penalty_notice" }
  | {
      type: "referral";
      to:
        | "education_welfare"
        | "legal_intervention"
        | "social_care"
        | "children_missing_education"
        | "la_illness_return"
        | "early_help";
    }
  | { type: "notify_social_worker" }
  | { type: "praise" };

/** How often a trigger may propose again for the same pupil. */
export type Repeat =
  /** Again only when a new breach happens after the evidence of the last proposal. */
  | "each_new_breach"
  | "once_per_year"
  | "once_per_term"
  | "once_per_half_term"
  /** Once per stage entered (for stage reviews). */
  | "once_per_stage";

export interface Trigger {
  id: string;
  name: string;
  when: Condition;
  actions: Action[];
  /** Only for pupils in this stage; "none" for pupils in no stage; absent for everyone. */
  inStage?: string | "none";
  repeat: Repeat;
  /** Pupils with any of these flags are routed to a person to decide, not escalated automatically. */
  manualReviewFlags?: PupilFlagName[];
  /** The policy leaves this step to the school's discretion: always a person's decision. */
  discretionary?: boolean;
}

export interface ReviewRule {
  weeks: number;
  /** "Monitored for one more week per day of additional absence". */
  extendWeeksPerDayAbsent?: number;
  /** The longest the review may be put off by extensions. */
  maxWeeks?: number;
  /** Shorter reviews for lower attendance at the start: the first row whose `below` the attendance is under wins. */
  byStartingAttendance?: { below: Percent; weeks: number }[];
}

export interface Stage {
  id: string;
  name: string;
  order: number;
  description?: string;
  review?: ReviewRule;
}

export interface PenaltyNoticeRules {
  /** Amounts in pence, periods in days, counted from the day the notice is received. */
  firstNotice: {
    reducedAmount: number;
    reducedWithinDays: number;
    fullAmount: number;
    fullWithinDays: number;
  };
  secondNotice: { amount: number; withinDays: number };
  /** A second notice within this many years is charged at the second-notice rate... */
  repeatWindowYears: number;
  /** ...and no more than this many notices in that window for the same parent and child. */
  maxNoticesInWindow: number;
}

/** How casework runs: the preconditions and timings referrals and meetings are checked against. */
export interface CaseworkRules {
  /** Notice to give for a meeting ("at least one week's notice"). */
  meetingNoticeDays: number;
  /** Missed meetings after which a professionals' meeting is held instead (the LA process: 2). */
  missedMeetingsBeforeProfessionalsMeeting: number;
  /** A notice to improve must come before a penalty-notice referral... */
  noticeToImproveBeforePenaltyNotice: boolean;
  /** ...except for term-time holiday, where support is not the right tool. */
  holidayNeedsNoNoticeToImprove: boolean;
  noticeToImproveReviewWeeks: number;
  /** Social care referral is considered below this attendance when support has failed. */
  socialCareBelowPercent: Percent;
  /** A contract is not judged on fewer possible sessions since it was agreed (10: a school week). */
  contractReviewMinimumSessions: number;
}

export interface Policy {
  name: string;
  /** The preset it started from, when it did. */
  preset?: string;
  description?: string;
  target: Percent;
  localAuthorityTarget?: Percent;
  bands: Band[];
  stages: Stage[];
  triggers: Trigger[];
  penaltyNotices?: PenaltyNoticeRules;
  casework?: Partial<CaseworkRules>;
  followUp?: Partial<FollowUpRules>;
  /**
   * The letter each band's families get when the school writes to every family by band ("we issue
   * every child with a colour coded letter" each half term); bands not listed get none.
   */
  bandLetters?: Record<string, string>;
}

/** First-day absence follow-up: the escalation ladder for an absence with no reason. */
export interface FollowUpRules {
  /** Call the family by this time (London). */
  callBefore: string;
  /** Text when no one answers the phone. */
  textIfUnreachable: boolean;
  /** Days of continued unexplained absence on which a home visit is made (day 1 is the first). */
  homeVisitOnDays: number[];
  /** Pupils with a safeguarding concern: a home visit and a DSL alert at once. */
  safeguardingImmediateVisit: boolean;
  /** School days without contact after which the local authority is told (children missing education). */
  missingEducationAfterDays: number;
}
