import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Where LibreOffice installs its `soffice` on Debian/Ubuntu, from the tarball, and on a Mac. */
const CANDIDATES = [
  "/usr/bin/soffice",
  "/usr/lib/libreoffice/program/soffice",
  "/opt/libreoffice/program/soffice",
  "/usr/local/bin/soffice",
  "/Applications/LibreOffice.app/Contents/MacOS/soffice",
];

let chosen: string | null | undefined;

/** The `soffice` found on this machine, or null when LibreOffice is not installed. */
export function libreOffice(): string | null {
  if (chosen === undefined) chosen = CANDIDATES.find((path) => existsSync(path)) ?? null;
  return chosen;
}

/** Points at another `soffice`, or (null) behaves as if none were installed; undefined looks again. */
export function useLibreOffice(path: string | null | undefined): void {
  chosen = path;
}

/** Said once per batch when the school's Word template cannot drive the PDF. */
export const NO_LIBREOFFICE =
  "LibreOffice is not installed on the server, so the PDF is Rollbook's own layout; the Word file follows the school's template (install libreoffice-writer-nogui to print the PDF from it)";

/** A second a document, and at least half a minute: the first start of a profile is the slow part. */
const timeoutFor = (documents: number) => 30_000 + documents * 1_000;

/**
 * Word documents converted to PDF by LibreOffice, in one `soffice` run for the lot (its start-up
 * is most of the cost). Each run gets its own temporary directory and its own user profile: two
 * runs sharing a profile make the second one exit at once without converting anything.
 */
export async function docxToPdf(documents: Uint8Array[]): Promise<Buffer[]> {
  const soffice = libreOffice();
  if (!soffice) throw new Error(NO_LIBREOFFICE);
  if (documents.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), "rollbook-letters-"));
  try {
    const inputs = documents.map((_, i) => join(dir, `letter-${i}.docx`));
    await Promise.all(documents.map((doc, i) => writeFile(inputs[i] as string, doc)));
    const profile = pathToFileURL(join(dir, "profile")).href;
    await new Promise<void>((resolve, reject) => {
      execFile(
        soffice,
        [
          `-env:UserInstallation=${profile}`,
          "--headless",
          "--norestore",
          "--convert-to",
          "pdf:writer_pdf_Export",
          "--outdir",
          join(dir, "pdf"),
          ...inputs,
        ],
        { timeout: timeoutFor(documents.length), killSignal: "SIGKILL" },
        (error, _stdout, stderr) => {
          if (error)
            reject(
              new Error(
                error.killed
                  ? `LibreOffice took longer than ${timeoutFor(documents.length) / 1000} s to print the letters`
                  : `LibreOffice could not print the letters: ${stderr.trim() || error.message}`,
              ),
            );
          else resolve();
        },
      );
    });
    return await Promise.all(
      documents.map((_, i) =>
        readFile(join(dir, "pdf", `letter-${i}.pdf`)).catch(() => {
          throw new Error(`LibreOffice printed no PDF for letter ${i + 1} of ${documents.length}`);
        }),
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
