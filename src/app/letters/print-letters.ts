import { createRequire } from "node:module";
import type * as PdfLib from "pdf-lib";
import type { Enclosure } from "../../domain/letters/templates.ts";
import { docxToPdf, libreOffice, NO_LIBREOFFICE } from "./libreoffice.ts";
import { lettersPdf, type PdfLetter } from "./render-pdf.ts";

// Loaded on first use, not at start-up: the package costs about 0.7 s of CPU to load.
const pdfLib = () => createRequire(import.meta.url)("pdf-lib") as typeof PdfLib;

/** A document sent with a letter: its own pages, after the letter's. */
export interface EnclosedDocument {
  kind: Enclosure;
  title: string;
  pages: PdfLetter;
}

/** One letter to print: its layout for Rollbook's PDF, its Word file, and what it encloses. */
export interface LetterToPrint {
  letter: PdfLetter;
  docx: Buffer;
  enclosures: EnclosedDocument[];
}

export interface PrintedLetter {
  pdf: Buffer;
  /** Each enclosure on its own, to attach to the letter's email. */
  enclosures: { kind: Enclosure; title: string; pdf: Buffer }[];
}

/** PDFs one after the other in one file. */
export async function joined(pdfs: Uint8Array[]): Promise<Buffer> {
  const out = await pdfLib().PDFDocument.create();
  for (const pdf of pdfs) {
    const doc = await pdfLib().PDFDocument.load(pdf);
    for (const page of await out.copyPages(doc, doc.getPageIndices())) out.addPage(page);
  }
  return Buffer.from(await out.save());
}

/**
 * Prints a batch of one letter. With the school's own Word template and LibreOffice installed,
 * the PDF is the Word file printed, so both outputs read the same; otherwise (or if LibreOffice
 * fails) Rollbook's own layout, with a note saying why for the office. Enclosures follow as
 * further pages either way.
 */
export async function printLetters(
  letters: LetterToPrint[],
  title: string,
  schoolTemplate: boolean,
  notes: string[],
): Promise<PrintedLetter[]> {
  const enclosed = await Promise.all(
    letters.map((l) =>
      Promise.all(
        l.enclosures.map(async (e) => ({
          kind: e.kind,
          title: e.title,
          pdf: await lettersPdf([e.pages], e.title),
        })),
      ),
    ),
  );
  let fromWord: Buffer[] | null = null;
  if (schoolTemplate && letters.length > 0) {
    if (!libreOffice()) notes.push(NO_LIBREOFFICE);
    else {
      try {
        fromWord = await docxToPdf(letters.map((l) => l.docx));
      } catch (error) {
        notes.push(`${(error as Error).message}: the PDF is Rollbook's own layout instead`);
      }
    }
  }
  return Promise.all(
    letters.map(async (l, i) => {
      const enclosures = enclosed[i] ?? [];
      const word = fromWord?.[i];
      const pdf = word
        ? enclosures.length
          ? await joined([word, ...enclosures.map((e) => e.pdf)])
          : word
        : await lettersPdf([l.letter, ...l.enclosures.map((e) => e.pages)], title);
      return { pdf, enclosures };
    }),
  );
}
