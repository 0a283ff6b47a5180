import { execFileSync } from "node:child_process";
import PizZip from "pizzip";
import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** A Word document as a school saves it from Word, one paragraph per line. */
function wordFile(paragraphs: string[]): Buffer {
  const zip = new PizZip();
  zip.file(
    "[Content_Types].xml",
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    "_rels/.rels",
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    "word/document.xml",
    `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
      .map((p) => `<w:p><w:r><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`)
      .join("")}</w:body></w:document>`,
  );
  return zip.generate({ type: "nodebuffer" });
}

test("the head uploads the school's Word template and logo, and the office's letter follows them", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  await page.goto("/letters");
  await page
    .getByLabel(/^Letter/)
    .first()
    .selectOption("trust_rag_amber");
  const upload = page.getByLabel("Upload a Word template (.docx)");
  await upload.setInputFiles({
    name: "letter.pdf",
    mimeType: DOCX,
    buffer: Buffer.from("%PDF-1.4"),
  });
  await page.getByRole("alert").filter({ hasText: "not a Word document (.docx)" }).waitFor();
  await upload.setInputFiles({
    name: "ours.docx",
    mimeType: DOCX,
    buffer: wordFile(["Dear {parent_name}", "{chosen_forename}"]),
  });
  await page.getByRole("alert").filter({ hasText: "{parent_name} is not a merge field" }).waitFor();
  await upload.setInputFiles({
    name: "ours.docx",
    mimeType: DOCX,
    buffer: wordFile([
      "NORTHFIELD LETTERHEAD",
      "Our own words: {chosen_forename} has attended {percentage_attendance}% this year.",
    ]),
  });
  await page.getByRole("status").filter({ hasText: "Word template saved as version" }).waitFor();
  await page.getByText("uses the school's Word template").waitFor();

  await page.getByLabel("School logo (PNG or JPEG, up to 1 MB)").setInputFiles({
    name: "crest.png",
    mimeType: "image/png",
    buffer: Buffer.from(PNG_1PX, "base64"),
  });
  await page.getByRole("status").filter({ hasText: "Logo saved (PNG, 1 × 1 pixels)" }).waitFor();
  await page.getByRole("img", { name: "The school's letterhead logo" }).waitFor();
  await expectAccessible(page, "letterhead and Word template");
  await screenshot(page, "letters-letterhead");

  await page.getByRole("button", { name: "Write this letter" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: /letter\(s\) written/ })
    .waitFor();
  const letter = await e2e.school.database.db
    .selectFrom("letters")
    .select(["pdf", "batch_id"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("letter_id", "=", "trust_rag_amber")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const text = execFileSync("pdftotext", ["-", "-"], { input: Buffer.from(letter.pdf) }).toString();
  // Printed from the school's own Word file by LibreOffice (CI installs it).
  expect(text).toContain("NORTHFIELD LETTERHEAD");
  expect(text).toMatch(/Our own words: .+ has attended [\d.]+% this year\./);

  await page
    .getByRole("listitem")
    .filter({ hasText: "trust rag amber" })
    .first()
    .getByRole("button", { name: "Email the batch" })
    .click();
  await page
    .getByRole("status")
    .filter({ hasText: /letter\(s\) queued by email/ })
    .waitFor();
  // The two refused uploads answer 400, as they should; nothing else may fail.
  expect(pageProblems(page).filter((p) => !p.includes("400 (Bad Request)"))).toEqual([]);
  await context.close();
}, 120_000);
