import { inflateSync } from "node:zlib";
import PizZip from "pizzip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { aCalendar } from "../support/builders.ts";
import { pdfLines, pdfText } from "../support/pdf-text.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let head: Client;
let bilal: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

function docxText(docx: Buffer): string {
  const xml = new PizZip(docx).file("word/document.xml")?.asText() ?? "";
  return xml
    .replace(/<w:br\/>/g, "\n")
    .replace(/<w:p[ >][\s\S]*?<\/w:p>/g, (p) => `${p.replace(/<[^>]+>/g, "")}\n`)
    .replace(/<[^>]+>/g, "");
}

/** The PDF's drawing operators, to check a colour a text reader cannot see. */
function inflatedStreams(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  return [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)]
    .map((m) => {
      try {
        return inflateSync(Buffer.from(m[1] as string, "latin1")).toString("latin1");
      } catch {
        return "";
      }
    })
    .join("\n");
}

beforeAll(async () => {
  server = await testServer();
  bilal = server.pupils[1] as Pupil;
  server.setNow("2025-09-30", "12:00");
  head = await server.as("head");
  office = await server.as("office");
  await head.send("POST", url("/policy/adopt"), { preset: "trust_policy" });
  const rows = ["upn,date,session,code"];
  for (const date of aCalendar().schoolDays("2025-09-03", "2025-09-30")) {
    const ill = date >= "2025-09-08" && date <= "2025-09-10";
    for (const session of ["AM", "PM"])
      rows.push(`${bilal.upn},${date},${session},${ill ? "I" : session === "AM" ? "/" : "\\"}`);
  }
  expect(
    (
      await office.send("POST", url("/imports/marks"), `${rows.join("\n")}\n`, {
        "content-type": "text/csv",
      })
    ).statusCode,
  ).toBe(200);
  for (const [priority, name, pr] of [
    [1, "Mrs Bilal Senior", true],
    [2, "Mr Bilal Senior", true],
    [3, "Aunt Pupil", false],
  ] as const) {
    await office.send("POST", url(`/pupils/${bilal.id}/contacts`), {
      priority,
      name,
      relationship: "Parent",
      parentalResponsibility: pr,
      address: "1 High Street\nLeeds",
    });
  }
});
afterAll(async () => {
  await server?.close();
});

describe("letters", () => {
  it("writes Letter 1 to each contact with parental responsibility, merged, as PDF and Word", async () => {
    const issued = await office.send("POST", url("/letters"), {
      letterId: "trust_letter_1",
      pupilIds: [bilal.id],
    });
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.json().letters.map((l: { addressee: string }) => l.addressee)).toEqual([
      "Mrs Bilal Senior",
      "Mr Bilal Senior",
    ]);
    const [first] = issued.json().letters;
    const pdf = await office.get(url(`/letters/${first.id}/pdf`));
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain("School A");
    expect(text).toContain("Dear Mrs Senior");
    // The postal address block is the contact's name and address, a line each.
    const lines = pdfLines(pdf.rawPayload);
    const at = lines.indexOf("Mrs Bilal Senior");
    expect(lines.slice(at, at + 3)).toEqual(["Mrs Bilal Senior", "1 High Street", "Leeds"]);
    // Signed by the sender, with their role, above the school's signatory.
    const signed = lines.indexOf("Yours sincerely");
    expect(lines.slice(signed, signed + 4)).toEqual([
      "Yours sincerely",
      "Mrs S. Office",
      "Attendance officer",
      "The Attendance Team",
    ]);
    expect(text).toContain("Bilal Pupil 8C Attendance figure 85.0%");
    expect(text).toContain("98% and above");
    expect(text).toContain("Persistent absentee");
    expect(text).toContain("has now missed 3 school days this year");
    const docx = await office.get(url(`/letters/${first.id}/docx`));
    const words = docxText(docx.rawPayload);
    expect(words).toContain("Dear Mrs Senior");
    expect(words).toContain("Mrs Bilal Senior\n1 High Street\nLeeds");
    expect(words).toContain("Mrs S. Office\nAttendance officer\nThe Attendance Team");
    expect(words).toContain("Attendance figure 85.0%");
    expect(words).toContain("has now missed 3 school days this year");
  });

  it("records each letter against the pupil with its exact content", async () => {
    const letters = (await office.get(url(`/pupils/${bilal.id}/letters`))).json().letters;
    expect(letters).toHaveLength(2);
    expect(letters[0].content).toContain("Dear Mr Senior");
    expect(letters[0].content).toContain("30 September 2025");
  });

  it("sends a batch as one PDF and a zip of Word documents", async () => {
    const amelia = server.pupils[0] as Pupil;
    await office.send("POST", url(`/pupils/${amelia.id}/contacts`), {
      priority: 1,
      name: "Mrs Amelia Senior",
      relationship: "Mother",
      address: "2 Low Road, Leeds, LS2 2BB",
    });
    const issued = (
      await office.send("POST", url("/letters"), {
        letterId: "registration_certificate",
        pupilIds: [bilal.id, amelia.id, server.pupils[2]?.id],
      })
    ).json();
    expect(issued.letters).toHaveLength(3);
    expect(issued.skipped).toEqual([
      {
        pupilId: server.pupils[2]?.id,
        reason: "no contact with parental responsibility to write to",
      },
    ]);
    const pdf = await office.get(url(`/letter-batches/${issued.batchId}/pdf`));
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain("Registration certificate");
    expect(text).toContain("8 Sep 2025 AM I Illness");
    expect(text.match(/Registration certificate/g)).toHaveLength(3);
    const zip = new PizZip(
      (await office.get(url(`/letter-batches/${issued.batchId}/zip`))).rawPayload,
    );
    expect(Object.keys(zip.files).filter((f) => f.endsWith(".docx"))).toHaveLength(3);
  });

  it("names the contacts with no postal address, whose letter cannot go by post", async () => {
    const charlie = server.pupils[2] as Pupil;
    await office.send("POST", url(`/pupils/${charlie.id}/contacts`), {
      priority: 1,
      name: "Ms Jane Powell",
      relationship: "Mother",
    });
    const issued = await office.send("POST", url("/letters"), {
      letterId: "registration_certificate",
      pupilIds: [charlie.id, bilal.id],
    });
    expect(issued.statusCode, issued.body).toBe(201);
    // Bilal's parents have an address; Charlie's mother has none, and the office is told.
    expect(issued.json().withoutAddress).toEqual([
      { pupilId: charlie.id, contactId: expect.any(Number), addressee: "Ms Jane Powell" },
    ]);
    // Her letter is still written, to hand over or send another way.
    expect(issued.json().letters.map((l: { addressee: string }) => l.addressee)).toContain(
      "Ms Jane Powell",
    );
  });

  it("lets the school change the wording, refusing unknown fields, and uses its Word template", async () => {
    const bad = await head.send("PUT", url("/letter-templates/trust_letter_1"), {
      title: "Letter 1",
      body: "Dear {parent_name}",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("{parent_name} is not a merge field");
    const saved = await head.send("PUT", url("/letter-templates/trust_letter_1"), {
      title: "Letter 1 (ours)",
      body: "{salutation}\n\n{chosen_forename} has missed {days_missed} days.",
    });
    expect(saved.json()).toEqual({ letterId: "trust_letter_1", version: 1 });
    const docxTemplate = new PizZip();
    docxTemplate.file(
      "[Content_Types].xml",
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    );
    docxTemplate.file(
      "_rels/.rels",
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    );
    docxTemplate.file(
      "word/document.xml",
      '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>OUR CREST {school_name}: {chosen_forename} is at {attendance_percentage}%</w:t></w:r></w:p></w:body></w:document>',
    );
    const upload = await head.send("PUT", url("/letter-templates/registration_certificate"), {
      title: "Certificate",
      body: "{chosen_forename}: {percentage_attendance}%",
      docxBase64: docxTemplate.generate({ type: "nodebuffer" }).toString("base64"),
    });
    expect(upload.statusCode, upload.body).toBe(200);
    const letter = (
      await office.send("POST", url("/letters"), {
        letterId: "registration_certificate",
        pupilIds: [bilal.id],
      })
    ).json().letters[0];
    expect(docxText((await office.get(url(`/letters/${letter.id}/docx`))).rawPayload)).toContain(
      "OUR CREST School A: Bilal is at 85.0%",
    );
    const ours = (
      await office.send("POST", url("/letters"), {
        letterId: "trust_letter_1",
        pupilIds: [bilal.id],
      })
    ).json().letters[0];
    expect(pdfText((await office.get(url(`/letters/${ours.id}/pdf`))).rawPayload)).toContain(
      "Bilal has missed 3 days.",
    );
  });

  it("refuses a letter that needs a meeting date when there is no meeting", async () => {
    const issued = (
      await office.send("POST", url("/letters"), {
        letterId: "trust_letter_2",
        pupilIds: [bilal.id],
      })
    ).json();
    expect(issued.letters).toEqual([]);
    expect(issued.skipped[0].reason).toContain(
      "This letter needs {meeting_date}, {meeting_time}, {meeting_format}",
    );
  });

  it("sends the letters accepted proposals call for, and the worklist then no longer asks", async () => {
    await office.send("POST", url("/policy/evaluate"), {});
    const proposals = (await office.get(url("/proposed-actions")))
      .json()
      .proposedActions.filter((p: { pupil_id: number }) => p.pupil_id === bilal.id);
    for (const p of proposals) await office.send("POST", url(`/proposed-actions/${p.id}/accept`));
    const before = (await office.get(url("/worklist?range=week")))
      .json()
      .items.filter((i: { kind: string }) => i.kind === "send_letter");
    expect(before.length).toBeGreaterThan(0);
    const sent = (await office.send("POST", url("/letters/from-proposals"), {})).json();
    expect(sent.batches.length).toBe(before.length);
    const after = (await office.get(url("/worklist?range=week")))
      .json()
      .items.filter((i: { kind: string }) => i.kind === "send_letter");
    expect(after).toEqual([]);
  });

  it("lists this half term's late marks with their minutes in the trust's lateness letter", async () => {
    const amelia = server.pupils[0] as Pupil;
    const marks = [
      "upn,date,session,code,minutes_late",
      `${amelia.upn},2025-09-15,AM,L,12`,
      `${amelia.upn},2025-09-22,AM,U,40`,
      `${amelia.upn},2025-09-29,AM,L,`,
      `${amelia.upn},2025-09-29,PM,\\,`,
    ];
    const imported = await office.send("POST", url("/imports/marks"), `${marks.join("\n")}\n`, {
      "content-type": "text/csv",
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const issued = await office.send("POST", url("/letters"), {
      letterId: "trust_late_marks",
      pupilIds: [amelia.id],
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const [letter] = issued.json().letters;
    const pdf = pdfText((await office.get(url(`/letters/${letter.id}/pdf`))).rawPayload);
    expect(pdf).toContain("has been late to school on the following occasions this half term");
    expect(pdf).toContain("15 Sep 2025 AM L Late, before the register closed (12 minutes late)");
    expect(pdf).toContain(
      "22 Sep 2025 AM U Arrived after the register closed (40 minutes late): an unauthorised absence",
    );
    expect(pdf).toContain("29 Sep 2025 AM L Late, before the register closed");
    const words = docxText((await office.get(url(`/letters/${letter.id}/docx`))).rawPayload);
    expect(words).toContain(
      "15 Sep 2025 AM   L   Late, before the register closed (12 minutes late)",
    );
    // Bilal was never late: his letter says so rather than showing an empty table.
    const his = (
      await office.send("POST", url("/letters"), {
        letterId: "trust_late_marks",
        pupilIds: [bilal.id],
      })
    ).json().letters[0];
    expect(pdfText((await office.get(url(`/letters/${his.id}/pdf`))).rawPayload)).toContain(
      "No late marks this half term.",
    );
  });

  it("writes every family the colour-coded letter of their child's band, one batch per band", async () => {
    const written = await office.send("POST", url("/letters/by-band"), {});
    expect(written.statusCode, written.body).toBe(201);
    const { bands, withoutBand } = written.json();
    // Amelia (75%) and Bilal (85%) are persistent absentees; pupils with no marks yet have no band.
    expect(
      bands.map((b: { bandId: string; letterId: string; pupils: number }) => [
        b.bandId,
        b.letterId,
        b.pupils,
      ]),
    ).toEqual([["persistent_absentee", "trust_rag_red", 2]]);
    expect(withoutBand).toBeGreaterThan(0);
    const [first] = bands[0].batch.letters;
    const pdf = pdfText((await office.get(url(`/letters/${first.id}/pdf`))).rawPayload);
    expect(pdf).toMatch(/letter is red: attendance of (75|85)\.0% this year is below 90%/);
    // The red letter says so in red at its head, in the PDF and in Word.
    const redPdf = (await office.get(url(`/letters/${first.id}/pdf`))).rawPayload;
    expect(pdfLines(redPdf)).toContain("Half-termly attendance letter: red");
    // #C62828 as pdfkit writes an RGB fill colour.
    expect(inflatedStreams(redPdf)).toContain(
      "0.7764705882352941 0.1568627450980392 0.1568627450980392 scn",
    );
    const redDocx = (await office.get(url(`/letters/${first.id}/docx`))).rawPayload;
    expect(new PizZip(redDocx).file("word/document.xml")?.asText()).toContain(
      '<w:color w:val="C62828"/>',
    );

    const chosen = await office.send("POST", url("/letters/by-band"), {
      letters: { persistent_absentee: "trust_letter_1", nonsense: "trust_rag_red" },
    });
    expect(chosen.statusCode).toBe(400);
    expect(chosen.json().error.message).toContain("No band nonsense in the policy");
    const teacher = await server.as("teacher");
    expect((await teacher.send("POST", url("/letters/by-band"), {})).statusCode).toBe(403);
  });
});
