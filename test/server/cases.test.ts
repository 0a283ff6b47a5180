import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { aCalendar } from "../support/builders.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * The local authority's attendance contract process from first concern to legal referral, on
 * scripted pupils: Bilal's family never comes to meetings; Chloe's comes, agrees a contract, and
 * does not improve. Every step is checked against the process's timeframes and preconditions.
 */
let server: TestServer;
let head: Client;
let office: Client;
let bilal: Pupil;
let chloe: Pupil;
const calendar = aCalendar();
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function on(date: string, time = "10:00"): Promise<void> {
  server.setNow(date, time);
  office = await server.as("office");
  head = await server.as("head");
}

/** Registers for the autumn term: Bilal misses every Monday and Tuesday (O); Chloe every Friday (G) and Monday (O). */
function autumnMarks(): string {
  const rows = ["upn,date,session,code"];
  for (const date of calendar.schoolDays("2025-09-03", "2025-12-19")) {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    for (const session of ["AM", "PM"]) {
      const present = session === "AM" ? "/" : "\\";
      rows.push(`${bilal.upn},${date},${session},${day === 1 || day === 2 ? "O" : present}`);
      rows.push(`${chloe.upn},${date},${session},${day === 5 ? "G" : day === 1 ? "O" : present}`);
    }
  }
  return `${rows.join("\n")}\n`;
}

beforeAll(async () => {
  server = await testServer();
  [, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  await on("2025-09-03");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" })).statusCode,
  ).toBe(201);
  server.setNow("2025-12-19", "16:00");
  const importer = await server.as("office");
  const imported = await importer.send("POST", url("/imports/marks"), autumnMarks(), {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

async function caseOf(pupil: Pupil): Promise<{ id: number; stage_id: string }> {
  const cases = (await office.get(url("/cases"))).json().cases;
  return cases.find((c: { pupil_id: number }) => c.pupil_id === pupil.id);
}

describe("the attendance contract process", () => {
  it("proposes the contract meeting invitation (letter 1) and opens cases when accepted", async () => {
    await on("2025-10-10");
    const evaluation = (await office.send("POST", url("/policy/evaluate"), {})).json();
    expect(evaluation.byTrigger.contract_invite).toBe(2);
    for (const proposal of (await office.get(url("/proposed-actions"))).json().proposedActions) {
      if (proposal.trigger_id === "contract_invite")
        expect(
          (await office.send("POST", url(`/proposed-actions/${proposal.id}/accept`))).statusCode,
        ).toBe(200);
    }
    expect((await caseOf(bilal)).stage_id).toBe("contract_invite");
    expect((await caseOf(chloe)).stage_id).toBe("contract_invite");
  });

  it("gives a week's notice of the meeting, offering online or telephone", async () => {
    const bilalCase = await caseOf(bilal);
    const early = await office.send("POST", url(`/cases/${bilalCase.id}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-16", "15:30").toISOString(),
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toBe(
      "A meeting needs at least 7 days' notice: the earliest date is 17 Oct 2025",
    );
    const invited = await office.send("POST", url(`/cases/${bilalCase.id}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-17", "15:30").toISOString(),
      format: "telephone",
      attendees: [{ name: "Mrs S. Office", role: "attendance_lead" }],
    });
    expect(invited.json()).toMatchObject({ invitation: 1 });
    const chloeCase = await caseOf(chloe);
    expect(
      (
        await office.send("POST", url(`/cases/${chloeCase.id}/meetings`), {
          kind: "attendance_contract_meeting",
          scheduledFor: londonInstant("2025-10-20", "09:00").toISOString(),
          format: "online",
        })
      ).statusCode,
    ).toBe(201);
  });

  it("after a missed meeting asks for a second invitation, and after two a professionals' meeting", async () => {
    await on("2025-10-17", "16:30");
    const bilalCase = await caseOf(bilal);
    const [first] = (await server.database.db
      .selectFrom("meetings")
      .select("id")
      .where("case_id", "=", bilalCase.id)
      .execute()) as { id: number }[];
    const missed = await office.send("POST", url(`/meetings/${first?.id}/record`), {
      status: "failed_to_attend",
    });
    expect(missed.json().nextStep).toContain("send a second invitation noting the missed meeting");
    const work = (await office.get(url("/worklist?range=today"))).json().items;
    expect(work).toContainEqual(
      expect.objectContaining({ kind: "second_invitation", pupilId: bilal.id }),
    );
    await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-17", "16:15").toISOString(),
      method: "phone",
      withWhom: "Mother",
      outcome: "no answer",
    });
    const second = await office.send("POST", url(`/cases/${bilalCase.id}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-24", "15:30").toISOString(),
    });
    expect(second.json()).toMatchObject({ invitation: 2 });
    await on("2025-10-24", "16:30");
    const again = await office.send("POST", url(`/meetings/${second.json().meetingId}/record`), {
      status: "failed_to_attend",
    });
    expect(again.json().nextStep).toContain("hold a professionals' meeting");
    expect((await office.get(url("/worklist?range=week"))).json().items).toContainEqual(
      expect.objectContaining({ kind: "professionals_meeting", pupilId: bilal.id }),
    );
    const third = await office.send("POST", url(`/cases/${bilalCase.id}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-11-07", "15:30").toISOString(),
    });
    expect(third.json().error.message).toBe(
      "The family has missed 2 attendance contract meetings: hold a professionals' meeting instead of inviting them again",
    );
    const professionals = await office.send("POST", url(`/cases/${bilalCase.id}/meetings`), {
      kind: "professionals_meeting",
      scheduledFor: londonInstant("2025-10-24", "17:00").toISOString(),
    });
    expect(
      (
        await office.send("POST", url(`/meetings/${professionals.json().meetingId}/record`), {
          status: "held",
          attended: [
            { name: "Mr Okafor", role: "ewo" },
            { name: "Ms Reed", role: "professional", organisation: "School nursing" },
          ],
          outcome: "Internal support plan: mentor, daily check-in",
          notes: "EWO and school nurse attended",
        })
      ).statusCode,
    ).toBe(200);
  });

  it("records the contract agreed at the meeting, with a review 5-8 weeks on by starting attendance", async () => {
    await on("2025-10-20", "10:00");
    const chloeCase = await caseOf(chloe);
    const [meeting] = (await server.database.db
      .selectFrom("meetings")
      .select("id")
      .where("case_id", "=", chloeCase.id)
      .execute()) as { id: number }[];
    const held = await office.send("POST", url(`/meetings/${meeting?.id}/record`), {
      status: "held",
      attended: [{ name: "Mrs Chloe's mother", role: "parent" }],
      agenda: {
        reasonForAbsence: "Long weekends away",
        outcomesWanted: "Attendance above 90%",
        howAchieved: "No Friday absence",
        planActions: ["Weekly check-in"],
        reviewDate: "2025-12-05",
      },
      outcome: "Contract agreed",
    });
    expect(held.json()).toEqual({ nextStep: null });
    const contract = await office.send("POST", url(`/cases/${chloeCase.id}/contracts`), {
      targetPercent: 95,
      parentsAgreed: ["Mrs Chloe's mother"],
      barriers: ["Family visits at weekends"],
      support: [
        { by: "school", action: "Weekly check-in with the attendance officer" },
        { by: "parent", action: "No term-time trips" },
        { by: "partner", partner: "Early Help", action: "Family support worker" },
      ],
      moveToStage: "contract",
    });
    expect(contract.statusCode, contract.body).toBe(201);
    // Chloe started at 58.8% (below 70%): the shortest, 5-week review.
    expect(contract.json().reviewOn).toBe("2025-11-24");
    expect((await caseOf(chloe)).stage_id).toBe("contract");
    const tooEarly = await office.send(
      "POST",
      url(`/contracts/${contract.json().contractId}/reviews`),
      {
        outcome: "Reviewed the same day",
      },
    );
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().error.message).toMatch(
      /^Too early to review contract \d+: \d possible session\(s\) since it was agreed on .*at least 10$/,
    );
  });

  it("at the review judges improvement against the start, warns, then issues a notice to improve with a 3-week review", async () => {
    await on("2025-11-24");
    const chloeCase = await caseOf(chloe);
    const [contract] = (await server.database.db
      .selectFrom("contracts")
      .select("id")
      .where("case_id", "=", chloeCase.id)
      .execute()) as { id: number }[];
    const review = await office.send("POST", url(`/contracts/${contract?.id}/reviews`), {
      outcome: "Fridays still missed",
    });
    expect(review.json().improved).toBe(false);
    expect(review.json().explanation).toMatch(
      /^Attendance since the contract was agreed on 20 Oct 2025 is 57\.1% against 58\.8% then: not improved enough/,
    );
    expect(
      (
        await office.send("POST", url(`/contracts/${contract?.id}/end`), {
          step: "termination_warning",
          reason: "Not keeping to the contract (letter 7b)",
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await office.send("POST", url(`/contracts/${contract?.id}/end`), {
          step: "termination_warning",
          reason: "again",
        })
      ).statusCode,
    ).toBe(409);
    const early = await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notice-referral`), {
      contactIds: [1],
    });
    expect(early.statusCode).toBe(400);
    const notice = await office.send("POST", url(`/cases/${chloeCase.id}/notice-to-improve`));
    expect(notice.json()).toMatchObject({ reviewOn: "2025-12-15" });
    expect((await caseOf(chloe)).stage_id).toBe("notice_to_improve");
    // Letter 8 details the efforts made so far: the support agreed in her contract.
    const preview = await office.send("POST", url("/letters/preview"), {
      letterId: "la_8_notice_to_improve",
      pupilId: chloe.id,
      body: "The support agreed so far: {support_given}.",
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(JSON.stringify(preview.json())).toContain(
      "The support agreed so far: Weekly check-in with the attendance officer (the school); No term-time trips (the family); Family support worker (Early Help).",
    );
    // ...and the whole chronology, dated, oldest first: letters, meetings, the contract.
    const efforts = await office.send("POST", url("/letters/preview"), {
      letterId: "la_8_notice_to_improve",
      pupilId: chloe.id,
      body: "Done so far:\n\n{efforts_made}",
    });
    const text = JSON.stringify(efforts.json());
    expect(text).toContain("held");
    expect(text).toContain(
      "agreed, with support: Weekly check-in with the attendance officer (the school)",
    );
    expect(text.indexOf(" held")).toBeLessThan(text.indexOf("agreed, with support"));
  });
});

describe("what the school has done so far", () => {
  it("gives a family with no contract a full dated account, on the case page and in the letter", async () => {
    await on("2025-11-25");
    const bilalCase = await caseOf(bilal);
    const shown = await office.get(url(`/cases/${bilalCase.id}/efforts`));
    expect(shown.statusCode, shown.body).toBe(200);
    const efforts = shown.json().efforts as { on: string; text: string }[];
    const texts = efforts.map((e) => `${e.on} ${e.text}`);
    // Two invitations missed, the call between them, the professionals' meeting with who came.
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/attendance contract meeting offered; the family did not attend/),
        expect.stringMatching(
          /attendance contract meeting \(invitation 2\) offered; the family did not attend/,
        ),
        expect.stringMatching(/^2025-10-24 professionals meeting held with Mr Okafor, Ms Reed/),
        expect.stringMatching(/^2025-10-17 Phone call with Mother: /),
      ]),
    );
    expect(texts.some((t) => t.includes("agreed, with support"))).toBe(false);
    const dates = efforts.map((e) => e.on);
    expect(dates).toEqual([...dates].sort());
    // The same account in the letter, as a dated list, under either field name.
    const letter = await office.send("POST", url("/letters/preview"), {
      letterId: "la_8_notice_to_improve",
      pupilId: bilal.id,
      body: "Done so far:\n\n{efforts_so_far}",
    });
    expect(letter.statusCode, letter.body).toBe(200);
    const text = JSON.stringify(letter.json());
    expect(text).toContain("24 Oct 2025: professionals meeting held with Mr Okafor, Ms Reed");
    expect(text).toContain("17 Oct 2025: Phone call with Mother");
    // Another school's user, or a role without casework, cannot read it.
    const teacher = await server.as("teacher");
    expect((await teacher.get(url(`/cases/${bilalCase.id}/efforts`))).statusCode).toBe(403);
    expect((await office.get(url("/cases/999999/efforts"))).statusCode).toBe(404);
  });
});

describe("referrals and their preconditions", () => {
  async function parentOf(pupil: Pupil): Promise<number> {
    const contact = await server.database.db
      .insertInto("contacts")
      .values({
        school_id: server.school.id,
        pupil_id: pupil.id,
        priority: 1,
        name: "Mrs Parent",
        relationship: "Mother",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return contact.id;
  }

  it("refuses a penalty-notice referral during the notice to improve's review, explaining why", async () => {
    await on("2025-12-10");
    const chloeCase = await caseOf(chloe);
    const parent = await parentOf(chloe);
    const refused = await office.send(
      "POST",
      url(`/cases/${chloeCase.id}/penalty-notice-referral`),
      { contactIds: [parent] },
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain(
      "the notice to improve issued on 24 Nov 2025 is in its review period until 15 Dec 2025",
    );
  });

  it("refers after the review (£80 within 21 days or £160 within 28), a second time at £160, never a third", async () => {
    await on("2026-01-06");
    const chloeCase = await caseOf(chloe);
    const parent = (
      await server.database.db
        .selectFrom("contacts")
        .select("id")
        .where("pupil_id", "=", chloe.id)
        .executeTakeFirstOrThrow()
    ).id;
    // Chloe's spring term: Fridays and Mondays missed again, so the threshold is met.
    const rows = ["upn,date,session,code"];
    for (const date of calendar.schoolDays("2026-01-06", "2026-03-27")) {
      const day = new Date(`${date}T00:00:00Z`).getUTCDay();
      for (const session of ["AM", "PM"])
        rows.push(
          `${chloe.upn},${date},${session},${day === 5 ? "G" : day === 1 ? "O" : session === "AM" ? "/" : "\\"}`,
        );
    }
    server.setNow("2026-03-27", "16:00");
    const importer = await server.as("office");
    expect(
      (
        await importer.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
          "content-type": "text/csv",
        })
      ).statusCode,
    ).toBe(200);
    await on("2026-01-30");
    const first = await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notice-referral`), {
      contactIds: [parent],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().terms[0]).toMatchObject({
      allowed: true,
      ordinal: 1,
      reducedAmount: 8000,
      reducedWithinDays: 21,
      fullAmount: 16000,
      fullWithinDays: 28,
    });
    await on("2026-02-03");
    const future = await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notices`), {
      contactId: parent,
      issuedOn: "2026-02-04",
    });
    expect(future.json().error.message).toBe("A penalty notice cannot be issued in the future");
    expect(
      (
        await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notices`), {
          contactId: parent,
          issuedOn: "2026-02-02",
        })
      ).statusCode,
    ).toBe(201);
    await on("2026-03-13");
    const second = await office.send(
      "POST",
      url(`/cases/${chloeCase.id}/penalty-notice-referral`),
      { contactIds: [parent] },
    );
    expect(second.json().terms[0]).toMatchObject({ ordinal: 2, amount: 16000, withinDays: 28 });
    await on("2026-03-27");
    expect(
      (
        await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notices`), {
          contactId: parent,
          issuedOn: "2026-03-16",
        })
      ).statusCode,
    ).toBe(201);
    const third = await office.send("POST", url(`/cases/${chloeCase.id}/penalty-notice-referral`), {
      contactIds: [parent],
    });
    expect(third.statusCode).toBe(400);
    expect(third.json().error.message).toContain(
      "Mrs Parent: 2 penalty notices were issued to this parent for this child in the 3 years to 2026-03-27",
    );
  });

  it("refers for legal intervention after the notice to improve, but refuses social care above 50% and a CME report without 10 days' absence", async () => {
    const chloeCase = await caseOf(chloe);
    expect(
      (await office.send("POST", url(`/cases/${chloeCase.id}/legal-referral`))).statusCode,
    ).toBe(200);
    const social = await office.send("POST", url(`/cases/${chloeCase.id}/social-care-referral`), {
      reason: "Concerns at home",
    });
    expect(social.json().error.message).toMatch(
      /A social care referral cannot be made yet: attendance this year is 6\d\.\d%, not below 50%/,
    );
    const cme = await office.send("POST", url(`/cases/${chloeCase.id}/missing-education-report`));
    expect(cme.json().error.message).toContain(
      "longest unbroken run of G, N or O this year to date is 2 school day(s), fewer than 10",
    );
  });
});

describe("the contact log and the evidence pack", () => {
  it("keeps every contact; a correction is added, never an edit", async () => {
    const log = (await office.get(url(`/pupils/${bilal.id}/contact-log`))).json().contacts;
    const original = log[0];
    const correction = await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
      happenedAt: original.happenedAt,
      method: "phone",
      withWhom: "Father",
      outcome: "no answer",
      notes: "It was the father's number, not the mother's",
      corrects: original.id,
    });
    expect(correction.statusCode).toBe(201);
    const after = (await office.get(url(`/pupils/${bilal.id}/contact-log`))).json().contacts;
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ withWhom: "Mother", correctedBy: correction.json().id });
    const teacher = await server.as("teacher");
    expect((await teacher.get(url(`/pupils/${bilal.id}/contact-log`))).statusCode).toBe(403);
  });

  it("tells the whole story of a case in date order, as JSON and as a PDF", async () => {
    const chloeCase = await caseOf(chloe);
    const pack = (await office.get(url(`/cases/${chloeCase.id}/evidence-pack`))).json();
    const kinds = pack.chronology.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(0, 8)).toEqual([
      "case_opened",
      "action_agreed",
      "action_agreed",
      "meeting_invited",
      "meeting_held",
      "stage_started",
      "contract_agreed",
      "contract_reviewed",
    ]);
    expect(pack.chronology[1].summary).toBe(
      'Send "LA letter 1: invitation to an attendance contract meeting"',
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        "contract_termination_warning",
        "notice_to_improve",
        "penalty_notice_referral",
        "penalty_notice",
        "legal_intervention_referral",
      ]),
    );
    const dates = pack.chronology.map((e: { date: string }) => e.date);
    expect(dates).toEqual([...dates].sort());
    expect(pack.supportOffered.map((s: { by: string }) => s.by)).toEqual([
      "school",
      "parent",
      "partner",
    ]);
    expect(pack.attendance.byMonth[0]).toMatchObject({ month: "Sep 2025" });
    expect(pack.case.baseline).toMatch(/^\d\d\.\d$/);
    const pdf = await office.get(url(`/cases/${chloeCase.id}/evidence-pack?format=pdf`));
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.rawPayload.length).toBeGreaterThan(2000);
  });
});

describe("re-opening", () => {
  it("reopens from the relevant stage when attendance declines again, linking the earlier case", async () => {
    await on("2026-03-27");
    const bilalCase = await caseOf(bilal);
    expect(
      (await office.send("POST", url(`/cases/${bilalCase.id}/close`), { outcome: "improved" }))
        .statusCode,
    ).toBe(200);
    const reopened = await office.send("POST", url("/cases"), {
      pupilId: bilal.id,
      stageId: "contract_invite",
    });
    expect(reopened.statusCode).toBe(201);
    const detail = (await office.get(url(`/cases/${reopened.json().id}`))).json();
    expect(detail.events[0].summary).toBe(
      `Case reopened at Attendance contract meeting invited (earlier case ${bilalCase.id} had closed)`,
    );
  });
});
