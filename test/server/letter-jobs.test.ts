import PizZip from "pizzip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libreOffice } from "../../src/app/letters/libreoffice.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { aCalendar } from "../support/builders.ts";
import { pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";
import { wordTemplate } from "../support/word-template.ts";

let server: TestServer;
let office: Client;
let head: Client;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

interface Job {
  id: number;
  status: string;
  total: number;
  done: number;
  failed: number;
  result: { letters?: { id: number }[]; skipped?: { reason: string }[]; notes?: string[] } & {
    bands?: { batch: { letters: unknown[] } }[];
  };
  error: string | null;
}

/** Starts a job and watches it to the end, as the web app's progress bar does. */
async function runJob(body: object): Promise<{ started: Job; finished: Job }> {
  const start = await office.send("POST", url("/letter-jobs"), body);
  expect(start.statusCode, start.body).toBe(202);
  const started = start.json() as Job;
  for (;;) {
    const job = (await office.get(url(`/letter-jobs/${started.id}`))).json() as Job;
    expect(job.done + job.failed).toBeLessThanOrEqual(job.total);
    if (job.status === "done" || job.status === "failed") return { started, finished: job };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  server = await testServer();
  bilal = server.pupils[1] as Pupil;
  server.setNow("2025-09-30", "12:00");
  head = await server.as("head");
  office = await server.as("office");
  await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" });
  const rows = ["upn,date,session,code"];
  for (const pupil of server.pupils.slice(0, 4))
    for (const date of aCalendar().schoolDays("2025-09-03", "2025-09-30"))
      for (const session of ["AM", "PM"])
        rows.push(`${pupil.upn},${date},${session},${date < "2025-09-12" ? "O" : "/"}`);
  const imported = await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
    "content-type": "text/csv",
  });
  expect(imported.statusCode, imported.body).toBe(200);
  for (const pupil of server.pupils.slice(0, 4))
    await office.send("POST", url(`/pupils/${pupil.id}/contacts`), {
      priority: 1,
      name: `Mrs ${pupil.legal_surname}`,
      relationship: "Mother",
      parentalResponsibility: true,
      address: "1 High Street\nLeeds",
      ...(pupil.id === bilal.id ? { email: "mother@home.example" } : {}),
    });
  await office.send("POST", url(`/pupils/${bilal.id}/contacts`), {
    priority: 2,
    name: "Mr Senior",
    relationship: "Father",
    parentalResponsibility: true,
    address: "2 High Street\nLeeds",
  });
});
afterAll(async () => {
  await server?.close();
});

describe("letter batches as background jobs", () => {
  it("writes every band's letters in the background, counting them, with the batches as its result", async () => {
    const { started, finished } = await runJob({ kind: "by_band" });
    expect(started.total).toBeGreaterThanOrEqual(4);
    expect(finished.status).toBe("done");
    expect(finished.done + finished.failed).toBe(started.total);
    const letters = finished.result.bands?.reduce((n, b) => n + b.batch.letters.length, 0);
    // Bilal's two parents get a letter each.
    expect(letters).toBeGreaterThanOrEqual(5);
  });

  it("refuses a band the policy does not have before starting anything", async () => {
    const refused = await office.send("POST", url("/letter-jobs"), {
      kind: "by_band",
      letters: { platinum: "trust_rag_green" },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain("No band platinum");
  });

  it("encloses the registration certificate Letter 1 promises, as pages and as an email attachment", async () => {
    const { finished } = await runJob({
      kind: "letters",
      letterId: "trust_letter_1",
      pupilIds: [bilal.id],
    });
    const letter = finished.result.letters?.[0] as { id: number };
    const pdf = (await office.get(url(`/letters/${letter.id}/pdf`))).rawPayload;
    const text = pdfText(pdf);
    expect(text).toContain("As you will see from the attached registration certificate");
    expect(text).toContain("Registration certificate");
    const enclosures = await server.database.db
      .selectFrom("letter_enclosures")
      .select(["kind", "title"])
      .where("letter_record_id", "=", letter.id)
      .execute();
    expect(enclosures).toEqual([
      { kind: "registration_certificate", title: "Registration certificate" },
    ]);
    const batch = (
      await server.database.db
        .selectFrom("letters")
        .select("batch_id")
        .where("id", "=", letter.id)
        .executeTakeFirstOrThrow()
    ).batch_id;
    const emailed = await office.send("POST", url(`/letter-batches/${batch}/email`));
    expect(emailed.statusCode, emailed.body).toBe(200);
    expect(emailed.json().queued).toEqual([
      { letterRecordId: letter.id, to: "mother@home.example" },
    ]);
    expect(emailed.json().toPost).toEqual([
      expect.objectContaining({ addressee: "Mr Senior", reason: "Mr Senior has no email address" }),
    ]);
  });

  it("does not send LA letter 4 without the contract it encloses, and encloses it once agreed", async () => {
    const { finished } = await runJob({
      kind: "letters",
      letterId: "la_4_contract_outcome",
      pupilIds: [bilal.id],
    });
    expect(finished.result.letters).toEqual([]);
    expect(finished.result.skipped?.[0]?.reason).toContain("encloses the attendance contract");
    const { db } = server.database;
    const opened = await db
      .insertInto("attendance_cases")
      .values({
        school_id: server.school.id,
        pupil_id: bilal.id,
        status: "open",
        stage_id: "contract",
        stage_started_on: "2025-09-29",
        baseline_attended: 20,
        baseline_possible: 38,
        opened_on: "2025-09-29",
        opened_by: "test",
        next_review_on: "2025-11-10",
        last_review_on: null,
        last_review_band: null,
        closed_on: null,
        outcome: null,
        policy_version: 1,
        owner_user_id: null,
        reopened_from: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("contracts")
      .values({
        school_id: server.school.id,
        case_id: opened.id,
        kind: "attendance_contract",
        agreed_on: "2025-09-29",
        target_percent: 95,
        barriers: JSON.stringify(["Family visits at weekends"]),
        support: JSON.stringify([{ by: "school", action: "Weekly check-in" }]),
        review_on: "2025-11-10",
        baseline_attended: 20,
        baseline_possible: 38,
        recorded_by: "test",
        meeting_id: null,
        targets: JSON.stringify([]),
        parent_commitments: JSON.stringify(["Bring Bilal in every day"]),
        pupil_commitments: JSON.stringify([]),
        agreed_by: JSON.stringify([{ name: "Mrs Senior", on: "2025-09-29" }]),
      })
      .execute();
    const again = await runJob({
      kind: "letters",
      letterId: "la_4_contract_outcome",
      pupilIds: [bilal.id],
    });
    const letter = again.finished.result.letters?.[0] as { id: number };
    const text = pdfText((await office.get(url(`/letters/${letter.id}/pdf`))).rawPayload);
    expect(text).toContain("Enclosed is a copy of the attendance contract");
    expect(text).toContain("Family visits at weekends");
    expect(text).toContain("Bring Bilal in every day");
  });
});

describe("the school's letterhead and Word templates", () => {
  it("takes a PNG or JPEG logo within the limit, and puts it in the Word letter", async () => {
    const gif = await head.send("PUT", url("/letterhead/logo"), {
      imageBase64: Buffer.from("GIF89a....").toString("base64"),
    });
    expect(gif.statusCode).toBe(400);
    expect(gif.json().error.message).toBe("The logo must be a PNG or JPEG image");
    const huge = Buffer.concat([Buffer.from(PNG_1PX, "base64"), Buffer.alloc(1_100_000)]);
    const tooBig = await head.send("PUT", url("/letterhead/logo"), {
      imageBase64: huge.toString("base64"),
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.message).toContain("the limit is 1024 KB");
    const saved = await head.send("PUT", url("/letterhead/logo"), { imageBase64: PNG_1PX });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ logo: { type: "png", width: 1, height: 1 } });
    expect((await office.get(url("/letterhead/logo"))).headers["content-type"]).toBe("image/png");
    const { finished } = await runJob({
      kind: "letters",
      letterId: "trust_rag_green",
      pupilIds: [bilal.id],
    });
    const letter = finished.result.letters?.[0] as { id: number };
    const docx = new PizZip((await office.get(url(`/letters/${letter.id}/docx`))).rawPayload);
    expect(docx.file("word/media/rollbook-logo.png")).not.toBeNull();
    expect(docx.file("word/_rels/document.xml.rels")?.asText()).toContain("rollbook-logo.png");
  });

  it("refuses a file that is not a Word document, and lists every unknown merge field", async () => {
    const notWord = await head.send("PUT", url("/letter-templates/trust_rag_amber/docx"), {
      docxBase64: Buffer.from("%PDF-1.4 not a docx").toString("base64"),
    });
    expect(notWord.statusCode).toBe(400);
    expect(notWord.json().error.message).toContain("not a Word document (.docx)");
    const unknown = await head.send("PUT", url("/letter-templates/trust_rag_amber/docx"), {
      docxBase64: wordTemplate(["Dear {parent_name}", "{chosen_forename} {pupil_dob}"]).toString(
        "base64",
      ),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.problems).toEqual([
      "{parent_name} is not a merge field",
      "{pupil_dob} is not a merge field",
    ]);
  });

  it("prints the school's uploaded Word template in both the Word file and the PDF", async () => {
    const before = (await office.get(url("/letter-templates/trust_rag_amber/docx"))).rawPayload;
    expect(new PizZip(before).file("word/document.xml")?.asText()).toContain("{#paragraphs}");
    const ours = wordTemplate([
      "NORTHFIELD LETTERHEAD",
      "{salutation}",
      "Our own words: {chosen_forename} has attended {percentage_attendance}% this year.",
    ]);
    const saved = await head.send("PUT", url("/letter-templates/trust_rag_amber/docx"), {
      docxBase64: ours.toString("base64"),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(
      (await office.get(url("/letter-templates/trust_rag_amber/docx"))).rawPayload.equals(ours),
    ).toBe(true);
    const { finished } = await runJob({
      kind: "letters",
      letterId: "trust_rag_amber",
      pupilIds: [bilal.id],
    });
    expect(finished.result.skipped, JSON.stringify(finished)).toEqual([]);
    const letter = finished.result.letters?.[0] as { id: number };
    const pdf = pdfText((await office.get(url(`/letters/${letter.id}/pdf`))).rawPayload);
    if (libreOffice()) {
      expect(finished.result.notes).toEqual([]);
      expect(pdf).toContain("NORTHFIELD LETTERHEAD");
      expect(pdf).toMatch(/Our own words: Bilal has attended [\d.]+% this year\./);
    } else {
      expect(finished.result.notes?.[0]).toContain("LibreOffice is not installed");
    }
  });
});
