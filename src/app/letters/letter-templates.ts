import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import { templateProblems } from "../../domain/letters/merge.ts";
import { DEFAULT_LETTERS, type Enclosure } from "../../domain/letters/templates.ts";
import { assertDocxTemplate } from "./render-docx.ts";

export interface SchoolLetterTemplate {
  letterId: string;
  title: string;
  body: string;
  /** 0 is Rollbook's default wording; the school's own saves are 1, 2, ... */
  version: number;
  docx: Uint8Array | null;
  family: string;
  /** What the letter sends with it, as further pages. */
  encloses: readonly Enclosure[];
}

/** The wording a school sends for a letter: its latest saved version, or the default. */
export async function letterTemplate(
  db: Kysely<DB>,
  schoolId: number,
  letterId: string,
): Promise<SchoolLetterTemplate> {
  const saved = await db
    .selectFrom("letter_templates")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("letter_id", "=", letterId)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  const fallback = DEFAULT_LETTERS.get(letterId);
  if (saved)
    return {
      letterId,
      title: saved.title,
      body: saved.body,
      version: saved.version,
      docx: saved.docx,
      family: fallback?.family ?? "school",
      encloses: fallback?.encloses ?? [],
    };
  if (!fallback)
    throw new RollbookError(
      "not_found",
      `No letter "${letterId}"; letters are ${[...DEFAULT_LETTERS.keys()].join(", ")}`,
    );
  return {
    letterId,
    title: fallback.title,
    body: fallback.body,
    version: 0,
    docx: null,
    family: fallback.family,
    encloses: fallback.encloses ?? [],
  };
}

export async function allLetterTemplates(
  db: Kysely<DB>,
  schoolId: number,
): Promise<SchoolLetterTemplate[]> {
  const ids = new Set([
    ...DEFAULT_LETTERS.keys(),
    ...(
      await db
        .selectFrom("letter_templates")
        .select("letter_id")
        .distinct()
        .where("school_id", "=", schoolId)
        .execute()
    ).map((r) => r.letter_id),
  ]);
  return Promise.all([...ids].map((id) => letterTemplate(db, schoolId, id)));
}

/**
 * Saves new wording (and optionally a Word template) as the letter's next version; older ones are
 * kept. Without a Word template given, the current one carries on; null stops using one.
 */
export async function saveLetterTemplate(
  db: Kysely<DB>,
  schoolId: number,
  change: { letterId: string; title: string; body: string; docx?: Uint8Array | null },
  by: string,
): Promise<number> {
  if (!/^[a-z0-9_]{2,60}$/.test(change.letterId))
    throw new RollbookError(
      "invalid_input",
      "A letter id is lower-case letters, digits and underscores",
    );
  const problems = templateProblems(change.body);
  if (problems.length > 0)
    throw new RollbookError(
      "invalid_input",
      `The letter wording cannot be saved: ${problems.join("; ")}`,
      { problems },
    );
  if (change.docx) assertDocxTemplate(change.docx);
  const current = await letterTemplate(db, schoolId, change.letterId).catch(() => null);
  const version = (current?.version ?? 0) + 1;
  await db
    .insertInto("letter_templates")
    .values({
      school_id: schoolId,
      letter_id: change.letterId,
      version,
      title: change.title,
      body: change.body,
      docx:
        change.docx === undefined
          ? (current?.docx ?? null)
          : change.docx
            ? Buffer.from(change.docx)
            : null,
      created_by: by,
    })
    .execute();
  return version;
}
