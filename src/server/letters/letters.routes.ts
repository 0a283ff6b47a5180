import { z } from "zod";
import { visiblePupil } from "../../app/access/visible-pupil.ts";
import { issueLettersByBand } from "../../app/letters/band-letters.ts";
import {
  batchFiles,
  issueLetters,
  issueLettersForProposals,
} from "../../app/letters/issue-letters.ts";
import { letterInput } from "../../app/letters/letter-data.ts";
import {
  allLetterTemplates,
  letterTemplate,
  saveLetterTemplate,
} from "../../app/letters/letter-templates.ts";
import { momentOf } from "../../app/registers/register.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import { RollbookError } from "../../domain/errors.ts";
import { letterText, MERGE_FIELDS, mergeLetter } from "../../domain/letters/merge.ts";
import { asDownload } from "../download.ts";
import { MB } from "../limits.ts";
import { id, isoDate, schoolParams } from "../params.ts";
import type { RouteApp } from "../route-app.ts";
import { letterJobRoutes } from "./letter-jobs.routes.ts";

const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const letterId = z.string().regex(/^[a-z0-9_]{2,60}$/, "a letter id such as trust_letter_1");

export async function letterRoutes(app: RouteApp): Promise<void> {
  const { db } = app.database;
  await letterJobRoutes(app);
  const today = () => momentOf(app.clock()).date;

  app.get(
    "/:schoolId/letter-templates",
    {
      schema: {
        tags: ["letters"],
        summary: "Every letter's wording (the school's own version, or the default)",
        params: schoolParams,
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("letters.send");
      const templates = await allLetterTemplates(db, access.schoolId);
      const school = await db
        .selectFrom("schools")
        .select((eb) => eb("logo_png", "is not", null).as("hasLogo"))
        .where("id", "=", access.schoolId)
        .executeTakeFirstOrThrow();
      return {
        mergeFields: MERGE_FIELDS,
        letterhead: { hasLogo: Boolean(school.hasLogo) },
        templates: templates.map(({ docx, ...t }) => ({ ...t, hasWordTemplate: docx !== null })),
      };
    },
  );

  app.put(
    "/:schoolId/letter-templates/:letterId",
    {
      // A Word template travels as base64 inside the JSON: up to 10 MB of it.
      bodyLimit: 11 * MB,
      schema: {
        tags: ["letters"],
        summary:
          "Save new wording for a letter (a new version); optionally a Word template (base64 DOCX) with the same merge fields",
        params: schoolParams.extend({ letterId }),
        body: z.object({
          title: z.string().trim().min(1).max(200),
          body: z.string().max(20_000),
          docxBase64: z.string().max(10_000_000).optional(),
        }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("school.setup");
      // No Word template given: the current one carries on with the new wording.
      const docx = request.body.docxBase64
        ? Buffer.from(request.body.docxBase64, "base64")
        : undefined;
      const version = await saveLetterTemplate(
        db,
        access.schoolId,
        {
          letterId: request.params.letterId,
          title: request.body.title,
          body: request.body.body,
          docx,
        },
        access.signature(),
      );
      return { letterId: request.params.letterId, version };
    },
  );

  app.post(
    "/:schoolId/letters/preview",
    {
      schema: {
        tags: ["letters"],
        summary:
          "A letter's wording (saved or a draft) merged for one pupil, without sending anything",
        params: schoolParams,
        body: z.object({ letterId, pupilId: id, body: z.string().max(20_000).optional() }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("letters.send");
      const pupil = await visiblePupil(db, access, request.body.pupilId);
      const [template, stored] = await Promise.all([
        letterTemplate(db, access.schoolId, request.body.letterId),
        currentPolicy(db, access.schoolId),
      ]);
      const contact = await db
        .selectFrom("contacts")
        .selectAll()
        .where("school_id", "=", access.schoolId)
        .where("pupil_id", "=", pupil.id)
        .orderBy("priority")
        .executeTakeFirst();
      const wording = request.body.body ?? template.body;
      const { input } = await letterInput(
        db,
        access.schoolId,
        pupil.id,
        contact ?? null,
        stored?.policy,
        today(),
        {
          meeting: { scheduledFor: new Date(`${today()}T14:00:00Z`), format: "in_person" },
          reviewDate: today(),
        },
        wording,
      );
      return { title: template.title, text: letterText(mergeLetter(wording, input)) };
    },
  );

  app.get(
    "/:schoolId/letter-batches",
    { schema: { tags: ["letters"], summary: "Recent batches of letters", params: schoolParams } },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("letters.send");
      const batches = await db
        .selectFrom("letters")
        .select([
          "batch_id",
          "letter_id",
          (eb) => eb.fn.countAll<number>().as("letters"),
          (eb) => eb.fn.max("issued_at").as("issued_at"),
        ])
        .where("school_id", "=", access.schoolId)
        .groupBy(["batch_id", "letter_id"])
        .orderBy("issued_at", "desc")
        .limit(50)
        .execute();
      return { batches };
    },
  );

  app.post(
    "/:schoolId/letters",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Write a letter to the contacts with parental responsibility of one or more pupils (a batch)",
        params: schoolParams,
        body: z.object({
          letterId,
          pupilIds: z.array(id).min(1).max(2000),
          meetingId: id.nullable().default(null),
          reviewDate: isoDate.nullable().default(null),
        }),
      },
    },
    async (request, reply) => {
      const issued = await issueLetters(
        await request.useCaseContext(request.params.schoolId),
        request.body,
      );
      reply.status(201);
      return issued;
    },
  );

  app.post(
    "/:schoolId/letters/by-band",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Write to every pupil's family the letter of the band their attendance this year is in (the half-termly colour-coded letters); one batch per band",
        params: schoolParams,
        body: z.object({
          /** Band id to letter id; by default the policy's own bandLetters. */
          letters: z.record(z.string().min(1).max(60), letterId).optional(),
        }),
      },
    },
    async (request, reply) => {
      const ctx = await request.useCaseContext(request.params.schoolId);
      ctx.access.require("letters.send");
      const chosen =
        request.body.letters ?? (await currentPolicy(db, ctx.access.schoolId))?.policy.bandLetters;
      if (!chosen)
        throw new RollbookError(
          "invalid_input",
          "The policy names no letter for its bands: choose a letter for each band to write to",
        );
      const written = await issueLettersByBand(ctx, chosen);
      reply.status(201);
      return written;
    },
  );

  app.post(
    "/:schoolId/letters/from-proposals",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Send every letter accepted proposals call for that has not gone yet, one batch per letter",
        params: schoolParams,
        body: z.object({ letterId: letterId.nullable().default(null) }),
      },
    },
    async (request, reply) => {
      const batches = await issueLettersForProposals(
        await request.useCaseContext(request.params.schoolId),
        { letterId: request.body.letterId },
      );
      reply.status(201);
      return { batches };
    },
  );

  app.get(
    "/:schoolId/pupils/:pupilId/letters",
    {
      schema: {
        tags: ["letters"],
        summary: "Letters sent about a pupil",
        params: schoolParams.extend({ pupilId: id }),
      },
    },
    async (request) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const pupil = await visiblePupil(db, access, request.params.pupilId);
      // Letter text is the family's and the office's: a teacher sees the pupil, not the letters.
      access.requireForPupil("letters.view", pupil.id);
      const letters = await db
        .selectFrom("letters")
        .select([
          "id",
          "letter_id",
          "addressee",
          "issued_on",
          "issued_by",
          "content",
          "case_id",
          "batch_id",
        ])
        .where("school_id", "=", access.schoolId)
        .where("pupil_id", "=", pupil.id)
        .orderBy("issued_on", "desc")
        .orderBy("id", "desc")
        .execute();
      return { letters };
    },
  );

  app.get(
    "/:schoolId/letters/:letterRecordId/:format",
    {
      schema: {
        tags: ["letters"],
        summary: "One letter sent, as PDF or DOCX",
        params: schoolParams.extend({ letterRecordId: id, format: z.enum(["pdf", "docx"]) }),
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      const letter = await db
        .selectFrom("letters")
        .select(["id", "pupil_id", "pdf", "docx", "letter_id"])
        .where("school_id", "=", access.schoolId)
        .where("id", "=", request.params.letterRecordId)
        .executeTakeFirst();
      if (!letter)
        throw new RollbookError("not_found", `No letter ${request.params.letterRecordId}`);
      await visiblePupil(db, access, letter.pupil_id);
      access.requireForPupil("letters.view", letter.pupil_id);
      const pdf = request.params.format === "pdf";
      return asDownload(
        reply,
        pdf ? "application/pdf" : DOCX_TYPE,
        `${letter.letter_id}-${letter.id}.${request.params.format}`,
      ).send(Buffer.from(pdf ? letter.pdf : letter.docx));
    },
  );

  app.get(
    "/:schoolId/letter-batches/:batchId/:format",
    {
      schema: {
        tags: ["letters"],
        summary: "A batch of letters as one PDF or a zip of DOCX",
        params: schoolParams.extend({ batchId: z.uuid(), format: z.enum(["pdf", "zip"]) }),
      },
    },
    async (request, reply) => {
      const access = await request.schoolAccess(request.params.schoolId);
      access.require("letters.send");
      const file = await batchFiles(
        db,
        access.schoolId,
        request.params.batchId,
        request.params.format,
      );
      return asDownload(
        reply,
        request.params.format === "pdf" ? "application/pdf" : "application/zip",
        `letters-${request.params.batchId}.${request.params.format}`,
      ).send(file);
    },
  );
}
