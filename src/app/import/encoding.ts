import iconv from "iconv-lite";
import { RollbookError } from "../../domain/errors.ts";

export type TextEncoding = "UTF-8" | "UTF-8 with BOM" | "Windows-1252";

/**
 * Decodes an uploaded text file. MIS exports and Excel's "CSV" save as UTF-8 (often with a BOM)
 * or as Windows-1252; a file that is strictly valid UTF-8 is read as UTF-8, anything else as
 * Windows-1252 when every byte means a character there. UTF-16, binary files and bytes that mean
 * nothing in either are refused: a name is never silently turned into replacement characters.
 */
export function decodeText(
  bytes: Uint8Array,
  what: string,
): { text: string; encoding: TextEncoding } {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw refused(what, "it is UTF-16 text");
  }
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) throw refused(what, "it has NUL bytes (a UTF-16 or binary file?)");
  let text: string;
  let encoding: TextEncoding;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    encoding = bom ? "UTF-8 with BOM" : "UTF-8";
  } catch {
    if (bom) throw refused(what, "it starts as UTF-8 but has bytes that are not UTF-8");
    const undefinedByte = body.findIndex((b) => UNDEFINED_IN_1252.has(b));
    if (undefinedByte !== -1) {
      throw refused(
        what,
        `it is neither UTF-8 nor Windows-1252 (byte ${hex(body[undefinedByte] ?? 0)} at position ${undefinedByte + 1} means nothing in either)`,
      );
    }
    // Node's own TextDecoder reads "windows-1252" as Latin-1 (0x80 is not the euro sign there).
    text = iconv.decode(Buffer.from(body), "windows-1252");
    encoding = "Windows-1252";
  }
  const control = controlCharacterAt(text);
  if (control !== -1) {
    throw refused(
      what,
      `it has a control character (${hex(text.charCodeAt(control))}) on line ${lineAt(text, control)}, which is not text`,
    );
  }
  return { text, encoding };
}

/** Where the first control character other than tab, line feed and carriage return is, or -1. */
function controlCharacterAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/** The five bytes Windows-1252 leaves undefined (browsers map them to C1 controls). */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const hex = (n: number) => `0x${n.toString(16).padStart(2, "0").toUpperCase()}`;
const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length;

const refused = (what: string, why: string) =>
  new RollbookError(
    "import_rejected",
    `The ${what} file cannot be read: ${why}. Save it as "CSV UTF-8" (or CSV from Excel) and try again`,
  );
