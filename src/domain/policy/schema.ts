import { z } from "zod";
import { conditionSchema } from "./conditions/index.ts";
import { duration, id, percent, positive, pupilFlag } from "./fields.ts";

/**
 * A school's attendance policy as data: bands, targets, triggers built from composable
 * conditions, and stages with their actions and review rules. Everything a written policy sets
 * (thresholds, windows, letters, timings) lives here, per school, never in code. This is the one
 * definition of the document: types.ts derives its types from it, and the API, the CLI and the
 * editor check documents against it.
 */

export const bandSchema = z.object({
  /** Stable id used by conditions and letters: "green", "persistent_absentee". */
  id,
  name: z.string().min(1).max(100),
  /** CSS colour for dashboards and letters. */
  colour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, "must be a colour like #c62828"),
  /** Attendance at or above this percentage (the lowest band has 0). */
  min: percent,
});

export const actionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("letter"), letter: id }),
  z.object({
    type: z.literal("meeting"),
    meeting: id,
    noticeDays: z.number().int().min(0).max(60).optional(),
  }),
  z.object({ type: z.literal("start_stage"), stage: id }),
  z.object({ type: z.literal("close_stage"), outcome: z.string().min(1).max(60) }),
  z.object({ type: z.literal("attendance_contract") }),
  z.object({ type: z.literal("notice_to_improve") }),
  z.object({ type: z.literal("consider_penalty_notice") }),
  z.object({
    type: z.literal("referral"),
    to: z.enum([
      "education_welfare",
      "legal_intervention",
      "social_care",
      "children_missing_education",
      "la_illness_return",
      "early_help",
    ]),
  }),
  z.object({ type: z.literal("notify_social_worker") }),
  z.object({ type: z.literal("praise") }),
]);

/** How often a trigger may propose again for the same pupil. */
export const repeatSchema = z.enum([
  /** Again only when a new breach happens after the evidence of the last proposal. */
  "each_new_breach",
  "once_per_year",
  "once_per_term",
  "once_per_half_term",
  /** Once per stage entered (for stage reviews). */
  "once_per_stage",
]);

export const triggerSchema = z.object({
  id,
  name: z.string().min(1).max(300),
  when: conditionSchema,
  actions: z.array(actionSchema).min(1),
  /** Only for pupils in this stage; "none" for pupils in no stage; absent for everyone. */
  inStage: z.string().max(60).optional(),
  repeat: repeatSchema,
  /** Pupils with any of these flags are routed to a person to decide, not escalated automatically. */
  manualReviewFlags: z.array(pupilFlag).optional(),
  /** The policy leaves this step to the school's discretion: always a person's decision. */
  discretionary: z.boolean().optional(),
});

const reviewWeeks = z.number().int().min(1).max(52);

export const reviewRuleSchema = z.object({
  weeks: reviewWeeks,
  /** Calendar weeks (the default) or school weeks, which skip holiday weeks. */
  unit: z.enum(["calendar_weeks", "school_weeks"]).optional(),
  /** "Monitored for one more week per day of additional absence". */
  extendWeeksPerDayAbsent: z.number().min(0).max(4).optional(),
  /** The longest the review may be put off by extensions. */
  maxWeeks: reviewWeeks.optional(),
  /** Shorter reviews for lower attendance at the start: the first row whose `below` the attendance is under wins. */
  byStartingAttendance: z.array(z.object({ below: percent, weeks: reviewWeeks })).optional(),
});

export const stageSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  order: z.number().int().min(0).max(100),
  description: z.string().max(2000).optional(),
  review: reviewRuleSchema.optional(),
  /**
   * What the pupil is while in the stage ("on an attendance plan"): shown on the pupil and case
   * pages and the worklist.
   */
  status: z.string().trim().min(1).max(80).optional(),
  /** Regular work inside the stage: "weekly contact with the family", "a fortnightly review". */
  cadence: z
    .array(
      z.object({
        what: z.enum(["contact", "review"]),
        everyWeeks: z.number().int().min(1).max(8),
      }),
    )
    .max(4)
    .optional(),
});

export const penaltyNoticeRulesSchema = z.object({
  /** Amounts in pence, periods in days, counted from the day the notice is received. */
  firstNotice: z.object({
    reducedAmount: z.number().int().min(0),
    reducedWithinDays: positive,
    fullAmount: z.number().int().min(0),
    fullWithinDays: positive,
  }),
  secondNotice: z.object({ amount: z.number().int().min(0), withinDays: positive }),
  /** A second notice within this many years is charged at the second-notice rate... */
  repeatWindowYears: z.number().min(0).max(10),
  /** ...and no more than this many notices in that window for the same parent and child. */
  maxNoticesInWindow: z.number().int().min(0).max(10),
});

/** How casework runs: the preconditions and timings referrals and meetings are checked against. */
export const caseworkRulesSchema = z.object({
  /** Notice to give for a meeting ("at least one week's notice"). */
  meetingNoticeDays: z.number().int().min(0).max(60),
  /** Missed meetings after which a professionals' meeting is held instead (the LA process: 2). */
  missedMeetingsBeforeProfessionalsMeeting: z.number().int().min(1).max(5),
  /** A notice to improve must come before a penalty-notice referral... */
  noticeToImproveBeforePenaltyNotice: z.boolean(),
  /** ...except for term-time holiday, where support is not the right tool. */
  holidayNeedsNoNoticeToImprove: z.boolean(),
  noticeToImproveReviewWeeks: z.number().int().min(1).max(26),
  /**
   * The notice to improve's period as the policy writes it ("15 school days", "6 school weeks"),
   * skipping holidays and closures; when set it replaces noticeToImproveReviewWeeks.
   */
  noticeToImprovePeriod: duration.optional(),
  /**
   * Some councils' codes allow a penalty-notice referral during the notice to improve's period
   * when unauthorised absence continues after the notice was issued; the guidance default waits.
   */
  referralDuringNoticeToImprove: z.boolean(),
  /** The stage a case moves to when a notice to improve is issued; none when not set. */
  noticeToImproveStage: id.optional(),
  /** Social care referral is considered below this attendance when support has failed. */
  socialCareBelowPercent: percent,
  /** A contract is not judged on fewer possible sessions since it was agreed (10: a school week). */
  contractReviewMinimumSessions: z.number().int().min(0).max(200),
  /**
   * "If sickness is continually reported, support will be sought through the School Nursing
   * team": the illness (I) sessions this academic year from which a referral is made.
   */
  schoolNursingAfterIllnessSessions: z.number().int().min(1).max(400),
});

/** First-day absence follow-up: the escalation ladder for an absence with no reason. */
export const followUpRulesSchema = z.object({
  /** Call the family by this time (London). */
  callBefore: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM"),
  /** Text when no one answers the phone. */
  textIfUnreachable: z.boolean(),
  /** Days of continued unexplained absence on which a home visit is made (day 1 is the first). */
  homeVisitOnDays: z.array(z.number().int().min(1).max(30)).max(10),
  /** Pupils with a safeguarding concern: a home visit and a DSL alert at once. */
  safeguardingImmediateVisit: z.boolean(),
  /** School days without contact after which the local authority is told (children missing education). */
  missingEducationAfterDays: z.number().int().min(1).max(60),
  /**
   * First-day contact by risk group, not only by attendance: a pupil in a group named here is
   * called earlier, and the DSL told or the home visited on the first day.
   */
  riskGroups: z
    .array(
      z.object({
        group: z.enum([
          "safeguarding_concern",
          "has_social_worker",
          "looked_after",
          "child_protection_plan",
          "child_in_need_plan",
          "previously_missing_education",
        ]),
        callBefore: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM")
          .optional(),
        dslAlert: z.boolean(),
        homeVisitToday: z.boolean(),
      }),
    )
    .max(6),
});

/**
 * Term-time leave (the 2024 regulations, reg 11): granted only in exceptional circumstances, by
 * the head, who decides how many days; refused leave taken anyway is unauthorised (G).
 */
export const leaveRulesSchema = z.object({
  /** What the policy names as exceptional ("service personnel returning from a tour of duty"), shown to the head. */
  exceptionalCircumstances: z.array(z.string().trim().min(1).max(300)).max(20),
  /** A holiday is never an exceptional circumstance (most policies since 2013). */
  holidaysRefused: z.boolean(),
  /** The letter the family gets when the head refuses. */
  refusalLetter: id.optional(),
  /**
   * Refused leave taken anyway goes to a penalty notice without a notice to improve: support is
   * not the right tool for a holiday (the DfE template; casework.holidayNeedsNoNoticeToImprove).
   */
  penaltyWithoutNoticeToImprove: z.boolean(),
});

export const policyDocumentSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** The preset it started from, when it did. */
  preset: z.string().max(60).optional(),
  description: z.string().max(5000).optional(),
  target: percent,
  localAuthorityTarget: percent.optional(),
  bands: z.array(bandSchema).min(1),
  stages: z.array(stageSchema),
  triggers: z.array(triggerSchema).min(1),
  casework: caseworkRulesSchema.partial().optional(),
  leave: leaveRulesSchema.partial().optional(),
  followUp: followUpRulesSchema.partial().optional(),
  /**
   * The letter each band's families get when the school writes to every family by band ("we issue
   * every child with a colour coded letter" each half term); bands not listed get none.
   */
  bandLetters: z
    .record(
      z.string().min(1).max(60),
      z.string().regex(/^[a-z0-9_]{2,60}$/, "must be a letter id such as trust_rag_green"),
    )
    .optional(),
  penaltyNotices: penaltyNoticeRulesSchema.optional(),
});
