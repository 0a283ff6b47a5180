import type { SchoolCalendar } from "../../src/domain/calendar.ts";
import { codeOn, presentSymbolFor } from "../../src/domain/codes.ts";
import type { IsoDate } from "../../src/domain/dates.ts";
import type { PupilContext } from "../../src/domain/policy/conditions/index.ts";
import {
  evaluatePupil,
  type PreviousProposal,
  type Proposal,
} from "../../src/domain/policy/evaluate.ts";
import { SessionIndex } from "../../src/domain/policy/timeline.ts";
import type { Policy } from "../../src/domain/policy/types.ts";

/**
 * A pupil's register for policy tests: present at every session up to `until`, except the marks
 * given as `[date, "AM" | "PM" | "day", code]`.
 */
export function aPupilRegister(
  index: SessionIndex,
  until: IsoDate,
  exceptions: [IsoDate, "AM" | "PM" | "day", string][] = [],
): Uint8Array {
  const codes = new Uint8Array(index.count);
  const end = index.endOf(until);
  for (let i = 0; i < end; i++) {
    codes[i] = codeOn(
      presentSymbolFor(index.sessions[i] as "AM" | "PM"),
      index.dates[i] as string,
    ).index;
  }
  for (const [date, session, symbol] of exceptions) {
    for (let i = index.firstOnOrAfter(date); i < index.endOf(date); i++) {
      if (session === "day" || index.sessions[i] === session) codes[i] = codeOn(symbol, date).index;
    }
  }
  return codes;
}

/** Every school day from `from` for `days` school days, as whole-day exceptions with a code. */
export function schoolDaysOf(
  calendar: SchoolCalendar,
  from: IsoDate,
  days: number,
  code: string,
): [IsoDate, "day", string][] {
  return calendar
    .schoolDays(from, `${Number(from.slice(0, 4)) + 1}-12-31`)
    .slice(0, days)
    .map((d) => [d, "day", code]);
}

export function indexFor(calendar: SchoolCalendar): SessionIndex {
  const first = calendar.years[0]?.startYear ?? 2025;
  const last = calendar.years.at(-1)?.startYear ?? first;
  return new SessionIndex(calendar, `${first}-08-01`, `${last + 1}-07-31`);
}

export function evaluate(
  policy: Policy,
  index: SessionIndex,
  asOf: IsoDate,
  codes: Uint8Array,
  context: Partial<PupilContext> = {},
  previous: PreviousProposal[] = [],
): Proposal[] {
  return evaluatePupil(policy, index, asOf, {
    codes,
    context: { flags: {}, ...context },
    previous,
  });
}

/** The policy with only the named triggers, to test one rule at a time. */
export function only(policy: Policy, ...triggerIds: string[]): Policy {
  return { ...policy, triggers: policy.triggers.filter((t) => triggerIds.includes(t.id)) };
}
