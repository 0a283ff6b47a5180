import type { Kysely } from "kysely";
import type { Contact, DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import { mergeLetter } from "../../domain/letters/merge.ts";
import type { Enclosure } from "../../domain/letters/templates.ts";
import type { Policy } from "../../domain/policy/types.ts";
import { contractPages } from "../cases/contract-document.ts";
import { letterInput } from "./letter-data.ts";
import { letterTemplate } from "./letter-templates.ts";
import type { EnclosedDocument } from "./print-letters.ts";

export type Enclosures =
  | { ok: true; documents: EnclosedDocument[] }
  /** Why the letter cannot go: it promises an enclosure there is nothing to fill. */
  | { ok: false; reason: string };

/**
 * What a pupil's letter encloses: the registration certificate (the school's wording of it, merged
 * for the pupil today) and the attendance contract agreed on the pupil's open case, latest first.
 */
export async function enclosuresFor(
  db: Kysely<DB>,
  schoolId: number,
  kinds: readonly Enclosure[],
  pupil: { id: number; caseId: number | null },
  contact: Contact,
  policy: Policy | undefined,
  today: IsoDate,
): Promise<Enclosures> {
  const documents: EnclosedDocument[] = [];
  for (const kind of kinds) {
    if (kind === "registration_certificate") {
      const template = await letterTemplate(db, schoolId, "registration_certificate");
      const { input, school } = await letterInput(
        db,
        schoolId,
        pupil.id,
        contact,
        policy,
        today,
        {},
        template.body,
      );
      documents.push({
        kind,
        title: template.title,
        pages: {
          schoolName: school.name,
          schoolAddress: school.address,
          logo: school.logo,
          blocks: mergeLetter(template.body, input),
        },
      });
      continue;
    }
    const contract = pupil.caseId
      ? await db
          .selectFrom("contracts")
          .select("id")
          .where("school_id", "=", schoolId)
          .where("case_id", "=", pupil.caseId)
          .orderBy("agreed_on", "desc")
          .orderBy("id", "desc")
          .executeTakeFirst()
      : undefined;
    if (!contract)
      return {
        ok: false,
        reason: "the letter encloses the attendance contract, and the pupil's case has none yet",
      };
    const pages = await contractPages(db, schoolId, contract.id, today);
    documents.push({
      kind,
      title: pages.title,
      pages: {
        schoolName: pages.school.name,
        schoolAddress: pages.school.address,
        logo: pages.school.logo,
        blocks: pages.blocks,
      },
    });
  }
  return { ok: true, documents };
}
