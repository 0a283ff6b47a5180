import { describe, expect, it } from "vitest";
import { fontRuns, lettersPdf } from "../../src/app/letters/render-pdf.ts";
import { addressLines, letterHeading, salutation } from "../../src/domain/letters/addressing.ts";
import { pdfLines } from "../support/pdf-text.ts";

const HARDEST_NAMES = [
  "Małgorzata Kowalczyk-Wiśniewska",
  "Nguyễn Thị Minh Khai",
  "Ålesund Øvergård",
  "Şükrü Çelik",
  "Ionuț Țăranu",
  "Jiří Dvořák",
  "Ионов Дмитрий",
  "Παπαδόπουλος",
  "محمد عبدالله",
  "عائشہ خان",
];

describe("PDF letters", () => {
  it("print every family's name in a font that has it, reading back exactly", async () => {
    const pdf = await lettersPdf(
      [
        {
          schoolName: "Ysgol Ôl-16 Academy",
          schoolAddress: "1 School Lane\nLeeds",
          logo: null,
          blocks: [{ kind: "text", text: HARDEST_NAMES.join("\n") }],
        },
      ],
      "Names",
    );
    const lines = pdfLines(pdf);
    // Right-to-left names come back in logical (reading) order, as typed into the MIS.
    for (const name of HARDEST_NAMES) expect(lines).toContain(name);
    expect(lines).toContain("Ysgol Ôl-16 Academy");
  });

  it("uses the Arabic font only for Arabic-script runs", () => {
    expect(fontRuns("Dear محمد عبدالله, thank you")).toEqual([
      { text: "Dear ", arabic: false },
      { text: "محمد عبدالله", arabic: true },
      { text: ", thank you", arabic: false },
    ]);
  });
});

describe("addressing a letter", () => {
  it("greets contacts by title and surname, a couple together, and a parent/carer when unknown", () => {
    expect(salutation(["Ms Jane Powell"])).toBe("Dear Ms Powell");
    expect(salutation(["Mr Imran Khan", "Mrs Aisha Khan"])).toBe("Dear Mr and Mrs Khan");
    expect(salutation(["Mr Imran Khan", "Ms Jane Powell"])).toBe("Dear Mr Khan and Ms Powell");
    expect(salutation(["dr. Şükrü Çelik"])).toBe("Dear Dr Çelik");
    expect(salutation(["Jane Powell"])).toBe("Dear Jane Powell");
    expect(salutation([])).toBe("Dear Parent/Carer");
    expect(salutation([null, "  "])).toBe("Dear Parent/Carer");
  });

  it("sets out the postal address a line each, however it was typed", () => {
    expect(addressLines("1 High Street\nLeeds\nLS1 1AA")).toEqual([
      "1 High Street",
      "Leeds",
      "LS1 1AA",
    ]);
    expect(addressLines("1 High Street, Leeds,  LS1 1AA")).toEqual([
      "1 High Street",
      "Leeds",
      "LS1 1AA",
    ]);
    expect(addressLines("Flat 2,\r\n1 High Street\r\n\r\nLeeds")).toEqual([
      "Flat 2",
      "1 High Street",
      "Leeds",
    ]);
    expect(addressLines(null)).toEqual([]);
  });

  it("heads only the red, amber and green letters, in their band's colour", () => {
    expect(letterHeading("trust_rag_amber", "Attendance: amber")).toEqual({
      text: "Attendance: amber",
      colour: "#B26A00",
    });
    expect(letterHeading("trust_letter_1", "Letter 1")).toBeNull();
  });
});
