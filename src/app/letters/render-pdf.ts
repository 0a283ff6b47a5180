import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type PDFDocument from "pdfkit";
import { addressLines } from "../../domain/letters/addressing.ts";
import { type LetterBlock, NO_ROWS } from "../../domain/letters/merge.ts";
import { type PolicyForParents, versionLine } from "../../domain/policy/for-parents.ts";

export interface PdfLetter {
  schoolName: string;
  schoolAddress: string;
  logo: Uint8Array | null;
  /** A band letter's heading, printed in the band's colour. */
  heading?: { text: string; colour: string } | null;
  blocks: LetterBlock[];
}

/**
 * The fonts letters are printed in, embedded (subset) in every PDF: PDF's built-in fonts have no
 * "ł", "ễ", "Ş", Cyrillic, Greek or Arabic, so many families' names printed as garbage. Noto Sans
 * covers Latin (with Vietnamese), Cyrillic and Greek; Noto Naskh Arabic covers Arabic and Urdu.
 * They ship in npm packages, so nothing is fetched at run time.
 */
const require = createRequire(import.meta.url);
// pdfkit and fontkit cost about 0.9 s of CPU to load, and the fonts as long to parse: loaded with
// the first letter printed, not at start-up.
const pdfkit = () => require("pdfkit") as typeof PDFDocument;
// fontkit ships no types; only create() is used, its result handed to pdfkit.
const fontkit = () => require("fontkit") as { create(file: Buffer): unknown };
const fontFile = (pkg: string, file: string) =>
  readFileSync(join(dirname(require.resolve(pkg)), "..", "fonts", file));
/**
 * Parsed once for the process and handed to every document: pdfkit parses a font given as bytes
 * anew for each PDF, which cost about 60 ms a letter (a term's letters by band took 37 s).
 */
const parsed = (file: Buffer) => fontkit().create(file) as PDFKit.Mixins.PDFFontSource;
let fonts: Record<"regular" | "bold" | "arabic" | "arabicBold", PDFKit.Mixins.PDFFontSource>;
const FONTS = () =>
  (fonts ??= {
    regular: parsed(fontFile("@embedpdf/fonts-latin", "NotoSans-Regular.ttf")),
    bold: parsed(fontFile("@embedpdf/fonts-latin", "NotoSans-Bold.ttf")),
    arabic: parsed(fontFile("@embedpdf/fonts-arabic", "NotoNaskhArabic-Regular.ttf")),
    arabicBold: parsed(fontFile("@embedpdf/fonts-arabic", "NotoNaskhArabic-Bold.ttf")),
  });

/**
 * Font features per font. Noto Sans's `ccmp` splits "ị" into "i" and a combining dot, and the PDF
 * then maps that "i" glyph back to plain "i" wherever else it appears: off, the precomposed glyph
 * is drawn and reads back as "ị". Naskh's optional `liga` draws "الله" as one glyph that text
 * extraction reads back with its letters out of order; the required ligatures (lam-alef) stay.
 */
const FEATURES = {
  main: { ccmp: false },
  arabic: { liga: false },
} as const;

/** Beyond printable ASCII (and tab and line breaks): where the main font's features matter. */
const NOT_ASCII = /[^\t\n\r\x20-\x7E]/;
const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
/** Runs of Arabic script (with the spaces and digits between its words) and of everything else. */
const RUNS =
  /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF](?:[\s\d\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]*[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF])?|[^\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+/g;

/** The text cut into runs, each with the font that has its glyphs. */
export function fontRuns(text: string): { text: string; arabic: boolean }[] {
  return [...text.matchAll(RUNS)].map((m) => ({ text: m[0], arabic: ARABIC_SCRIPT.test(m[0]) }));
}

type TextOptions = PDFKit.Mixins.TextOptions;

/** Writes text at (x, y), switching to the Arabic font for Arabic-script runs. */
function write(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  options: TextOptions = {},
  bold = false,
): void {
  // Line by line: a line break at the end of a run that continues in another font is lost.
  text.split("\n").forEach((line, n) => {
    const runs = fontRuns(line);
    if (runs.length === 0) runs.push({ text: "", arabic: false });
    runs.forEach((run, i) => {
      const font = run.arabic ? (bold ? "arabicBold" : "arabic") : bold ? "bold" : "regular";
      doc.font(font);
      const more = i < runs.length - 1;
      // Features only where they change a glyph: pdfkit caches the layout of text drawn with the
      // font's defaults, and lays out anew (every word, every wrap) any text given features.
      const features = run.arabic
        ? FEATURES.arabic
        : NOT_ASCII.test(run.text)
          ? FEATURES.main
          : undefined;
      // pdfkit's types list features to turn on; fontkit also takes { feature: false } to turn off.
      const opts = {
        ...options,
        continued: more,
        ...(features ? { features } : {}),
      } as unknown as TextOptions;
      if (i === 0) doc.text(run.text, x, n === 0 ? y : doc.y, opts);
      else doc.text(run.text, opts);
    });
  });
  doc.font(bold ? "bold" : "regular");
}

/** An A4 document in the letters' embedded fonts, and the promise of its bytes when ended. */
function newDocument(title: string): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new (pdfkit())({
    size: "A4",
    margin: 56,
    autoFirstPage: false,
    info: { Title: title },
  });
  const { regular, bold, arabic, arabicBold } = FONTS();
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);
  doc.registerFont("arabic", arabic);
  doc.registerFont("arabicBold", arabicBold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );
  return { doc, done };
}

/** A new page headed with the school's logo, name and address. */
function letterheadPage(
  doc: PDFKit.PDFDocument,
  school: { name: string; address: string; logo: Uint8Array | null },
): void {
  doc.addPage();
  const top = doc.y;
  if (school.logo) {
    try {
      doc.image(Buffer.from(school.logo), doc.page.margins.left, top, { fit: [72, 72] });
    } catch {
      // A logo that cannot be drawn is left out rather than stopping the letter.
    }
  }
  const right = doc.page.width - doc.page.margins.right - 260;
  doc.fontSize(14);
  write(doc, school.name, right, top, { width: 260, align: "right" }, true);
  doc.fontSize(9);
  const address = addressLines(school.address).join("\n");
  write(doc, address, right, doc.y, { width: 260, align: "right" });
  doc.x = doc.page.margins.left;
  doc.y = Math.max(doc.y, top + 80);
  doc.moveDown(1);
}

/** One or more letters in one PDF, each on its own pages, with the school's name, address and logo. */
export function lettersPdf(letters: PdfLetter[], title: string): Promise<Buffer> {
  const { doc, done } = newDocument(title);
  for (const letter of letters) {
    letterheadPage(doc, {
      name: letter.schoolName,
      address: letter.schoolAddress,
      logo: letter.logo,
    });
    if (letter.heading) {
      const left = doc.page.margins.left;
      const width = doc.page.width - left - doc.page.margins.right;
      doc.save().rect(left, doc.y, width, 4).fill(letter.heading.colour).restore();
      doc.moveDown(0.5).fontSize(13).fillColor(letter.heading.colour);
      write(doc, letter.heading.text, left, doc.y, {}, true);
      doc.fillColor("black").moveDown(0.8);
    }
    doc.fontSize(11);
    for (const block of letter.blocks) writeBlock(doc, block);
  }
  doc.end();
  return done;
}

function writeBlock(doc: PDFKit.PDFDocument, block: LetterBlock): void {
  const left = doc.page.margins.left;
  doc.font("regular");
  if (block.kind === "text") {
    write(doc, block.text, left, doc.y, { align: "left" });
    doc.moveDown(0.8);
    return;
  }
  const rows =
    block.kind === "bands"
      ? block.rows.map((r) => [r.range, r.name])
      : block.rows.map((r) => [`${r.date} ${r.session}`, r.code, r.meaning]);
  if (block.kind !== "bands" && rows.length === 0) {
    write(doc, NO_ROWS[block.kind], left, doc.y);
    doc.moveDown(0.8);
    return;
  }
  const widths = block.kind === "bands" ? [140, 300] : [130, 30, 280];
  for (const cells of rows) {
    // A row is as tall as its longest cell, so a wrapped meaning never runs into the next row.
    const height = Math.max(
      ...cells.map((cell, i) => doc.heightOfString(cell ?? "", { width: (widths[i] ?? 100) - 8 })),
    );
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((cell, i) => {
      write(doc, cell ?? "", x, y, { width: (widths[i] ?? 100) - 8 });
      x += widths[i] ?? 100;
    });
    doc.x = left;
    doc.y = y + height + 3;
  }
  doc.moveDown(0.8);
}

/** The policy page for families on the school's letterhead: headings, paragraphs, steps, bands. */
export function policyPagePdf(
  page: PolicyForParents,
  school: { address: string; logo: Uint8Array | null },
): Promise<Buffer> {
  const { doc, done } = newDocument(page.title);
  letterheadPage(doc, { name: page.schoolName, ...school });
  const left = doc.page.margins.left;
  doc.fontSize(16);
  write(doc, page.title, left, doc.y, {}, true);
  doc.fontSize(9).fillColor("#555555");
  write(doc, versionLine(page), left, doc.y);
  doc.fillColor("black").moveDown(1);
  const heading = (text: string) => {
    // A heading never ends a page on its own.
    if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc.fontSize(12);
    write(doc, text, left, doc.y, {}, true);
    doc.moveDown(0.3).fontSize(10);
  };
  for (const section of page.sections) {
    heading(section.heading);
    for (const paragraph of section.paragraphs) {
      write(doc, paragraph, left, doc.y);
      doc.moveDown(0.5);
    }
    for (const item of section.items) {
      write(doc, `•  ${item}`, left + 8, doc.y, { indent: 0 });
      doc.moveDown(0.3);
    }
    doc.moveDown(0.6);
    if (section.showsBands && page.bands.length > 0) {
      heading("How we describe attendance");
      for (const band of page.bands) {
        const y = doc.y;
        doc
          .save()
          .rect(left, y + 2, 10, 10)
          .fill(band.colour)
          .restore();
        write(doc, `${band.range}: ${band.name}`, left + 18, y);
        doc.moveDown(0.2);
      }
      doc.moveDown(0.6);
    }
  }
  if (page.codes.length > 0) {
    heading("The register codes named above");
    for (const code of page.codes) {
      write(doc, `${code.symbol}: ${code.meaning}`, left, doc.y);
      doc.moveDown(0.2);
    }
  }
  doc.end();
  return done;
}
