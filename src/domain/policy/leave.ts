import type { LeaveRules, Policy } from "./types.ts";

/** The guidance's defaults: exceptional circumstances only, never a holiday, the head decides. */
export const DEFAULT_LEAVE: LeaveRules = {
  exceptionalCircumstances: [],
  holidaysRefused: true,
  penaltyWithoutNoticeToImprove: true,
};

export function leaveRules(policy: Policy | undefined): LeaveRules {
  return { ...DEFAULT_LEAVE, ...policy?.leave };
}
