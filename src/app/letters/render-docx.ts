import { createRequire } from "node:module";
import type Docxtemplater from "docxtemplater";
import type PizZip from "pizzip";
import { RollbookError } from "../../domain/errors.ts";
import { fitLogo, logoImage } from "../../domain/letters/logo.ts";
import {
  type LetterBlock,
  MERGE_FIELDS,
  type MergeData,
  NO_ROWS,
} from "../../domain/letters/merge.ts";

// Loaded with the first Word letter, not at start-up: the two cost about 0.4 s of CPU to load.
const require = createRequire(import.meta.url);
const docxtemplater = () => require("docxtemplater") as typeof Docxtemplater;
const pizzip = () => require("pizzip") as typeof PizZip;

export interface LetterDocument {
  schoolName: string;
  schoolAddress: string;
  /** A band letter's heading, in the band's colour, as in the PDF. */
  heading?: { text: string; colour: string } | null;
  data: MergeData;
  blocks: LetterBlock[];
  /** The letterhead logo (PNG or JPEG), drawn where the template has `{@logo}`. */
  logo?: Uint8Array | null;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const paragraph = (text: string, bold = false) =>
  `<w:p><w:r>${bold ? '<w:rPr><w:b/><w:sz w:val="28"/></w:rPr>' : ""}<w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

/** Rollbook's own letter layout as a Word template: letterhead, then one paragraph per block line. */
const DOCUMENT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
${paragraph("{@logo}")}${paragraph("{school_name}", true)}${paragraph("{school_address}")}${paragraph("")}${paragraph("{@heading}")}${paragraph("{#paragraphs}")}${paragraph("{text}")}${paragraph("{/paragraphs}")}
<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>
</w:body></w:document>`;

function baseTemplate(): Buffer {
  const zip = new (pizzip())();
  zip.file("[Content_Types].xml", CONTENT_TYPES);
  zip.file("_rels/.rels", RELS);
  zip.file("word/document.xml", DOCUMENT);
  return zip.generate({ type: "nodebuffer" });
}

const BASE = baseTemplate();

/** What a Word template may use: every merge field, plus the `paragraphs`, `bands`, `absences` and `lates` loops. */
function templateData(letter: LetterDocument) {
  const lines: { text: string }[] = [];
  for (const block of letter.blocks) {
    if (block.kind === "text") lines.push({ text: block.text }, { text: "" });
    else if (block.kind === "bands") {
      for (const row of block.rows) lines.push({ text: `${row.range}   ${row.name}` });
      lines.push({ text: "" });
    } else {
      if (block.rows.length === 0) lines.push({ text: NO_ROWS[block.kind] });
      for (const row of block.rows)
        lines.push({ text: `${row.date} ${row.session}   ${row.code}   ${row.meaning}` });
      lines.push({ text: "" });
    }
  }
  const bands = letter.blocks.find((b) => b.kind === "bands");
  const absences = letter.blocks.find((b) => b.kind === "absences");
  const lates = letter.blocks.find((b) => b.kind === "lates");
  return {
    ...letter.data,
    school_name: letter.schoolName,
    school_address: letter.schoolAddress,
    heading: headingXml(letter.heading),
    logo: letter.logo ? logoXml(letter.logo) : "",
    paragraphs: lines,
    bands: bands?.kind === "bands" ? bands.rows : [],
    absences: absences?.kind === "absences" ? absences.rows : [],
    lates: lates?.kind === "lates" ? lates.rows : [],
  };
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A band letter's heading as a Word paragraph in the band's colour (a raw tag: colour is markup). */
function headingXml(heading: LetterDocument["heading"]): string {
  if (!heading) return "";
  const colour = heading.colour.replace("#", "").replace(/[^0-9A-Fa-f]/g, "");
  return `<w:p><w:r><w:rPr><w:b/><w:color w:val="${colour}"/><w:sz w:val="26"/></w:rPr><w:t xml:space="preserve">${escapeXml(heading.text)}</w:t></w:r></w:p>`;
}

const LOGO_ID = "rIdRollbookLogo";
const EMU_PER_POINT = 12_700;

/** The logo as an inline Word picture, 72 points at most each way (as in the PDF). */
function logoXml(logo: Uint8Array): string {
  const image = logoImage(logo);
  if (!image) return "";
  const size = fitLogo(image, 72);
  const cx = Math.round(size.width * EMU_PER_POINT);
  const cy = Math.round(size.height * EMU_PER_POINT);
  const a = "http://schemas.openxmlformats.org/drawingml/2006/main";
  const pic = "http://schemas.openxmlformats.org/drawingml/2006/picture";
  return `<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/><wp:docPr id="9001" name="School logo"/><a:graphic xmlns:a="${a}"><a:graphicData uri="${pic}"><pic:pic xmlns:pic="${pic}"><pic:nvPicPr><pic:cNvPr id="9001" name="logo"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="${LOGO_ID}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}

/** Puts the logo's image in the document's package, with its relationship and content type. */
function embedLogo(zip: PizZip, logo: Uint8Array): void {
  const image = logoImage(logo);
  if (!image) return;
  zip.file(`word/media/rollbook-logo.${image.type}`, logo);
  const types = zip.file("[Content_Types].xml")?.asText() ?? "";
  if (!new RegExp(`Extension="${image.type}"`, "i").test(types))
    zip.file(
      "[Content_Types].xml",
      types.replace(
        "<Default ",
        `<Default Extension="${image.type}" ContentType="image/${image.type}"/><Default `,
      ),
    );
  const relsPath = "word/_rels/document.xml.rels";
  const rels =
    zip.file(relsPath)?.asText() ??
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
  if (!rels.includes(LOGO_ID))
    zip.file(
      relsPath,
      rels.replace(
        "</Relationships>",
        `<Relationship Id="${LOGO_ID}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/rollbook-logo.${image.type}"/></Relationships>`,
      ),
    );
}

function render(template: Buffer | Uint8Array, data: object, logo?: Uint8Array | null): Buffer {
  const doc = new (docxtemplater())(new (pizzip())(template), {
    paragraphLoop: true,
    linebreaks: true,
    nullGetter: () => "",
  });
  doc.render(data);
  const zip = doc.getZip();
  if (logo && zip.file("word/document.xml")?.asText().includes(LOGO_ID)) embedLogo(zip, logo);
  return zip.generate({ type: "nodebuffer", compression: "DEFLATE" });
}

/** The letter as a Word document: the school's own template when it has one, else Rollbook's layout. */
export function letterDocx(letter: LetterDocument, schoolTemplate?: Uint8Array | null): Buffer {
  return render(schoolTemplate ?? BASE, templateData(letter), letter.logo);
}

/** The Word template a school starts from: its own, or Rollbook's layout with every field it uses. */
export function baseWordTemplate(): Buffer {
  return BASE;
}

const LOOPS = new Set([
  "heading",
  "logo",
  "paragraphs",
  "bands",
  "absences",
  "lates",
  "text",
  "range",
  "name",
  "date",
  "session",
  "code",
  "meaning",
]);

/** Checks an uploaded Word template: it must be a DOCX docxtemplater can read, using only known fields. */
export function docxTemplateProblems(template: Uint8Array): string[] {
  let doc: Docxtemplater;
  try {
    if (!new (pizzip())(template).file("word/document.xml"))
      return [
        "not a Word document (.docx): it has no word/document.xml; save it from Word as .docx",
      ];
  } catch {
    return ["not a Word document (.docx): save it from Word (or LibreOffice) as .docx"];
  }
  try {
    doc = new (docxtemplater())(new (pizzip())(template), {
      paragraphLoop: true,
      linebreaks: true,
    });
  } catch (error) {
    const errors = (
      error as { properties?: { errors?: { properties?: { explanation?: string } }[] } }
    ).properties?.errors;
    if (errors?.length) return errors.map((e) => e.properties?.explanation ?? "unreadable tag");
    return [`not a Word document Rollbook can read (${(error as Error).message})`];
  }
  const problems: string[] = [];
  const text = doc.getFullText();
  for (const match of text.matchAll(/\{([#/^@]?)([^{}]*)\}/g)) {
    const name = (match[2] ?? "").trim();
    if (!Object.hasOwn(MERGE_FIELDS, name) && !LOOPS.has(name))
      problems.push(`{${name}} is not a merge field`);
  }
  return [...new Set(problems)];
}

export function assertDocxTemplate(template: Uint8Array): void {
  const problems = docxTemplateProblems(template);
  if (problems.length > 0)
    throw new RollbookError(
      "invalid_input",
      `The Word template cannot be used: ${problems.join("; ")}`,
      { problems },
    );
}

/** Several documents in one zip file. */
export function zipOf(files: { name: string; content: Uint8Array }[]): Buffer {
  const zip = new (pizzip())();
  for (const file of files) zip.file(file.name, file.content);
  return zip.generate({ type: "nodebuffer", compression: "DEFLATE" });
}
