import { randomUUID } from "node:crypto";
import type { Insertable, Kysely, Transaction } from "kysely";
import { addCaseEvent, openCaseOf } from "../../db/repositories/cases.ts";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { Contact, DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { addressLines, letterHeading } from "../../domain/letters/addressing.ts";
import { type LetterBlock, letterText, mergeLetter } from "../../domain/letters/merge.ts";
import type { Action } from "../../domain/policy/types.ts";
import type { SchoolAccess } from "../access/access.ts";
import { ROLE_LABELS } from "../access/permissions.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";
import { momentOf } from "../registers/register.ts";
import { enclosuresFor } from "./enclosures.ts";
import { letterInput, type Occasion } from "./letter-data.ts";
import { letterTemplate } from "./letter-templates.ts";
import { joined, type LetterToPrint, printLetters } from "./print-letters.ts";
import { letterDocx, zipOf } from "./render-docx.ts";

export interface LetterRequest {
  letterId: string;
  pupilIds: number[];
  /** The proposal the letter carries out, so the worklist knows it is done. */
  proposalIds?: Map<number, number>;
  meetingId?: number | null;
  reviewDate?: IsoDate | null;
}

/** Called after each pupil: how many have been written and how many could not be. */
export type LetterProgress = (written: number, skipped: number) => void;

export interface IssuedLetters {
  batchId: string;
  letters: { id: number; pupilId: number; addressee: string }[];
  skipped: { pupilId: number; reason: string }[];
  /** Contacts written to who have no postal address: their letter cannot go by post as it is. */
  withoutAddress: { pupilId: number; contactId: number; addressee: string }[];
  /** What the office should know about how the batch was printed (LibreOffice missing...). */
  notes: string[];
}

/** The sender's role as the signature names it: "Attendance officer". */
function senderRole(access: SchoolAccess): string {
  const role = access.roles.map((r) => ROLE_LABELS[r]).join(", ") || "staff";
  return role.charAt(0).toUpperCase() + role.slice(1);
}

/** Contacts who receive letters: those with parental responsibility, in priority order. */
async function recipients(db: Kysely<DB>, schoolId: number, pupilId: number): Promise<Contact[]> {
  return db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .where("parental_responsibility", "=", true)
    .orderBy("priority")
    .execute();
}

/** A letter written and rendered, waiting to be recorded with the rest of its change. */
interface WrittenLetter {
  row: Insertable<DB["letters"]>;
  enclosures: Omit<Insertable<DB["letter_enclosures"]>, "letter_record_id">[];
  caseId: number | null;
  summary: string;
}

/** Letters written for one request: what will be recorded, and what could not be written. */
interface WrittenBatch {
  issued: IssuedLetters;
  letters: WrittenLetter[];
}

/**
 * Writes (merges and renders) a letter to every contact with parental responsibility of each
 * pupil, without recording anything yet: rendering a big batch takes seconds, and no transaction
 * (on the embedded database, the only connection) is held open while it happens.
 */
async function writeLetters(
  db: Kysely<DB>,
  access: SchoolAccess,
  request: LetterRequest,
  today: IsoDate,
  onProgress?: LetterProgress,
): Promise<WrittenBatch> {
  if (request.pupilIds.length === 0)
    throw new RollbookError("invalid_input", "Choose at least one pupil");
  const [template, stored] = await Promise.all([
    letterTemplate(db, access.schoolId, request.letterId),
    currentPolicy(db, access.schoolId),
  ]);
  const meeting = request.meetingId
    ? await db
        .selectFrom("meetings")
        .select(["scheduled_for", "format", "location", "attendees"])
        .where("school_id", "=", access.schoolId)
        .where("id", "=", request.meetingId)
        .executeTakeFirst()
    : undefined;
  if (request.meetingId && !meeting)
    throw new RollbookError("not_found", `No meeting ${request.meetingId} in this school`);
  const batchId = randomUUID();
  const issued: IssuedLetters = {
    batchId,
    letters: [],
    skipped: [],
    withoutAddress: [],
    notes: [],
  };
  const letters: WrittenLetter[] = [];
  const toPrint: LetterToPrint[] = [];
  let pupilsDone = 0;
  for (const pupilId of request.pupilIds) {
    onProgress?.(pupilsDone - issued.skipped.length, issued.skipped.length);
    pupilsDone++;
    const pupil = await db
      .selectFrom("pupils")
      .select(["id", "registration_group_id"])
      .where("school_id", "=", access.schoolId)
      .where("id", "=", pupilId)
      .executeTakeFirst();
    if (!pupil || !access.canSeePupil(pupil)) {
      issued.skipped.push({ pupilId, reason: "not a pupil of this school" });
      continue;
    }
    access.audit.listed(access.schoolId, [pupil.id]);
    const contacts = await recipients(db, access.schoolId, pupilId);
    if (contacts.length === 0) {
      issued.skipped.push({
        pupilId,
        reason: "no contact with parental responsibility to write to",
      });
      continue;
    }
    const openCase = await openCaseOf(db, access.schoolId, pupilId);
    const enclosed = await enclosuresFor(
      db,
      access.schoolId,
      template.encloses,
      { id: pupilId, caseId: openCase?.id ?? null },
      contacts[0] as Contact,
      stored?.policy,
      today,
    );
    if (!enclosed.ok) {
      issued.skipped.push({ pupilId, reason: enclosed.reason });
      continue;
    }
    const occasion: Occasion = {
      meeting: meeting
        ? {
            scheduledFor: meeting.scheduled_for,
            format: meeting.format,
            location: meeting.location,
            invitees: meeting.attendees as { name: string; role: string }[],
          }
        : null,
      reviewDate: request.reviewDate ?? openCase?.nextReviewOn ?? null,
      sender: { name: access.actor.name, role: senderRole(access) },
    };
    for (const contact of contacts) {
      // A letter with a blank address block cannot be posted: it is still written (to hand over or
      // email), and the answer names the contact so the office can add the address or send it so.
      if (addressLines(contact.address).length === 0)
        issued.withoutAddress.push({ pupilId, contactId: contact.id, addressee: contact.name });
      const { input, school } = await letterInput(
        db,
        access.schoolId,
        pupilId,
        contact,
        stored?.policy,
        today,
        occasion,
        template.body,
      );
      let blocks: LetterBlock[];
      try {
        blocks = mergeLetter(template.body, input);
      } catch (error) {
        issued.skipped.push({ pupilId, reason: (error as Error).message });
        break;
      }
      const heading = letterHeading(template.letterId, template.title);
      const page = {
        schoolName: school.name,
        schoolAddress: school.address,
        logo: school.logo,
        heading,
        blocks,
      };
      const docx = letterDocx({ ...page, data: input.data }, template.docx);
      toPrint.push({ letter: page, docx, enclosures: enclosed.documents });
      letters.push({
        enclosures: [],
        caseId: openCase?.id ?? null,
        summary: `Letter sent to ${contact.name}: ${template.title}`,
        row: {
          school_id: access.schoolId,
          pupil_id: pupilId,
          case_id: openCase?.id ?? null,
          contact_id: contact.id,
          letter_id: template.letterId,
          template_version: template.version,
          addressee: contact.name,
          content: letterText(blocks),
          merge_data: JSON.stringify({ data: input.data, blocks, title: template.title }),
          // Printed below, with the rest of the batch.
          pdf: Buffer.alloc(0),
          docx,
          batch_id: batchId,
          proposal_id: request.proposalIds?.get(pupilId) ?? null,
          meeting_id: request.meetingId ?? null,
          issued_on: today,
          issued_by: access.signature(),
        },
      });
    }
  }
  onProgress?.(pupilsDone - issued.skipped.length, issued.skipped.length);
  const printed = await printLetters(toPrint, template.title, template.docx !== null, issued.notes);
  printed.forEach((p, i) => {
    const letter = letters[i] as WrittenLetter;
    letter.row.pdf = p.pdf;
    letter.enclosures = p.enclosures.map((e, position) => ({
      school_id: access.schoolId,
      position,
      kind: e.kind,
      title: e.title,
      pdf: e.pdf,
    }));
  });
  return { issued, letters };
}

/** Records written letters, each with its case's chronology entry: every letter or none. */
async function recordLetters(
  tx: Transaction<DB>,
  access: SchoolAccess,
  batches: WrittenBatch[],
): Promise<IssuedLetters[]> {
  for (const { issued, letters } of batches) {
    for (const letter of letters) {
      const { id } = await tx
        .insertInto("letters")
        .values(letter.row)
        .returning("id")
        .executeTakeFirstOrThrow();
      issued.letters.push({ id, pupilId: letter.row.pupil_id, addressee: letter.row.addressee });
      if (letter.enclosures.length > 0)
        await tx
          .insertInto("letter_enclosures")
          .values(letter.enclosures.map((e) => ({ ...e, letter_record_id: id })))
          .execute();
      if (letter.caseId) {
        await addCaseEvent(tx, access.schoolId, letter.caseId, {
          on: letter.row.issued_on,
          by: access.signature(),
          kind: "letter_sent",
          summary: letter.summary,
          detail: {
            letter: letter.row.letter_id,
            letterRecordId: id,
            proposalId: letter.row.proposal_id,
            meetingId: letter.row.meeting_id ?? null,
          },
        });
      }
    }
  }
  return batches.map((b) => b.issued);
}

/** Writes the batches, then records them all and their access-log row as one change. */
export async function issueBatches(
  ctx: UseCaseContext,
  requests: LetterRequest[],
  onProgress?: LetterProgress,
): Promise<IssuedLetters[]> {
  const { access } = ctx;
  access.require("letters.send");
  const today = momentOf(ctx.clock()).date;
  const written: WrittenBatch[] = [];
  let before = { written: 0, skipped: 0 };
  for (const request of requests) {
    const start = before;
    const batch = await writeLetters(ctx.db, access, request, today, (w, s) =>
      onProgress?.(start.written + w, start.skipped + s),
    );
    written.push(batch);
    const skipped = batch.issued.skipped.length;
    before = {
      written: start.written + request.pupilIds.length - skipped,
      skipped: start.skipped + skipped,
    };
  }
  return inTransaction(ctx, "issue letters", (tx) => recordLetters(tx, access, written));
}

/**
 * Writes a letter to every contact with parental responsibility of each pupil, records each one
 * sent with its exact content (and the PDF and Word files made from it) against the pupil and
 * their case, and returns the batch. A pupil the letter cannot go to is listed with the reason.
 */
export async function issueLetters(
  ctx: UseCaseContext,
  request: LetterRequest,
): Promise<IssuedLetters> {
  const [issued] = await issueBatches(ctx, [request]);
  return issued as IssuedLetters;
}

/**
 * Sends the letters accepted proposals call for and that have not gone yet: "all the amber
 * letters for this half term" in one batch per letter.
 */
export async function issueLettersForProposals(
  ctx: UseCaseContext,
  choice: { letterId: string | null },
): Promise<IssuedLetters[]> {
  const { db, access } = ctx;
  const { letterId } = choice;
  access.require("letters.send");
  const accepted = await db
    .selectFrom("proposed_actions")
    .select(["id", "pupil_id", "actions"])
    .where("school_id", "=", access.schoolId)
    .where("status", "=", "accepted")
    .execute();
  const sent = new Set(
    (
      await db
        .selectFrom("letters")
        .select(["proposal_id", "letter_id"])
        .where("school_id", "=", access.schoolId)
        .where("proposal_id", "is not", null)
        .execute()
    ).map((l) => `${l.proposal_id}|${l.letter_id}`),
  );
  const byLetter = new Map<string, Map<number, number>>();
  for (const proposal of accepted) {
    for (const action of proposal.actions as Action[]) {
      if (
        action.type !== "letter" ||
        (letterId && action.letter !== letterId) ||
        sent.has(`${proposal.id}|${action.letter}`)
      )
        continue;
      const pupils = byLetter.get(action.letter) ?? new Map<number, number>();
      pupils.set(proposal.pupil_id, proposal.id);
      byLetter.set(action.letter, pupils);
    }
  }
  if (byLetter.size === 0) return [];
  return issueBatches(
    ctx,
    [...byLetter].map(([id, pupils]) => ({
      letterId: id,
      pupilIds: [...pupils.keys()],
      proposalIds: pupils,
    })),
  );
}

/** A batch as one PDF (every letter, each on its own pages) or a zip of Word documents. */
export async function batchFiles(
  db: Kysely<DB>,
  schoolId: number,
  batchId: string,
  format: "pdf" | "zip",
): Promise<Buffer> {
  const letters = await db
    .selectFrom("letters as l")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "l.school_id").onRef("p.id", "=", "l.pupil_id"),
    )
    .innerJoin("schools as s", "s.id", "l.school_id")
    .select([
      "l.id",
      "l.docx",
      "l.pdf",
      "l.letter_id",
      "l.addressee",
      "p.legal_surname",
      "p.legal_forename",
    ])
    .where("l.school_id", "=", schoolId)
    .where("l.batch_id", "=", batchId)
    .orderBy("p.legal_surname")
    .orderBy("l.id")
    .execute();
  if (letters.length === 0) throw new RollbookError("not_found", `No letters in batch ${batchId}`);
  if (format === "zip") {
    return zipOf(
      letters.map((l) => ({
        name: `${l.legal_surname}-${l.legal_forename}-${l.letter_id}-${l.id}.docx`.replace(
          /[^\w.-]+/g,
          "_",
        ),
        content: l.docx,
      })),
    );
  }
  // The letters exactly as issued (printed from the school's Word template, enclosures included).
  return joined(letters.map((l) => l.pdf));
}
