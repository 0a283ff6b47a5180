import { describe, expect, it } from "vitest";
import {
  DEFAULT_FOLLOW_UP,
  type FollowUpSituation,
  followUpSteps,
  suggestCode,
} from "../../src/domain/follow-up/escalation.ts";

const situation = (over: Partial<FollowUpSituation> = {}): FollowUpSituation => ({
  day: 1,
  clock: "09:15",
  attemptsToday: [],
  reachedSinceAbsenceBegan: false,
  safeguardingConcern: false,
  hasSocialWorker: false,
  socialWorkerTold: false,
  ...over,
});
const kinds = (s: FollowUpSituation) =>
  followUpSteps(DEFAULT_FOLLOW_UP, s).map(
    (step) => `${step.kind}${step.done ? " done" : ""}${step.overdue ? " overdue" : ""}`,
  );

describe("the first-day escalation ladder", () => {
  it("asks for a call before 9:30, overdue after it", () => {
    expect(kinds(situation())).toEqual(["call"]);
    expect(kinds(situation({ clock: "09:31" }))).toEqual(["call overdue"]);
  });

  it("sends a text when calls reach no one, and stops once someone is reached", () => {
    const unanswered = situation({
      attemptsToday: [{ method: "phone", reached: false, at: "09:05" }],
    });
    expect(kinds(unanswered)).toEqual(["call done", "text"]);
    const texted = situation({
      attemptsToday: [
        { method: "phone", reached: false, at: "09:05" },
        { method: "text", reached: false, at: "09:07" },
      ],
    });
    expect(kinds(texted)).toEqual(["call done", "text done"]);
    expect(
      kinds(situation({ attemptsToday: [{ method: "phone", reached: true, at: "09:05" }] })),
    ).toEqual(["call done"]);
  });

  it("calls every contact in priority order: done once each was tried, or one answered", () => {
    const call = (contactId: number, reached = false) => ({
      method: "phone" as const,
      reached,
      at: "09:05",
      contactId,
    });
    const steps = (attemptsToday: FollowUpSituation["attemptsToday"]) =>
      followUpSteps(DEFAULT_FOLLOW_UP, situation({ attemptsToday, contactsToCall: [11, 12, 13] }));
    expect(steps([]).map((s) => [s.kind, s.done, s.why])).toEqual([
      ["call", false, "Call the contacts in priority order before 09:30 (0 of 3 tried)"],
    ]);
    // The first contact twice is still one contact tried: no text yet.
    expect(steps([call(11), call(11)]).map((s) => [s.kind, s.done, s.why])).toEqual([
      ["call", false, "Call the contacts in priority order before 09:30 (1 of 3 tried)"],
    ]);
    expect(steps([call(11), call(12), call(13)]).map((s) => `${s.kind}:${s.done}`)).toEqual([
      "call:true",
      "text:false",
    ]);
    // The second contact answered: done, and no text is needed.
    expect(steps([call(11), call(12, true)]).map((s) => `${s.kind}:${s.done}`)).toEqual([
      "call:true",
    ]);
    // A call not recorded against a contact counts for none of them.
    expect(steps([{ method: "phone", reached: false, at: "09:05" }])[0]?.done).toBe(false);
  });

  it("visits the home on the second and fourth days, not the third", () => {
    expect(kinds(situation({ day: 2 }))).toEqual(["call", "home_visit"]);
    expect(kinds(situation({ day: 3 }))).toEqual(["call"]);
    expect(
      kinds(
        situation({
          day: 4,
          attemptsToday: [{ method: "home_visit", reached: false, at: "11:00" }],
        }),
      ),
    ).toEqual(["call", "home_visit done"]);
  });

  it("alerts the DSL and visits at once for a pupil with a safeguarding concern, and tells the social worker", () => {
    expect(kinds(situation({ safeguardingConcern: true, hasSocialWorker: true }))).toEqual([
      "call",
      "dsl_alert",
      "home_visit",
      "notify_social_worker",
    ]);
  });

  it("tells the local authority after 10 school days without contact", () => {
    expect(kinds(situation({ day: 9 }))).not.toContain("missing_education_referral");
    expect(kinds(situation({ day: 10 }))).toContain("missing_education_referral");
    expect(kinds(situation({ day: 12, reachedSinceAbsenceBegan: true }))).not.toContain(
      "missing_education_referral",
    );
  });
});

describe("suggested codes from a parent's words", () => {
  it.each([
    ["She has a dentist appointment at 10", "M"],
    ["Tom is poorly with a temperature", "I"],
    ["It is Eid today", "R"],
    ["We are on holiday", "G"],
    ["Running late", null],
  ])("%s -> %s", (text, code) => {
    expect(suggestCode(text)).toBe(code);
  });
});

describe("first-day contact by risk group", () => {
  const rules = {
    ...DEFAULT_FOLLOW_UP,
    riskGroups: [
      {
        group: "looked_after" as const,
        callBefore: "09:00",
        dslAlert: true,
        homeVisitToday: false,
      },
      {
        group: "previously_missing_education" as const,
        dslAlert: false,
        homeVisitToday: true,
      },
    ],
  };
  const steps = (s: FollowUpSituation) =>
    followUpSteps(rules, s).map(
      (step) => `${step.kind}${step.overdue ? " overdue" : ""}: ${step.why}`,
    );

  it("calls a looked-after child's carers earlier and tells the DSL at once", () => {
    expect(steps(situation({ clock: "09:05", riskGroups: ["looked_after"] }))).toEqual([
      "call overdue: Call the contacts in priority order before 09:00 (Looked after)",
      "dsl_alert: Looked after: tell the designated safeguarding lead now",
    ]);
  });

  it("visits the home on the first day for a child who went missing from education before", () => {
    expect(steps(situation({ riskGroups: ["previously_missing_education"] }))).toEqual([
      "call: Call the contacts in priority order before 09:30",
      "home_visit: Previously missing education: visit the home today",
    ]);
  });

  it("leaves everyone else on the ordinary ladder", () => {
    expect(steps(situation({ riskGroups: [] }))).toEqual([
      "call: Call the contacts in priority order before 09:30",
    ]);
  });
});
