import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { aCalendar } from "../support/builders.ts";
import { pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Meetings from the case page: scheduled with who is invited and the invitation letter in one
 * step, then held, missed or moved at the parent's request, each in the chronology.
 */
let server: TestServer;
let office: Client;
let bilal: Pupil;
let chloe: Pupil;
const cases = new Map<number, number>();
const contacts = new Map<string, number>();
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

async function on(date: string, time = "10:00"): Promise<void> {
  server.setNow(date, time);
  office = await server.as("office");
}

beforeAll(async () => {
  server = await testServer();
  [, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  await on("2025-10-10");
  const head = await server.as("head");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" })).statusCode,
  ).toBe(201);
  const rows = ["upn,date,session,code"];
  for (const date of aCalendar().schoolDays("2025-09-03", "2025-10-09")) {
    const monday = new Date(`${date}T00:00:00Z`).getUTCDay() === 1;
    for (const pupil of [bilal, chloe])
      for (const session of ["AM", "PM"])
        rows.push(
          `${pupil.upn},${date},${session},${monday ? "O" : session === "AM" ? "/" : "\\"}`,
        );
  }
  const imported = await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
  for (const pupil of [bilal, chloe]) {
    for (const [priority, name, pr] of [
      [1, `Mrs ${pupil.legal_surname}`, true],
      [2, `Grandad ${pupil.legal_surname}`, false],
    ] as const) {
      const added = await office.send("POST", url(`/pupils/${pupil.id}/contacts`), {
        priority,
        name,
        relationship: pr ? "Mother" : "Grandfather",
        parentalResponsibility: pr,
        address: "1 High Street\nLeeds",
      });
      expect(added.statusCode, added.body).toBe(200);
      contacts.set(
        `${pupil.id}:${name}`,
        added.json().contacts.find((c: { name: string }) => c.name === name).id,
      );
    }
    const opened = await office.send("POST", url("/cases"), {
      pupilId: pupil.id,
      stageId: "contract_invite",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    cases.set(pupil.id, opened.json().id);
  }
});
afterAll(async () => {
  await server?.close();
});

const invitees = (pupil: Pupil) => [
  {
    name: `Mrs ${pupil.legal_surname}`,
    role: "parent",
    contactId: contacts.get(`${pupil.id}:Mrs ${pupil.legal_surname}`),
  },
  { name: pupil.legal_forename, role: "pupil" },
  { name: "Ms Dale", role: "attendance_lead" },
  { name: "Mr Okafor", role: "ewo" },
];

describe("scheduling a meeting", () => {
  it("writes the invitation letter in the same step, with the meeting's date, time, place and panel", async () => {
    const caseId = cases.get(bilal.id);
    const scheduled = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-17", "15:30").toISOString(),
      format: "in_person",
      location: "the inclusion room",
      invitees: invitees(bilal),
      letterId: "la_1_contract_invite",
    });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    const { meetingId, letters } = scheduled.json();
    expect(scheduled.json().invitation).toBe(1);
    // One letter: only the mother has parental responsibility.
    expect(letters.letters).toHaveLength(1);
    const letter = await server.database.db
      .selectFrom("letters")
      .select(["content", "meeting_id", "addressee"])
      .where("id", "=", letters.letters[0].id)
      .executeTakeFirstOrThrow();
    expect(letter.meeting_id).toBe(meetingId);
    expect(letter.content).toContain(
      "formal attendance contract meeting on 17 Oct 2025 at 15:30 (in person: the inclusion room) with Ms Dale (attendance lead) and Mr Okafor (education welfare officer)",
    );
    const page = (await office.get(url(`/cases/${caseId}`))).json();
    expect(page.events.map((e: { summary: string }) => e.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Invitation to an attendance contract meeting on 17 Oct 2025 at 15:30 \(in person\): Mrs .+ \(parent or carer\), .+ \(pupil\), Ms Dale \(attendance lead\), Mr Okafor \(ewo \/ aso\)$/,
        ),
        `Letter sent to ${letter.addressee}: LA letter 1: invitation to an attendance contract meeting`,
      ]),
    );
    expect(page.meetings[0]).toMatchObject({ id: meetingId, letter_sent: true });
    expect(page.meetingRules).toEqual({
      noticeDays: 7,
      earliestDay: "2025-10-17",
      missedBeforeProfessionalsMeeting: 2,
    });
    expect(page.meetingLetters).toContainEqual({
      letterId: "la_2_second_invite",
      title: "LA letter 2: second invitation to an attendance contract meeting",
    });
    // The letter was written for the meeting: nothing is due for its invitation.
    const work = (await office.get(url("/worklist?range=week"))).json().items;
    expect(work.filter((i: { kind: string }) => i.kind === "send_invitation")).toEqual([]);
  });

  it("refuses too little notice, and a parent without parental responsibility, saying why", async () => {
    const caseId = cases.get(chloe.id);
    const early = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-16", "15:30").toISOString(),
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toBe(
      "A meeting needs at least 7 days' notice: the earliest date is 17 Oct 2025",
    );
    const grandad = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-20", "09:00").toISOString(),
      invitees: [
        {
          name: `Grandad ${chloe.legal_surname}`,
          role: "parent",
          contactId: contacts.get(`${chloe.id}:Grandad ${chloe.legal_surname}`),
        },
      ],
    });
    expect(grandad.statusCode).toBe(400);
    expect(grandad.json().error.message).toMatch(/has no parental responsibility/);
  });

  it("stands or falls with its letter: an unknown letter leaves no meeting behind", async () => {
    const caseId = cases.get(chloe.id) as number;
    const refused = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-20", "09:00").toISOString(),
      letterId: "no_such_letter",
    });
    expect(refused.statusCode).toBe(404);
    const stored = await server.database.db
      .selectFrom("meetings")
      .select("id")
      .where("case_id", "=", caseId)
      .execute();
    expect(stored).toEqual([]);
  });

  it("shows the invitation as due until a letter is written for that meeting", async () => {
    const caseId = cases.get(chloe.id);
    const scheduled = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-20", "09:00").toISOString(),
      format: "online",
      invitees: invitees(chloe),
    });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    expect(scheduled.json().letters).toBeNull();
    const due = (await office.get(url("/worklist?range=today"))).json().items;
    expect(due).toContainEqual(
      expect.objectContaining({
        kind: "send_invitation",
        pupilId: chloe.id,
        summary: "Send the invitation to the attendance contract meeting on 20 Oct 2025",
      }),
    );
    const written = await office.send("POST", url("/letters"), {
      letterId: "la_1_contract_invite",
      pupilIds: [chloe.id],
      meetingId: scheduled.json().meetingId,
    });
    expect(written.statusCode, written.body).toBe(201);
    const after = (await office.get(url("/worklist?range=today"))).json().items;
    expect(after.filter((i: { kind: string }) => i.kind === "send_invitation")).toEqual([]);
  });
});

describe("recording a meeting", () => {
  it("moves a meeting the parent asked to change without counting it as missed", async () => {
    await on("2025-10-16", "11:00");
    const caseId = cases.get(bilal.id);
    const [first] = (await office.get(url(`/cases/${caseId}`))).json().meetings;
    const past = await office.send("POST", url(`/meetings/${first.id}/record`), {
      status: "rescheduled",
      rescheduledFor: londonInstant("2025-10-15", "09:00").toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toBe("The new time must be still to come");
    const moved = await office.send("POST", url(`/meetings/${first.id}/record`), {
      status: "rescheduled",
      rescheduledFor: londonInstant("2025-10-21", "16:00").toISOString(),
      format: "telephone",
      notes: "Mother works until 15:30 on Fridays",
      letterId: "la_1_contract_invite",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().letters.letters).toHaveLength(1);
    const page = (await office.get(url(`/cases/${caseId}`))).json();
    expect(
      page.meetings.map((m: { status: string; invitation: number; format: string }) => [
        m.status,
        m.invitation,
        m.format,
      ]),
    ).toEqual([
      ["rescheduled", 1, "in_person"],
      ["invited", 1, "telephone"],
    ]);
    expect(page.events.map((e: { summary: string }) => e.summary)).toContain(
      "Attendance contract meeting rescheduled at the parent's request to 21 Oct 2025 at 16:00",
    );
    const again = await office.send("POST", url(`/meetings/${first.id}/record`), {
      status: "held",
      attended: [{ name: "Mrs X", role: "parent" }],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(
      `Meeting ${first.id} was already recorded as rescheduled`,
    );
  });

  it("records who came and what was agreed; a meeting held needs to say who came", async () => {
    await on("2025-10-21", "17:00");
    const caseId = cases.get(bilal.id);
    const meeting = (await office.get(url(`/cases/${caseId}`))).json().meetings[1];
    const nobody = await office.send("POST", url(`/meetings/${meeting.id}/record`), {
      status: "held",
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().error.message).toBe("Say who came to the meeting");
    const held = await office.send("POST", url(`/meetings/${meeting.id}/record`), {
      status: "held",
      attended: invitees(bilal).slice(0, 3),
      notes: "Monday mornings are the problem",
      agreed: "A contract with a morning check-in",
      outcome: "Contract to be drawn up",
    });
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json()).toEqual({ nextStep: null });
    const page = (await office.get(url(`/cases/${caseId}`))).json();
    expect(page.meetings[1]).toMatchObject({
      status: "held",
      agreed: "A contract with a morning check-in",
      attended: invitees(bilal).slice(0, 3),
    });
    expect(page.events.at(-1).summary).toBe(
      `Attendance contract meeting held with Mrs ${bilal.legal_surname}, ${bilal.legal_forename}, Ms Dale: Contract to be drawn up. Agreed: A contract with a morning check-in`,
    );
    // The change and its access-log row were written together (the refusal is logged apart).
    const logged = await server.database.db
      .selectFrom("access_log")
      .select(["pupil_id", "status"])
      .where("what", "=", "POST /api/schools/:schoolId/meetings/:meetingId/record")
      .where("action", "=", "change")
      .where("pupil_id", "=", bilal.id)
      .execute();
    expect(logged.filter((l) => l.status === 200)).toHaveLength(2);
  });

  it("after a missed meeting asks for the second invitation", async () => {
    await on("2025-10-20", "10:00");
    const caseId = cases.get(chloe.id);
    const [meeting] = (await office.get(url(`/cases/${caseId}`))).json().meetings;
    const missed = await office.send("POST", url(`/meetings/${meeting.id}/record`), {
      status: "failed_to_attend",
    });
    expect(missed.json().nextStep).toContain("send a second invitation");
    const second = await office.send("POST", url(`/cases/${caseId}/meetings`), {
      kind: "attendance_contract_meeting",
      scheduledFor: londonInstant("2025-10-27", "09:00").toISOString(),
      letterId: "la_2_second_invite",
      invitees: invitees(chloe),
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().invitation).toBe(2);
  });
});

describe("contracts from a meeting", () => {
  it("refuses a contract after the family did not attend, saying what to do instead", async () => {
    await on("2025-10-21", "17:30");
    const refused = await office.send("POST", url(`/cases/${cases.get(chloe.id)}/contracts`), {
      targetPercent: 95,
      support: [{ by: "school", action: "Morning check-in" }],
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe(
      "A contract is agreed with the parents at a meeting they attend: the family did not attend the attendance contract meeting on 20 Oct 2025. Record a professionals' meeting to agree support without them instead",
    );
  });

  it("records the contract agreed at the meeting held with the parent, as a document to print", async () => {
    await on("2025-10-21", "17:30");
    const caseId = cases.get(bilal.id);
    const held = (await office.get(url(`/cases/${caseId}`))).json().meetings[1];
    const badTarget = await office.send("POST", url(`/cases/${caseId}/contracts`), {
      targetPercent: 95,
      targets: [{ percent: 92, by: "2025-10-01" }],
      support: [{ by: "school", action: "Morning check-in" }],
    });
    expect(badTarget.statusCode).toBe(400);
    expect(badTarget.json().error.message).toBe(
      "A target's date must be still to come: 1 Oct 2025 is not",
    );
    const agreed = await office.send("POST", url(`/cases/${caseId}/contracts`), {
      targetPercent: 95,
      targets: [
        { percent: 90, by: "2025-11-21" },
        { percent: 95, by: "2025-12-19" },
      ],
      barriers: ["The bus on Monday mornings"],
      support: [
        {
          by: "school",
          action: "Morning check-in at the gate",
          owner: "Ms Dale",
          due: "2025-10-27",
        },
        { by: "partner", partner: "Early Help", action: "Family support worker" },
      ],
      parentCommitments: ["Bilal at the bus stop by 07:50"],
      pupilCommitments: ["Go to the check-in every Monday"],
      parentsAgreed: [`Mrs ${bilal.legal_surname}`],
      moveToStage: "contract",
    });
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json()).toMatchObject({ meetingId: held.id });
    const page = (await office.get(url(`/cases/${caseId}`))).json();
    expect(page.stageId).toBe("contract");
    expect(page.events.at(-1).summary).toMatch(
      new RegExp(
        `^Attendance contract agreed with Mrs ${bilal.legal_surname}: target 95%, 2 support action\\(s\\), review on `,
      ),
    );
    const pdf = await office.get(url(`/contracts/${agreed.json().contractId}/document`));
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = pdfText(pdf.rawPayload);
    for (const expected of [
      "Attendance contract for",
      "90% attendance by 21 Nov 2025",
      "The bus on Monday mornings",
      "The school: Morning check-in at the gate (Ms Dale), by 27 Oct 2025",
      "Early Help: Family support worker",
      "Bilal at the bus stop by 07:50",
      "Go to the check-in every Monday",
      `Agreed by Mrs ${bilal.legal_surname} on 21 Oct 2025.`,
    ])
      expect(text).toContain(expected);
    const word = await office.get(
      url(`/contracts/${agreed.json().contractId}/document?format=docx`),
    );
    expect(word.statusCode).toBe(200);
    expect(word.rawPayload.subarray(0, 2).toString()).toBe("PK");
  });
});

describe("stage moves from the case page", () => {
  it("moves, closes and reopens a case, each with its reason in the chronology", async () => {
    await on("2025-10-22", "12:00");
    const caseId = cases.get(chloe.id);
    const moved = await office.send("POST", url(`/cases/${caseId}/stage`), {
      stageId: "notice_to_improve",
      reason: "Parents not engaging after two letters",
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toEqual({ caseId, stageId: "notice_to_improve" });
    const same = await office.send("POST", url(`/cases/${caseId}/stage`), {
      stageId: "notice_to_improve",
    });
    expect(same.statusCode).toBe(409);
    const unknown = await office.send("POST", url(`/cases/${caseId}/stage`), {
      stageId: "nowhere",
    });
    expect(unknown.statusCode).toBe(400);
    const closed = await office.send("POST", url(`/cases/${caseId}/close`), {
      outcome: "Left the school",
    });
    expect(closed.json()).toEqual({ closed: caseId });
    const noReason = await office.send("POST", url(`/cases/${caseId}/reopen`), {
      stageId: "contract_invite",
      reason: " ",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toMatch(/give the reason/);
    const reopened = await office.send("POST", url(`/cases/${caseId}/reopen`), {
      stageId: "contract_invite",
      reason: "Returned to the school",
    });
    expect(reopened.statusCode, reopened.body).toBe(201);
    expect(reopened.json().reopenedFrom).toBe(caseId);
    const again = await office.send("POST", url(`/cases/${caseId}/reopen`), {
      stageId: "contract_invite",
      reason: "Twice",
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(
      `This pupil already has an open case (${reopened.json().caseId}): work that one`,
    );
    const old = (await office.get(url(`/cases/${caseId}`))).json();
    expect(old.events.map((e: { summary: string }) => e.summary).slice(-2)).toEqual([
      expect.stringMatching(/^Moved to .+: Parents not engaging after two letters$/),
      "Case closed: Left the school",
    ]);
    const fresh = (await office.get(url(`/cases/${reopened.json().caseId}`))).json();
    expect(fresh.events[0].summary).toMatch(
      new RegExp(
        `^Case reopened at .+ \\(earlier case ${caseId} had closed\\): Returned to the school$`,
      ),
    );
  });
});

describe("the contact log from the case page", () => {
  it("logs a call against the contact spoken to, and a note with no one spoken to", async () => {
    await on("2025-10-22", "15:00");
    const call = await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-22", "14:30").toISOString(),
      method: "phone",
      contactId: contacts.get(`${bilal.id}:Grandad ${bilal.legal_surname}`),
      withWhom: `Grandad ${bilal.legal_surname}`,
      outcome: "Will bring him on Monday",
    });
    expect(call.statusCode, call.body).toBe(201);
    const note = await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-22", "14:45").toISOString(),
      method: "note",
      withWhom: "(note)",
      outcome: "Bus company confirms the 07:55 is often late",
    });
    expect(note.statusCode, note.body).toBe(201);
    const wrong = await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
      happenedAt: londonInstant("2025-10-22", "14:50").toISOString(),
      method: "phone",
      contactId: contacts.get(`${chloe.id}:Mrs ${chloe.legal_surname}`),
      withWhom: "Chloe's mother",
      outcome: "Wrong family",
    });
    expect(wrong.statusCode).toBe(400);
    const logged = await server.database.db
      .selectFrom("contact_log")
      .select(["method", "contact_id", "case_id"])
      .where("pupil_id", "=", bilal.id)
      .orderBy("id")
      .execute();
    expect(logged).toEqual([
      {
        method: "phone",
        contact_id: contacts.get(`${bilal.id}:Grandad ${bilal.legal_surname}`),
        case_id: cases.get(bilal.id),
      },
      { method: "note", contact_id: null, case_id: cases.get(bilal.id) },
    ]);
  });
});
