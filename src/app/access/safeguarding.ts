import type { SchoolAccess } from "./access.ts";

/**
 * Safeguarding notes are read only by roles with `pupils.safeguarding` (the office, the head, the
 * DSL), in every output that carries them: the case page, the evidence pack (JSON and PDF), the
 * subject access export. Others (a trust or LA officer reading an evidence pack) see that a contact
 * or a referral happened, when and how, but not what was said: KCSIE keeps safeguarding records
 * with the school's DSL, shared on a need-to-know basis.
 */

/** Case events whose summary and detail carry safeguarding notes (the reason for a referral). */
const SAFEGUARDING_EVENTS = new Set(["social_care_referral"]);

export const WITHHELD = "details are kept with the school's safeguarding record";

export function mayReadSafeguarding(access: SchoolAccess): boolean {
  return access.can("pupils.safeguarding");
}

/** A case event (or intervention) as the caller may read it. */
export function caseEventFor<E extends { kind: string; summary?: string; detail?: unknown }>(
  access: SchoolAccess,
  event: E,
): E {
  if (mayReadSafeguarding(access) || !SAFEGUARDING_EVENTS.has(event.kind)) return event;
  return {
    ...event,
    ...("summary" in event ? { summary: `Referred to children's social care (${WITHHELD})` } : {}),
    ...("detail" in event ? { detail: {} } : {}),
  };
}

/** A contact-log entry in a chronology, as the caller may read it: how and when, not what. */
export function contactSummaryFor(
  access: SchoolAccess,
  contact: {
    direction: "outgoing" | "incoming";
    withWhom: string;
    method: string;
    outcome: string;
    notes: string | null;
    corrects: number | null;
    correctedBy: number | null;
  },
): string {
  const how = contact.method.replace("_", " ");
  if (!mayReadSafeguarding(access))
    return `${contact.direction === "outgoing" ? "Contact with the family" : "Contact from the family"} by ${how} (${WITHHELD})`;
  return `${contact.direction === "outgoing" ? "Contact with" : "Contact from"} ${contact.withWhom} by ${how}: ${contact.outcome}${contact.notes ? ` (${contact.notes})` : ""}${contact.corrects ? ` [corrects entry ${contact.corrects}]` : ""}${contact.correctedBy ? ` [corrected by entry ${contact.correctedBy}]` : ""}`;
}
