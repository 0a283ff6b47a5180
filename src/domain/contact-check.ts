import { dayLabel, londonToday } from "./dates.ts";

/**
 * Pupils the school may not be able to reach. Keeping children safe in education asks schools to
 * hold more than one emergency contact for each pupil where reasonably possible, and no MIS says
 * which pupils fall short. A contact counts only while it works: it has a phone or an email, and
 * that means of contact is not known to have failed since it was last shown to work.
 *
 * Evidence is about an address (a phone number or an email), not a contact row: brothers and
 * sisters have a row each for the same parent, and a text that bounced for one bounced for all.
 */

export interface Contact {
  id: number;
  priority: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
}

export interface PupilWithContacts {
  pupilId: number;
  forename: string;
  surname: string;
  contacts: Contact[];
}

/** A message from the outbox: given up on (failed), or delivered to the provider (sent). */
export interface MessageOutcome {
  channel: "email" | "sms";
  toAddress: string;
  at: Date;
  sent: boolean;
  lastError: string | null;
}

/** An entry in the contact log (append-only: `corrects` names the entry it replaces). */
export interface LoggedAttempt {
  id: number;
  contactId: number | null;
  method: string;
  outcome: string;
  at: Date;
  /** Someone was reached (REACHED in src/app/follow-up/call-list.ts). */
  reached: boolean;
  corrects: number | null;
}

export interface ContactEvidence {
  messages: MessageOutcome[];
  attempts: LoggedAttempt[];
}

export interface CheckedContact extends Contact {
  working: boolean;
  /** Means of contact known to have failed, even on a contact that still works another way. */
  problems: string[];
}

export interface PupilToCheck<P extends PupilWithContacts> {
  pupil: P;
  /** Fewer working contacts than the minimum; otherwise listed for a contact detail that failed. */
  belowMinimum: boolean;
  workingContacts: number;
  contacts: CheckedContact[];
  reasons: string[];
}

// The matching rules, all here. The office types contact-log outcomes freely; these words mean
// the number itself is wrong, not that nobody answered ("no answer" and "left message" say nothing
// about the number). Matched anywhere in the outcome, in any case. Only calls and texts count.
const NUMBER_DOES_NOT_WORK = [
  "wrong number",
  "not recognised",
  "number not in use",
  "disconnected",
  "invalid number",
];
export const PHONE_METHODS = ["phone", "text"] as const;

/** Addresses compared as written by different people: spaces, dashes and +44 for 0 ignored. */
function addressKey(kind: "phone" | "email", address: string): string {
  if (kind === "email") return `email:${address.trim().toLowerCase()}`;
  const digits = address.replace(/[^\d+]/g, "").replace(/^\+44/, "0");
  return `phone:${digits}`;
}

function numberDoesNotWork(outcome: string): string | null {
  const text = outcome.toLowerCase();
  return NUMBER_DOES_NOT_WORK.find((words) => text.includes(words)) ?? null;
}

function lastErrorOf(error: string | null): string {
  const line = error?.split("\n")[0]?.trim();
  if (!line) return "";
  return ` (last error: ${line.length > 120 ? `${line.slice(0, 119)}…` : line})`;
}

interface Event {
  at: Date;
  /** null: shown to work; otherwise what failed. */
  failure: string | null;
}

/** What is known of each address, by addressKey. */
function eventsByAddress(
  pupils: readonly PupilWithContacts[],
  evidence: ContactEvidence,
): Map<string, Event[]> {
  const events = new Map<string, Event[]>();
  const add = (key: string, event: Event) => {
    const list = events.get(key);
    if (list) list.push(event);
    else events.set(key, [event]);
  };
  for (const m of evidence.messages) {
    const kind = m.channel === "sms" ? "phone" : "email";
    add(addressKey(kind, m.toAddress), {
      at: m.at,
      failure: m.sent
        ? null
        : `${m.channel === "sms" ? "text" : "email"} to ${m.toAddress} failed on ${dayLabel(londonToday(m.at))}${lastErrorOf(m.lastError)}`,
    });
  }
  // The log does not record the number dialled: an entry is about the contact's number now.
  const phoneOf = new Map(pupils.flatMap((p) => p.contacts).map((c) => [c.id, c.phone] as const));
  const corrected = new Set(evidence.attempts.map((a) => a.corrects).filter((id) => id !== null));
  for (const a of evidence.attempts) {
    const phone = a.contactId === null ? null : phoneOf.get(a.contactId);
    if (!phone || corrected.has(a.id)) continue;
    if (!(PHONE_METHODS as readonly string[]).includes(a.method)) continue;
    const words = a.reached ? null : numberDoesNotWork(a.outcome);
    if (a.reached || words)
      add(addressKey("phone", phone), {
        at: a.at,
        failure: words ? `phone reported as ${words} on ${dayLabel(londonToday(a.at))}` : null,
      });
  }
  return events;
}

/** The latest failure of an address since it last worked, if any. */
function currentFailure(events: Event[] | undefined): string | null {
  let worked = -Infinity;
  for (const e of events ?? []) if (e.failure === null) worked = Math.max(worked, e.at.getTime());
  let latest: Event | null = null;
  for (const e of events ?? []) {
    if (e.failure === null || e.at.getTime() <= worked) continue;
    if (!latest || e.at.getTime() > latest.at.getTime()) latest = e;
  }
  return latest?.failure ?? null;
}

function who(contact: Contact): string {
  const relationship = contact.relationship.trim().toLowerCase();
  return relationship ? `${contact.name} (${relationship})` : contact.name;
}

function checkContact(
  contact: Contact,
  events: Map<string, Event[]>,
): { checked: CheckedContact; whyNot: string | null } {
  const phone = contact.phone?.trim() || null;
  const email = contact.email?.trim() || null;
  const phoneFailure = phone ? currentFailure(events.get(addressKey("phone", phone))) : null;
  const emailFailure = email ? currentFailure(events.get(addressKey("email", email))) : null;
  const working = (phone !== null && !phoneFailure) || (email !== null && !emailFailure);
  const problems = [phoneFailure, emailFailure].filter((p) => p !== null);
  const missing =
    !phone && !email
      ? ["no phone or email"]
      : [...(phone ? [] : ["no phone"]), ...(email ? [] : ["no email"])];
  // A working contact with a failed address is still worth putting right (letters go by email).
  const stillBy = phone && !phoneFailure ? "phone" : "email";
  const whyNot = !working
    ? `${who(contact)}: ${[...problems, ...missing].join("; ")}`
    : problems.length > 0
      ? `${who(contact)}: ${problems.join("; ")}; still reachable by ${stillBy}`
      : null;
  return { checked: { ...contact, working, problems }, whyNot };
}

function howMany(recorded: number, minimum: number): string | null {
  if (recorded >= minimum) return null;
  if (recorded === 0) return "No contacts recorded";
  if (recorded === 1) return "Only one contact recorded";
  return `Only ${recorded} contacts recorded`;
}

/**
 * Pupils with fewer than `minimum` working contacts, then those whose contacts all work but one
 * has a failed phone or email, each with the reasons in plain words: below the minimum first (no
 * contacts, then the fewest working), then by surname.
 */
export function pupilsToCheck<P extends PupilWithContacts>(
  pupils: readonly P[],
  evidence: ContactEvidence,
  minimum = 2,
): PupilToCheck<P>[] {
  const events = eventsByAddress(pupils, evidence);
  const list: PupilToCheck<P>[] = [];
  for (const pupil of pupils) {
    const checks = [...pupil.contacts]
      .sort((a, b) => a.priority - b.priority)
      .map((c) => checkContact(c, events));
    const contacts = checks.map((c) => c.checked);
    const workingContacts = contacts.filter((c) => c.working).length;
    const belowMinimum = workingContacts < minimum;
    if (!belowMinimum && contacts.every((c) => c.problems.length === 0)) continue;
    const count = howMany(contacts.length, minimum);
    list.push({
      pupil,
      belowMinimum,
      workingContacts,
      contacts,
      reasons: [...(count ? [count] : []), ...checks.flatMap((c) => (c.whyNot ? [c.whyNot] : []))],
    });
  }
  return list.sort(
    (a, b) =>
      Number(b.belowMinimum) - Number(a.belowMinimum) ||
      Number(b.contacts.length === 0) - Number(a.contacts.length === 0) ||
      a.workingContacts - b.workingContacts ||
      a.pupil.surname.localeCompare(b.pupil.surname, "en") ||
      a.pupil.forename.localeCompare(b.pupil.forename, "en") ||
      a.pupil.pupilId - b.pupil.pupilId,
  );
}
