import PDFDocument from "pdfkit";
import { type LetterBlock, NO_ROWS } from "../../domain/letters/merge.ts";

export interface PdfLetter {
  schoolName: string;
  schoolAddress: string;
  logo: Uint8Array | null;
  blocks: LetterBlock[];
}

/** One or more letters in one PDF, each on its own pages, with the school's name, address and logo. */
export function lettersPdf(letters: PdfLetter[], title: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    autoFirstPage: false,
    info: { Title: title },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) =>
    doc.on("end", () => resolve(Buffer.concat(chunks))),
  );
  for (const letter of letters) {
    doc.addPage();
    const top = doc.y;
    if (letter.logo) {
      try {
        doc.image(Buffer.from(letter.logo), doc.page.margins.left, top, { fit: [72, 72] });
      } catch {
        // A logo that cannot be drawn is left out rather than stopping the letter.
      }
    }
    const right = doc.page.width - doc.page.margins.right - 260;
    doc
      .font("Helvetica-Bold")
      .fontSize(14)
      .text(letter.schoolName, right, top, { width: 260, align: "right" });
    doc
      .font("Helvetica")
      .fontSize(9)
      .text(letter.schoolAddress, right, doc.y, { width: 260, align: "right" });
    doc.x = doc.page.margins.left;
    doc.y = Math.max(doc.y, top + 80);
    doc.moveDown(1).fontSize(11);
    for (const block of letter.blocks) writeBlock(doc, block);
  }
  doc.end();
  return done;
}

function writeBlock(doc: PDFKit.PDFDocument, block: LetterBlock): void {
  const left = doc.page.margins.left;
  if (block.kind === "text") {
    doc.font("Helvetica").text(block.text, left, doc.y, { align: "left" }).moveDown(0.8);
    return;
  }
  const rows =
    block.kind === "bands"
      ? block.rows.map((r) => [r.range, r.name])
      : block.rows.map((r) => [`${r.date} ${r.session}`, r.code, r.meaning]);
  if (block.kind !== "bands" && rows.length === 0) {
    doc.text(NO_ROWS[block.kind], left, doc.y).moveDown(0.8);
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
      doc.text(cell ?? "", x, y, { width: (widths[i] ?? 100) - 8 });
      x += widths[i] ?? 100;
    });
    doc.x = left;
    doc.y = y + height + 3;
  }
  doc.moveDown(0.8);
}
