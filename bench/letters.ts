/**
 * bench/letters: the half-termly letters by band for a whole school as the office runs them (the
 * background job the web app shows a bar for), then the batch queued by email. Prints letters per
 * second against the goal of issue 17: 1,000 letters in under 10 s, so 100 letters/s.
 *
 *   npx tsx bench/letters.ts [--pupils-per-form 2] [--word]
 *
 * 2 pupils per form is about 50 pupils (small, for a shared machine); 40 is about 1,000. `--word`
 * gives every letter the school's own Word template, printed to PDF by LibreOffice when installed.
 * Runs on an embedded database in a temporary directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import PizZip from "pizzip";
import { createDemoSchool } from "../src/app/demo/create-demo-school.ts";
import { emailLetterBatch } from "../src/app/letters/email-batch.ts";
import { finishedLetterJob, startLetterJob } from "../src/app/letters/letter-jobs.ts";
import { letterTemplate, saveLetterTemplate } from "../src/app/letters/letter-templates.ts";
import { libreOffice } from "../src/app/letters/libreoffice.ts";
import { operatorContext } from "../src/cli/context.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { currentPolicy } from "../src/db/repositories/policies.ts";

const { values: args } = parseArgs({
  options: {
    "pupils-per-form": { type: "string", default: "2" },
    word: { type: "boolean", default: false },
  },
});
const GOAL_PER_SECOND = 100;

const dir = mkdtempSync(join(tmpdir(), "rollbook-bench-letters-"));
const database = await openDatabase({ dataDir: dir });
try {
  await migrate(database);
  const { db } = database;
  process.stdout.write("Loading the demo school…\n");
  const { school } = await createDemoSchool(db, {
    seed: 17,
    today: "2026-02-10",
    pupilsPerForm: Number(args["pupils-per-form"]),
  });
  const ctx = await operatorContext(db, school.id);
  ctx.clock = () => new Date("2026-02-10T12:00:00Z");
  const letters = (await currentPolicy(db, school.id))?.policy.bandLetters ?? {};
  if (args.word) {
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
      '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{school_name}</w:t></w:r></w:p><w:p><w:r><w:t>{salutation}</w:t></w:r></w:p><w:p><w:r><w:t>{chosen_forename} attends {percentage_attendance}%.</w:t></w:r></w:p></w:body></w:document>',
    );
    for (const letterId of new Set(Object.values(letters))) {
      const template = await letterTemplate(db, school.id, letterId);
      await saveLetterTemplate(
        db,
        school.id,
        {
          letterId,
          title: template.title,
          body: template.body,
          docx: zip.generate({ type: "nodebuffer" }),
        },
        "bench",
      );
    }
    process.stdout.write(
      `Word templates: ${libreOffice() ? "printed by LibreOffice" : "LibreOffice not installed: Rollbook's PDF"}\n`,
    );
  }

  const started = performance.now();
  const job = await startLetterJob(ctx, { kind: "by_band", letters });
  const finished = await finishedLetterJob(ctx, job.id, undefined, 50);
  const ms = performance.now() - started;
  if (finished.status !== "done") throw new Error(finished.error ?? "the job failed");
  const bands = (finished.result as { bands: { batch: { batchId: string; letters: unknown[] } }[] })
    .bands;
  const written = bands.reduce((n, b) => n + b.batch.letters.length, 0);

  const emailStart = performance.now();
  let queued = 0;
  for (const band of bands)
    queued += (await emailLetterBatch(ctx, band.batch.batchId)).queued.length;
  const emailMs = performance.now() - emailStart;

  const perSecond = written / (ms / 1000);
  process.stdout.write(
    [
      `Letters by band: ${written} letters for ${finished.total} pupils in ${(ms / 1000).toFixed(2)} s: ${perSecond.toFixed(1)} letters/s`,
      `Emails queued: ${queued} in ${(emailMs / 1000).toFixed(2)} s: ${(queued / (emailMs / 1000)).toFixed(1)} emails/s`,
      `Goal: ${GOAL_PER_SECOND} letters/s (1,000 letters in under 10 s)`,
      `Verdict: ${perSecond >= GOAL_PER_SECOND ? "PASS" : "MISS"} (on a loaded machine, figures vary)`,
      "",
    ].join("\n"),
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
