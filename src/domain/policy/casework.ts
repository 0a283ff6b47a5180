import type { CaseworkRules, Policy } from "./types.ts";

/** The LA attendance-contract process's rules, used where a policy does not set its own. */
export const DEFAULT_CASEWORK: CaseworkRules = {
  meetingNoticeDays: 7,
  missedMeetingsBeforeProfessionalsMeeting: 2,
  noticeToImproveBeforePenaltyNotice: true,
  holidayNeedsNoNoticeToImprove: true,
  noticeToImproveReviewWeeks: 3,
  referralDuringNoticeToImprove: false,
  socialCareBelowPercent: 50,
  contractReviewMinimumSessions: 10,
  schoolNursingAfterIllnessSessions: 10,
};

export function caseworkRules(policy: Policy): CaseworkRules {
  return { ...DEFAULT_CASEWORK, ...policy.casework };
}
