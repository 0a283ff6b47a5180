import { describe, expect, it } from "vitest";
import {
  type Contact,
  type ContactEvidence,
  type LoggedAttempt,
  type MessageOutcome,
  type PupilWithContacts,
  pupilsToCheck,
} from "../../src/domain/contact-check.ts";

let nextId = 1;
const mother = (over: Partial<Contact> = {}): Contact => ({
  id: nextId++,
  priority: 1,
  name: "Sarah Smith",
  relationship: "Mother",
  phone: "07700 900123",
  email: "sarah.smith@example.com",
  ...over,
});
const father = (over: Partial<Contact> = {}): Contact =>
  mother({
    priority: 2,
    name: "Tom Jones",
    relationship: "Father",
    phone: "07700 900456",
    email: "tom.jones@example.com",
    ...over,
  });
const aPupil = (surname: string, contacts: Contact[], forename = "Amy"): PupilWithContacts => ({
  pupilId: nextId++,
  forename,
  surname,
  contacts,
});

const at = (iso: string) => new Date(iso);
const failed = (over: Partial<MessageOutcome>): MessageOutcome => ({
  channel: "email",
  toAddress: "tom.jones@example.com",
  at: at("2026-11-03T10:00:00Z"),
  sent: false,
  lastError: "550 5.1.1 mailbox unavailable",
  ...over,
});
const sent = (over: Partial<MessageOutcome>): MessageOutcome =>
  failed({ sent: true, lastError: null, ...over });
const logged = (over: Partial<LoggedAttempt>): LoggedAttempt => ({
  id: nextId++,
  contactId: null,
  method: "phone",
  outcome: "wrong number",
  at: at("2026-11-04T09:10:00Z"),
  reached: false,
  corrects: null,
  ...over,
});
const none: ContactEvidence = { messages: [], attempts: [] };
const check = (pupils: PupilWithContacts[], evidence = none, minimum?: number) =>
  pupilsToCheck(pupils, evidence, minimum);

describe("how many contacts a pupil has", () => {
  it("lists a pupil with no contacts at all", () => {
    expect(check([aPupil("Ahmed", [])])).toMatchObject([
      { workingContacts: 0, contacts: [], reasons: ["No contacts recorded"] },
    ]);
  });

  it("lists a pupil with only one contact, though that contact works", () => {
    expect(check([aPupil("Brown", [mother()])])).toMatchObject([
      { workingContacts: 1, reasons: ["Only one contact recorded"] },
    ]);
  });

  it("leaves out a pupil with two working contacts", () => {
    expect(check([aPupil("Clarke", [mother(), father()])])).toEqual([]);
  });

  it("does not count a contact with neither a phone nor an email", () => {
    const [pupil] = check([aPupil("Davies", [mother(), father({ phone: null, email: "  " })])]);
    expect(pupil).toMatchObject({
      workingContacts: 1,
      reasons: ["Tom Jones (father): no phone or email"],
    });
    expect(pupil?.contacts.map((c) => c.working)).toEqual([true, false]);
  });

  it("asks for one working contact when the minimum is 1", () => {
    const noneAtAll = aPupil("Evans", []);
    const onlyOne = aPupil("Foster", [mother()]);
    const unreachable = aPupil("Green", [mother({ phone: null, email: null })]);
    expect(check([noneAtAll, onlyOne, unreachable], none, 1).map((p) => p.reasons)).toEqual([
      ["No contacts recorded"],
      ["Sarah Smith (mother): no phone or email"],
    ]);
  });
});

describe("messages the outbox gave up on", () => {
  it("stops a contact counting when email to its current address failed", () => {
    const jones = father({ phone: null });
    const [pupil] = check([aPupil("Hughes", [mother(), jones])], {
      messages: [failed({})],
      attempts: [],
    });
    expect(pupil?.reasons).toEqual([
      "Tom Jones (father): email to tom.jones@example.com failed on 3 Nov 2026 (last error: 550 5.1.1 mailbox unavailable); no phone",
    ]);
  });

  it("still counts a contact whose email failed but who has a phone, and names the problem", () => {
    const [pupil] = check([aPupil("Irwin", [father()])], {
      messages: [failed({ toAddress: "Tom.Jones@Example.com" })],
      attempts: [],
    });
    expect(pupil?.workingContacts).toBe(1);
    expect(pupil?.contacts[0]?.problems).toEqual([
      "email to Tom.Jones@Example.com failed on 3 Nov 2026 (last error: 550 5.1.1 mailbox unavailable)",
    ]);
    expect(pupil?.reasons).toEqual([
      "Only one contact recorded",
      "Tom Jones (father): email to Tom.Jones@Example.com failed on 3 Nov 2026 (last error: 550 5.1.1 mailbox unavailable); still reachable by phone",
    ]);
  });

  it("lists a pupil with enough working contacts when one address failed, after those below the minimum", () => {
    const enough = aPupil("Adams", [mother(), father()]);
    const onlyOne = aPupil("Zeller", [mother()]);
    const listed = check([enough, onlyOne], { messages: [failed({})], attempts: [] });
    expect(listed.map((p) => [p.pupil.surname, p.belowMinimum, p.workingContacts])).toEqual([
      ["Zeller", true, 1],
      ["Adams", false, 2],
    ]);
    expect(listed[1]?.reasons).toEqual([
      "Tom Jones (father): email to tom.jones@example.com failed on 3 Nov 2026 (last error: 550 5.1.1 mailbox unavailable); still reachable by phone",
    ]);
  });

  it("treats a failed text to the same number written differently as the same number", () => {
    const [pupil] = check([aPupil("James", [mother(), father({ email: null })])], {
      messages: [failed({ channel: "sms", toAddress: "+447700900456", lastError: null })],
      attempts: [],
    });
    expect(pupil?.reasons).toEqual([
      "Tom Jones (father): text to +447700900456 failed on 3 Nov 2026; no email",
    ]);
  });

  it("ignores a failure to an address the contact no longer has", () => {
    const updated = father({ phone: null, email: "tom.new@example.com" });
    expect(
      check([aPupil("King", [mother(), updated])], { messages: [failed({})], attempts: [] }),
    ).toEqual([]);
  });

  it("clears a failure when a later message to the same address was sent, not an earlier one", () => {
    const pupils = [aPupil("Lewis", [mother(), father({ phone: null })])];
    const later = sent({ at: at("2026-11-10T08:00:00Z") });
    const earlier = sent({ at: at("2026-10-01T08:00:00Z") });
    expect(check(pupils, { messages: [failed({}), later], attempts: [] })).toEqual([]);
    expect(check(pupils, { messages: [failed({}), earlier], attempts: [] })).toHaveLength(1);
  });

  it("counts a failure against every contact with that address, such as a sibling's record of the same parent", () => {
    const [first, second] = [
      aPupil("Morris", [mother(), father({ phone: null })], "Ben"),
      aPupil("Morris", [mother(), father({ phone: null })], "Cara"),
    ];
    const listed = check([first, second] as PupilWithContacts[], {
      messages: [failed({})],
      attempts: [],
    });
    expect(listed.map((p) => p.pupil.forename)).toEqual(["Ben", "Cara"]);
  });
});

describe("calls and texts in the contact log", () => {
  it("stops a phone counting once the log says the number is wrong, in any words and case", () => {
    for (const outcome of [
      "wrong number",
      "Number NOT recognised by the person who answered",
      "number not in use",
      "Line disconnected",
      "Invalid number",
    ]) {
      const jones = father({ email: null });
      const [pupil] = check([aPupil("Nolan", [mother(), jones])], {
        messages: [],
        attempts: [logged({ contactId: jones.id, outcome })],
      });
      expect(pupil?.workingContacts, outcome).toBe(1);
      expect(pupil?.reasons[0], outcome).toMatch(
        /^Tom Jones \(father\): phone reported as .+ on 4 Nov 2026; no email$/,
      );
    }
  });

  it("says nothing about a number that just went unanswered", () => {
    const jones = father({ email: null });
    const evidence = {
      messages: [],
      attempts: [logged({ contactId: jones.id, outcome: "no answer" })],
    };
    expect(check([aPupil("Owen", [mother(), jones])], evidence)).toEqual([]);
  });

  it("clears a wrong number when a later call reached someone, not an earlier one", () => {
    const jones = father({ email: null });
    const wrong = logged({ contactId: jones.id });
    const reached = (when: string) =>
      logged({ contactId: jones.id, outcome: "reached", reached: true, at: at(when) });
    const pupils = [aPupil("Price", [mother(), jones])];
    expect(
      check(pupils, { messages: [], attempts: [wrong, reached("2026-11-05T09:00:00Z")] }),
    ).toEqual([]);
    expect(
      check(pupils, { messages: [], attempts: [reached("2026-11-01T09:00:00Z"), wrong] }),
    ).toHaveLength(1);
  });

  it("ignores an entry that was corrected by a later one", () => {
    const jones = father({ email: null });
    const mistake = logged({ contactId: jones.id });
    const correction = logged({ contactId: jones.id, outcome: "no answer", corrects: mistake.id });
    expect(
      check([aPupil("Quinn", [mother(), jones])], {
        messages: [],
        attempts: [mistake, correction],
      }),
    ).toEqual([]);
  });
});

describe("the order of the list", () => {
  it("puts pupils with no contacts first, then the fewest working, then by surname", () => {
    const listed = check([
      aPupil("Adams", [mother()]),
      aPupil("Young", []),
      aPupil("Baker", [mother({ phone: null, email: null })]),
      aPupil("Ahmed", []),
      aPupil("Abbott", [mother(), father({ phone: null, email: null })]),
    ]);
    expect(listed.map((p) => [p.pupil.surname, p.workingContacts])).toEqual([
      ["Ahmed", 0],
      ["Young", 0],
      ["Baker", 0],
      ["Abbott", 1],
      ["Adams", 1],
    ]);
  });
});
