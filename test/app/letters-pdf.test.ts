import { describe, expect, it } from "vitest";
import { fontRuns, lettersPdf } from "../../src/app/letters/render-pdf.ts";
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
