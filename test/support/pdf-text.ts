import { execFileSync } from "node:child_process";

/**
 * The text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils), one string per line
 * of the page. Letters embed their fonts, so only a real PDF reader can say what a family sees.
 */
export function pdfLines(pdf: Buffer): string[] {
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], { input: pdf }).toString(
    "utf8",
  );
  // pdftotext marks right-to-left runs with embedding controls (U+202A..U+202E): not letters.
  return text
    .replace(/[\u202A-\u202E]/g, "")
    .split(/\r?\n|\f/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The text drawn in a PDF; lines wrap where the page does, so whitespace is compared as single spaces. */
export function pdfText(pdf: Buffer): string {
  return pdfLines(pdf).join(" ").replace(/\s+/g, " ");
}
