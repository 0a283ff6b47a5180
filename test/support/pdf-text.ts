import { inflateSync } from "node:zlib";

/**
 * The text drawn in a PDF made with pdfkit's standard fonts: content streams are inflated and the
 * hex strings of their text operators decoded. Enough to check what a letter says.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const out: string[] = [];
  const streams = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (const match of raw.matchAll(streams)) {
    const bytes = Buffer.from(match[1] as string, "latin1");
    let content: string;
    try {
      content = inflateSync(bytes).toString("latin1");
    } catch {
      continue;
    }
    for (const line of content.split("\n")) {
      if (!/T[Jj]\s*$/.test(line)) continue;
      const pieces = [...line.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) =>
        Buffer.from(m[1] as string, "hex").toString("latin1"),
      );
      out.push(pieces.join(""));
    }
  }
  // Lines wrap where the page does: compare text with all whitespace as single spaces.
  return out.join(" ").replace(/\s+/g, " ");
}
