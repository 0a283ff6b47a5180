import fc from "fast-check";
import PizZip from "pizzip";
import { describe, expect, it, vi } from "vitest";
import { docxTemplateProblems } from "../../src/app/letters/render-docx.ts";
import { isRollbookError } from "../../src/domain/errors.ts";
import {
  type LetterBlock,
  letterText,
  MERGE_FIELDS,
  type MergeData,
  type MergeInput,
  mergeLetter,
  templateProblems,
} from "../../src/domain/letters/merge.ts";
import { DEFAULT_LETTERS } from "../../src/domain/letters/templates.ts";
import { anyText, settings } from "./support.ts";

/**
 * Letter wording, whatever a school types into it, either merges into text or is refused with a
 * message naming the field or brace at fault; never a crash, and every known field is replaced.
 */

type InlineField = keyof MergeData;
const BLOCKS = ["bands_table", "absence_list", "late_list"] as const;
const INLINE = Object.keys(MERGE_FIELDS).filter(
  (f) => !(BLOCKS as readonly string[]).includes(f),
) as InlineField[];

const EMPTY: MergeInput = { data: {}, bands: [], absences: [] };

type Merged = { ok: true; blocks: LetterBlock[] } | { ok: false; message: string };

function merge(body: string, input: MergeInput): Merged {
  try {
    return { ok: true, blocks: mergeLetter(body, input) };
  } catch (error) {
    if (!isRollbookError(error)) {
      const e = error as Error;
      throw new Error(`mergeLetter threw ${e?.name}: ${e?.message}`, { cause: error });
    }
    expect(error.code).toBe("invalid_input");
    expect(error.message.trim().length).toBeGreaterThan(0);
    return { ok: false, message: error.message };
  }
}

/** A value for every inline field: text without line breaks (those are the template's). */
const fullData: fc.Arbitrary<MergeData> = fc.record(
  Object.fromEntries(
    INLINE.map((f) => [
      f,
      fc.string({ unit: "binary", maxLength: 20 }).filter((v) => !/[\r\n]/.test(v)),
    ]),
  ) as Record<InlineField, fc.Arbitrary<string>>,
);

const rows = {
  bands: fc.array(fc.record({ range: fc.string(), name: fc.string() }), { maxLength: 4 }),
  absences: fc.array(
    fc.record({ date: fc.string(), session: fc.string(), code: fc.string(), meaning: fc.string() }),
    { maxLength: 4 },
  ),
};

/** Plain words: no braces, no line breaks, no space at either end. */
const words = fc
  .array(
    fc.constantFrom("Dear", "parent", "of", "attendance", "is", "%", "(see", "below):", "—", "é"),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((w) => w.join(" "));

type Part = { literal: string } | { field: InlineField; pad: string };

/** A paragraph of words and fields (`{forename}` or `{ forename }`), or a table on its own. */
const paragraph: fc.Arbitrary<Part[] | (typeof BLOCKS)[number]> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(
      fc.oneof(
        words.map((literal): Part => ({ literal })),
        fc
          .tuple(fc.constantFrom(...INLINE), fc.constantFrom("", " ", "  "))
          .map(([field, pad]): Part => ({ field, pad })),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...BLOCKS) },
);

function joinParts(
  parts: Part[],
  show: (p: Extract<Part, { field: InlineField }>) => string,
): string {
  return parts.map((p) => ("literal" in p ? p.literal : show(p))).join(" ");
}

describe("letter templates", () => {
  it("replaces every known field, in any paragraph, with its value", () => {
    fc.assert(
      fc.property(
        fc.array(paragraph, { minLength: 1, maxLength: 5 }),
        fullData,
        rows.bands,
        rows.absences,
        rows.absences,
        fc.constantFrom("\n\n", "\n \n", "\r\n\r\n", "\n\n\n"),
        (paragraphs, data, bands, absences, lates, gap) => {
          const body = paragraphs
            .map((p) =>
              typeof p === "string"
                ? `{${p}}`
                : joinParts(p, (f) => `{${f.pad}${f.field}${f.pad}}`),
            )
            .join(gap);
          expect(templateProblems(body)).toEqual([]);
          const merged = merge(body, { data, bands, absences, lates });
          if (!merged.ok) expect.fail(merged.message);
          expect(merged.blocks).toEqual(
            paragraphs.map((p): LetterBlock => {
              if (p === "bands_table") return { kind: "bands", rows: bands };
              if (p === "absence_list") return { kind: "absences", rows: absences };
              if (p === "late_list") return { kind: "lates", rows: lates };
              return { kind: "text", text: joinParts(p, (f) => data[f.field] as string) };
            }),
          );
          expect(() => letterText(merged.blocks)).not.toThrow();
        },
      ),
      settings(300),
    );
  });

  it("merges or refuses arbitrary wording with a message, never a crash", () => {
    const braces = fc
      .array(
        fc.oneof(
          anyText,
          fc.constantFrom("{", "}", "{forename}", "{ nope }", "{bands_table}", "\n\n"),
        ),
        {
          maxLength: 12,
        },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(anyText, braces), fc.boolean(), fullData, (body, known, data) => {
        const problems = templateProblems(body);
        expect(Array.isArray(problems)).toBe(true);
        for (const problem of problems) expect(problem.trim().length).toBeGreaterThan(0);
        const merged = merge(body, known ? { data, bands: [], absences: [] } : EMPTY);
        if (problems.length > 0) {
          if (merged.ok) expect.fail(`merged wording with problems: ${problems.join("; ")}`);
          for (const problem of problems) expect(merged.message).toContain(problem);
        }
        if (merged.ok) {
          // Nothing that looks like a known field is left behind: each one was replaced.
          const text = letterText(merged.blocks);
          const leftover = [...body.matchAll(/\{([^{}]*)\}/g)]
            .map((m) => (m[1] ?? "").trim())
            .filter((name) => (INLINE as string[]).includes(name));
          for (const name of leftover)
            if (!Object.values(data).some((v) => v?.includes(`{`)))
              expect(text).not.toContain(`{${name}}`);
        }
      }),
      settings(400),
    );
  });

  it("names an unknown merge field, however it is spelt", () => {
    const unknown = fc
      .oneof(
        fc.string({ unit: "binary", maxLength: 20 }),
        fc.constantFrom(
          "constructor",
          "__proto__",
          "toString",
          "hasOwnProperty",
          "valueOf",
          "isPrototypeOf",
          "Forename",
          "fore name",
          "forename_",
          "",
        ),
      )
      .filter((name) => !/[{}]/.test(name) && !Object.hasOwn(MERGE_FIELDS, name.trim()));
    fc.assert(
      fc.property(words, unknown, fullData, (before, name, data) => {
        const body = `${before} {${name}} ${before}`;
        const problem = `{${name.trim()}} is not a merge field`;
        expect(templateProblems(body).some((p) => p.startsWith(problem))).toBe(true);
        const merged = merge(body, { data, bands: [], absences: [] });
        if (merged.ok)
          expect.fail(`merged an unknown field {${name}}: ${letterText(merged.blocks)}`);
        expect(merged.message).toContain(problem);
      }),
      settings(300),
    );
  });

  it("names a brace without a partner", () => {
    fc.assert(
      fc.property(
        fc.array(paragraph, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom("{", "}", "{{", "}}}"),
        (paragraphs, at, brace) => {
          const body = paragraphs
            .map((p) => (typeof p === "string" ? `{${p}}` : joinParts(p, (f) => `{${f.field}}`)))
            .join("\n\n");
          const i = at % (body.length + 1);
          const broken = body.slice(0, i) + brace + body.slice(i);
          const problems = templateProblems(broken);
          expect(problems).toContain(
            "a { or } has no partner: merge fields are written {like_this}",
          );
          const merged = merge(broken, { data: {}, bands: [], absences: [] });
          if (merged.ok) expect.fail(`merged unbalanced wording: ${broken}`);
          expect(merged.message).toContain("has no partner");
        },
      ),
      settings(300),
    );
  });

  it("names every field a letter needs that is not known", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...INLINE), { minLength: 1, maxLength: 6 }),
        fullData,
        fc.nat(),
        (fields, data, n) => {
          const body = fields.map((f) => `{${f}}`).join(" and ");
          const missing = fields.slice(0, 1 + (n % fields.length));
          const partial = { ...data };
          for (const f of missing) delete partial[f];
          const merged = merge(body, { data: partial, bands: [], absences: [] });
          if (merged.ok) expect.fail(`merged without ${missing.join(", ")}`);
          for (const f of missing) expect(merged.message).toContain(`{${f}}`);
        },
      ),
      settings(200),
    );
  });

  it("merges every default letter with every field known, and survives a mutation of its wording", () => {
    const letters = [...DEFAULT_LETTERS.values()];
    fc.assert(
      fc.property(
        fc.constantFrom(...letters),
        fullData,
        rows.bands,
        rows.absences,
        fc.nat(),
        fc.oneof(
          anyText,
          fc.constantFrom("{", "}", "{nope}", "\n\n{bands_table}", "{absence_list}"),
        ),
        (letter, data, bands, absences, at, insert) => {
          const whole = merge(letter.body, { data, bands, absences });
          if (!whole.ok) expect.fail(`${letter.id}: ${whole.message}`);
          const text = letterText(whole.blocks);
          for (const field of Object.keys(MERGE_FIELDS))
            if (!Object.values(data).some((v) => v?.includes("{")))
              expect(text, letter.id).not.toContain(`{${field}}`);
          const i = at % (letter.body.length + 1);
          merge(letter.body.slice(0, i) + insert + letter.body.slice(i), {
            data,
            bands,
            absences,
          });
        },
      ),
      settings(200),
    );
  });

  it("checks a Word template's fields the same way, and any upload without crashing", () => {
    const xml = (text: string) =>
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const docx = (text: string) => {
      const zip = new PizZip();
      zip.file(
        "[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      );
      zip.file(
        "_rels/.rels",
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      );
      zip.file(
        "word/document.xml",
        `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${xml(text)}</w:t></w:r></w:p></w:body></w:document>`,
      );
      return zip.generate({ type: "uint8array" });
    };
    fc.assert(
      fc.property(
        fc.constantFrom("constructor", "__proto__", "toString", "valueOf", "hasOwnProperty"),
        fc.constantFrom(...INLINE),
        (unknown, known) => {
          const problems = docxTemplateProblems(docx(`Dear {${known}}, {${unknown}}`));
          expect(problems).toEqual([`{${unknown}} is not a merge field`]);
        },
      ),
      settings(25),
    );
    // docxtemplater prints every template error it finds; the problems returned are what counts.
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    fc.assert(
      fc.property(
        fc.oneof(
          anyText.map((text) => docx(text)),
          fc.uint8Array({ maxLength: 200 }),
          fc.constant(new Uint8Array()),
        ),
        (template) => {
          const problems = docxTemplateProblems(template);
          for (const problem of problems) expect(problem.trim().length).toBeGreaterThan(0);
        },
      ),
      settings(150),
    );
    log.mockRestore();
  });
});
