import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { londonInstant } from "../../src/domain/dates.ts";
import { pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

/**
 * Least privilege by data, not by route (issue 13, finding 6): what each role reads and files is
 * decided by what the data is, whichever route hands it over.
 */
let server: TestServer;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
let caseId: number;
let letterId: number;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const NOTE = "Mother said the father has come back to the house";

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-10", "10:00");
  const head = await server.as("head");
  office = await server.as("office");
  expect(
    (await head.send("POST", url("/policy/adopt"), { preset: "la_contract_process" })).statusCode,
  ).toBe(201);
  await office.send("POST", url(`/pupils/${bilal.id}/contacts`), {
    priority: 1,
    name: "Mrs Bilal Senior",
    relationship: "Mother",
    parentalResponsibility: true,
    address: "1 High Street\nLeeds",
  });
  const opened = await office.send("POST", url("/cases"), {
    pupilId: bilal.id,
    stageId: "contract_invite",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().caseId ?? opened.json().id;
  const logged = await office.send("POST", url(`/pupils/${bilal.id}/contact-log`), {
    happenedAt: londonInstant("2025-09-09", "16:15").toISOString(),
    method: "phone",
    withWhom: "Mrs Bilal Senior",
    outcome: "Reached: worried about home",
    notes: NOTE,
  });
  expect(logged.statusCode, logged.body).toBe(201);
  const letters = await office.send("POST", url("/letters"), {
    letterId: "trust_letter_1",
    pupilIds: [bilal.id],
  });
  expect(letters.statusCode, letters.body).toBe(201);
  letterId = letters.json().letters[0].id;
});
afterAll(async () => {
  await server?.close();
});

describe("safeguarding notes", () => {
  it("are left out of the evidence pack for trust and LA officers, JSON and PDF, and kept for the office and the DSL", async () => {
    for (const person of ["trust", "la"] as const) {
      const client = await server.as(person);
      const pack = await client.get(url(`/cases/${caseId}/evidence-pack?format=json`));
      expect(pack.statusCode, pack.body).toBe(200);
      expect(pack.body).not.toContain(NOTE);
      expect(pack.body).not.toContain("worried about home");
      // The contact still shows: the support-first story keeps its dates and methods.
      expect(pack.json().chronology).toContainEqual(
        expect.objectContaining({
          kind: "contact",
          summary: expect.stringContaining("Contact with the family by phone"),
        }),
      );
      const pdf = await client.get(url(`/cases/${caseId}/evidence-pack?format=pdf`));
      expect(pdf.statusCode).toBe(200);
      const text = pdfText(pdf.rawPayload).replace(/\s+/g, " ");
      expect(text).toContain("Contact with the family by phone");
      expect(text).not.toContain("father has come back");
    }
    for (const person of ["office", "dsl"] as const) {
      const pack = await (await server.as(person)).get(
        url(`/cases/${caseId}/evidence-pack?format=json`),
      );
      expect(pack.statusCode, pack.body).toBe(200);
      expect(pack.body).toContain(NOTE);
    }
  });

  it("go into the subject access export for the head, who may read them", async () => {
    const held = await (await server.as("head")).get(url(`/pupils/${bilal.id}/subject-access`));
    expect(held.statusCode).toBe(200);
    expect(held.json().contactLog).toContainEqual(expect.objectContaining({ notes: NOTE }));
    expect(held.json().withheld).toBeUndefined();
  });
});

describe("letters", () => {
  it("are read by the office, not by a teacher (who still sees the pupil)", async () => {
    const teacher = await server.as("teacher");
    expect((await teacher.get(url(`/pupils/${bilal.id}`))).statusCode).toBe(200);
    expect((await teacher.get(url(`/pupils/${bilal.id}/letters`))).statusCode).toBe(403);
    expect((await teacher.get(url(`/letters/${letterId}/pdf`))).statusCode).toBe(403);
    expect((await teacher.get(url(`/letters/${letterId}/docx`))).statusCode).toBe(403);
    const read = await office.get(url(`/pupils/${bilal.id}/letters`));
    expect(read.json().letters).toHaveLength(1);
    expect((await office.get(url(`/letters/${letterId}/pdf`))).statusCode).toBe(200);
  });

  it("about their own child are read by a parent", async () => {
    const parent = await server.as("parent");
    const own = await parent.get(url(`/pupils/${amelia.id}/letters`));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().letters).toEqual([]);
  });
});

describe("absence reports and leave requests", () => {
  const absence = {
    fromDate: "2025-09-11",
    toDate: "2025-09-11",
    reason: "Dentist appointment in the morning",
  };
  const leave = {
    fromDate: "2025-10-06",
    toDate: "2025-10-07",
    reason: "A grandparent's funeral abroad, with the whole family",
  };

  it("are not filed by trust, LA, DSL or teachers, who would make amendments under their own names", async () => {
    for (const person of ["trust", "la", "dsl", "teacher"] as const) {
      const client = await server.as(person);
      const report = await client.send("POST", url(`/pupils/${bilal.id}/absence-reports`), absence);
      expect(report.statusCode, `${person}: ${report.body}`).toBe(403);
      const request = await client.send("POST", url(`/pupils/${bilal.id}/leave-requests`), leave);
      expect(request.statusCode, `${person}: ${request.body}`).toBe(403);
    }
    const filed = await server.database.db
      .selectFrom("absence_reports")
      .select("id")
      .where("school_id", "=", server.school.id)
      .execute();
    expect(filed).toEqual([]);
  });

  it("are filed by parents for their own children and by the office on a family's behalf", async () => {
    const parent = await server.as("parent");
    const own = await parent.send("POST", url(`/pupils/${amelia.id}/absence-reports`), absence);
    expect(own.statusCode, own.body).toBe(201);
    const asked = await parent.send("POST", url(`/pupils/${amelia.id}/leave-requests`), leave);
    expect(asked.statusCode, asked.body).toBe(201);
    const byPhone = await office.send("POST", url(`/pupils/${bilal.id}/absence-reports`), {
      ...absence,
      fromDate: "2025-09-08",
    });
    expect(byPhone.statusCode, byPhone.body).toBe(201);
    expect(
      (await office.send("POST", url(`/pupils/${bilal.id}/leave-requests`), leave)).statusCode,
    ).toBe(201);
    const past = await parent.send("POST", url(`/pupils/${amelia.id}/absence-reports`), {
      ...absence,
      fromDate: "2025-09-08",
    });
    expect(past.statusCode).toBe(400);
  });
});

describe("the permissions the server sends", () => {
  it("say what the caller may do in the school, so the web app shows only that", async () => {
    const of = async (person: "dsl" | "office" | "teacher" | "parent") =>
      (await (await server.as(person)).get(`/api/schools/${server.school.id}`)).json().permissions;
    const dsl = await of("dsl");
    expect(dsl).toContain("pupils.safeguarding");
    expect(dsl).not.toContain("cases.manage");
    expect(dsl).not.toContain("absence_reports.decide");
    expect(await of("office")).toEqual(
      expect.arrayContaining(["cases.manage", "letters.send", "marks.amend", "follow_up.record"]),
    );
    expect(await of("teacher")).toEqual(["school.view", "registers.take_own"]);
    expect(await of("parent")).toEqual([]);
  });
});

describe("the access log of a list", () => {
  it("names every pupil a register and the pupil list showed", async () => {
    const teacher = await server.as("teacher");
    const register = await teacher.get(url(`/registers/${server.groups.g8C}/2025-09-10/AM`));
    expect(register.statusCode, register.body).toBe(200);
    const inRegister = register
      .json()
      .pupils.map((p: { pupilId: number }) => p.pupilId)
      .sort((a: number, b: number) => a - b);
    expect(inRegister).toContain(bilal.id);
    const list = await teacher.get(url(`/pupils?groupId=${server.groups.g8C}`));
    const inList = list
      .json()
      .pupils.map((p: { id: number }) => p.id)
      .sort((a: number, b: number) => a - b);
    await vi.waitFor(async () => {
      const rows = await server.database.db
        .selectFrom("access_log")
        .select(["what", "pupil_ids"])
        .where("school_id", "=", server.school.id)
        .where("actor", "=", "Ms K. Tutor")
        .where("what", "in", [
          "GET /api/schools/:schoolId/registers/:groupId/:date/:session",
          "GET /api/schools/:schoolId/pupils",
        ])
        .execute();
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            what: "GET /api/schools/:schoolId/registers/:groupId/:date/:session",
            pupil_ids: inRegister,
          },
          { what: "GET /api/schools/:schoolId/pupils", pupil_ids: inList },
        ]),
      );
    });
  });
});

describe("the access log of a case action", () => {
  it("names the case's pupil, whatever pupil the body names", async () => {
    const response = await office.send("POST", url(`/cases/${caseId}/missing-education-report`), {
      pupilId: amelia.id,
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(200);
    // A read's or a refusal's row is written after the answer has gone.
    await vi.waitFor(async () =>
      expect(
        await server.database.db
          .selectFrom("access_log")
          .select(["pupil_id", "status"])
          .where("school_id", "=", server.school.id)
          .where("what", "=", "POST /api/schools/:schoolId/cases/:caseId/missing-education-report")
          .execute(),
      ).toEqual([{ pupil_id: bilal.id, status: response.statusCode }]),
    );
  });
});
