import { afterEach, describe, expect, it } from "vitest";
import {
  docxToPdf,
  libreOffice,
  NO_LIBREOFFICE,
  useLibreOffice,
} from "../../../src/app/letters/libreoffice.ts";
import { letterDocx } from "../../../src/app/letters/render-docx.ts";
import { pdfText } from "../../support/pdf-text.ts";
import { wordTemplate } from "../../support/word-template.ts";

const letter = (forename: string) =>
  letterDocx(
    {
      schoolName: "Northfield Academy",
      schoolAddress: "1 School Lane\nLeeds",
      data: { chosen_forename: forename, percentage_attendance: "84.2" },
      blocks: [],
    },
    wordTemplate([
      "NORTHFIELD CREST {school_name}",
      "We write as the school always has: {chosen_forename} attends {percentage_attendance}% of the time.",
    ]),
  );

afterEach(() => useLibreOffice(undefined));

// The real LibreOffice (Debian's libreoffice-writer-nogui, as CI installs it).
describe.skipIf(!libreOffice())("the school's Word template printed as PDF by LibreOffice", () => {
  it("prints the school's own edited wording, merged, in the PDF", async () => {
    const [pdf] = await docxToPdf([letter("Małgorzata")]);
    const text = pdfText(pdf as Buffer);
    expect(text).toContain("NORTHFIELD CREST Northfield Academy");
    expect(text).toContain(
      "We write as the school always has: Małgorzata attends 84.2% of the time.",
    );
  }, 120_000);

  it("converts a batch in one run, and two runs at once do not clash over a profile", async () => {
    const [first, second] = await Promise.all([
      docxToPdf([letter("Amara"), letter("Bilal")]),
      docxToPdf([letter("Chen")]),
    ]);
    expect(first?.map((pdf) => pdfText(pdf))).toEqual([
      expect.stringContaining("Amara attends"),
      expect.stringContaining("Bilal attends"),
    ]);
    expect(pdfText(second?.[0] as Buffer)).toContain("Chen attends");
  }, 120_000);
});

describe("without LibreOffice", () => {
  it("says so plainly rather than printing nothing", async () => {
    useLibreOffice(null);
    await expect(docxToPdf([letter("Amara")])).rejects.toThrow(NO_LIBREOFFICE);
  });

  it("reports LibreOffice failing on a file as a sentence, not a crash", async () => {
    useLibreOffice("/bin/false");
    await expect(docxToPdf([letter("Amara")])).rejects.toThrow(/LibreOffice could not print/);
  });
});
