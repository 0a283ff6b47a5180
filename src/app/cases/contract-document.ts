import type { Kysely } from "kysely";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import { dayLabel, type IsoDate } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { type LetterBlock, mergeLetter } from "../../domain/letters/merge.ts";
import { DEFAULT_LETTERS } from "../../domain/letters/templates.ts";
import { formatPercent } from "../../domain/statistics.ts";
import type { UseCaseContext } from "../context.ts";
import { letterInput } from "../letters/letter-data.ts";
import { letterTemplate } from "../letters/letter-templates.ts";
import { letterDocx } from "../letters/render-docx.ts";
import { lettersPdf } from "../letters/render-pdf.ts";
import { displayName, momentOf } from "../registers/register.ts";
import { caseToWork } from "./case-access.ts";
import type { ContractTarget, SupportAction } from "./contracts.ts";

const WHO = { school: "The school", parent: "The family", partner: "Partner" } as const;

/** A contract or plan's pages, ready for the letters' renderers (and to enclose with LA letter 4). */
export interface ContractPages {
  title: string;
  blocks: LetterBlock[];
  school: { name: string; address: string; logo: Uint8Array | null };
  fileName: (format: "pdf" | "docx") => string;
}

/**
 * A contract or plan as the document the family signs and keeps (LA letter 4 encloses it): the
 * barriers, targets, each side's commitments and the support with who gives it and by when, the
 * review date, and who agreed it. Where the school follows the LA contract process, LA letter 3
 * ("Attendance contract template for attendance meeting") is its template: the school's wording of
 * letter 3, merged for the family, with the contract's terms set out before the signature.
 */
export async function contractPages(
  db: Kysely<DB>,
  schoolId: number,
  contractId: number,
  today: IsoDate,
): Promise<ContractPages> {
  const contract = await db
    .selectFrom("contracts as c")
    .innerJoin("attendance_cases as k", (j) =>
      j.onRef("k.school_id", "=", "c.school_id").onRef("k.id", "=", "c.case_id"),
    )
    .selectAll("c")
    .select("k.pupil_id")
    .where("c.school_id", "=", schoolId)
    .where("c.id", "=", contractId)
    .executeTakeFirst();
  if (!contract) throw new RollbookError("not_found", `No contract ${contractId} in this school`);
  const [pupil, school] = await Promise.all([
    db
      .selectFrom("pupils")
      .select(["legal_forename", "legal_surname", "preferred_forename", "preferred_surname"])
      .where("school_id", "=", schoolId)
      .where("id", "=", contract.pupil_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("schools")
      .select(["name", "address", "logo_png"])
      .where("id", "=", schoolId)
      .executeTakeFirstOrThrow(),
  ]);
  const title = contract.kind === "attendance_contract" ? "Attendance contract" : "Attendance plan";
  const list = (heading: string, items: string[]) =>
    items.length ? [`${heading}\n${items.map((i) => `• ${i}`).join("\n")}`] : [];
  const support = (contract.support as SupportAction[]).map(
    (s) =>
      `${s.by === "partner" ? (s.partner ?? WHO.partner) : WHO[s.by]}: ${s.action}${s.owner ? ` (${s.owner})` : ""}${s.due ? `, by ${dayLabel(s.due)}` : ""}`,
  );
  const targets = (contract.targets as ContractTarget[]).map(
    (t) => `${t.percent}% attendance by ${dayLabel(t.by)}`,
  );
  const agreedBy = contract.agreed_by as { name: string; on: string }[];
  const terms = [
    `Agreed on ${dayLabel(contract.agreed_on)}. Attendance then: ${formatPercent({
      numerator: contract.baseline_attended,
      denominator: contract.baseline_possible,
    })}%. Target: ${Number(contract.target_percent)}%.`,
    ...list("Targets", targets),
    ...list("What gets in the way", contract.barriers as string[]),
    ...list("Support, who gives it and by when", support),
    ...list("The parents agree to", contract.parent_commitments as string[]),
    ...list(
      `${pupil.preferred_forename ?? pupil.legal_forename} agrees to`,
      contract.pupil_commitments as string[],
    ),
    `We will review this ${title.toLowerCase()} on ${dayLabel(contract.review_on)}.`,
    agreedBy.length
      ? `Agreed by ${agreedBy.map((a) => `${a.name} on ${dayLabel(a.on)}`).join(" and ")}.`
      : "Not yet signed by the parents.",
    "Signed (parent or carer): ____________________    Signed (school): ____________________",
  ].map((text): LetterBlock => ({ kind: "text", text }));
  const letter3 =
    contract.kind === "attendance_contract"
      ? await letterThreeAround(db, schoolId, contract.pupil_id, contract.review_on, today)
      : null;
  const blocks = letter3
    ? [...letter3.before, ...terms, ...letter3.after]
    : [{ kind: "text" as const, text: `${title} for ${displayName(pupil)}` }, ...terms];
  return {
    title,
    blocks,
    school: { name: school.name, address: school.address, logo: school.logo_png },
    fileName: (format) => `${title.toLowerCase().replace(" ", "-")}-${contract.id}.${format}`,
  };
}

/** The letter the LA process calls its contract template; only a school following it uses it. */
const LETTER_3 = "la_3_contract";

/** A policy that sends the LA contract process's letters follows its paperwork too. */
function followsLaContractProcess(policy: object): boolean {
  const text = JSON.stringify(policy);
  return [...DEFAULT_LETTERS.values()].some(
    (l) => l.family === "la_contract" && text.includes(`"${l.id}"`),
  );
}

/**
 * LA letter 3 merged for the pupil's first contact with parental responsibility, cut at its
 * closing ("Yours sincerely") so the contract's terms come before the signature. Null when the
 * school's policy does not follow the LA contract process.
 */
async function letterThreeAround(
  db: Kysely<DB>,
  schoolId: number,
  pupilId: number,
  reviewOn: IsoDate,
  today: IsoDate,
): Promise<{ before: LetterBlock[]; after: LetterBlock[] } | null> {
  const stored = await currentPolicy(db, schoolId);
  if (!stored || !followsLaContractProcess(stored.policy)) return null;
  const template = await letterTemplate(db, schoolId, LETTER_3);
  const contact = await db
    .selectFrom("contacts")
    .selectAll()
    .where("school_id", "=", schoolId)
    .where("pupil_id", "=", pupilId)
    .orderBy("parental_responsibility", "desc")
    .orderBy("priority")
    .executeTakeFirst();
  const { input } = await letterInput(
    db,
    schoolId,
    pupilId,
    contact ?? null,
    stored.policy,
    today,
    { reviewDate: reviewOn },
    template.body,
  );
  const blocks = mergeLetter(template.body, input);
  const closing = blocks.findIndex((b) => b.kind === "text" && /^yours\b/i.test(b.text.trim()));
  return closing < 0
    ? { before: blocks, after: [] }
    : { before: blocks.slice(0, closing), after: blocks.slice(closing) };
}

/** The contract or plan as a PDF or Word file, for whoever may work the case. */
export async function contractDocument(
  ctx: UseCaseContext,
  contractId: number,
  format: "pdf" | "docx",
): Promise<{ file: Buffer; fileName: string }> {
  const { db, access } = ctx;
  const contract = await db
    .selectFrom("contracts")
    .select("case_id")
    .where("school_id", "=", access.schoolId)
    .where("id", "=", contractId)
    .executeTakeFirst();
  if (!contract) throw new RollbookError("not_found", `No contract ${contractId} in this school`);
  await caseToWork(db, access, contract.case_id, { mustBeOpen: false });
  const pages = await contractPages(db, access.schoolId, contractId, momentOf(ctx.clock()).date);
  const { school, blocks, title } = pages;
  if (format === "pdf") {
    const file = await lettersPdf(
      [{ schoolName: school.name, schoolAddress: school.address, logo: school.logo, blocks }],
      title,
    );
    return { file: Buffer.from(file), fileName: pages.fileName("pdf") };
  }
  return {
    file: letterDocx({
      schoolName: school.name,
      schoolAddress: school.address,
      logo: school.logo,
      data: {},
      blocks,
    }),
    fileName: pages.fileName("docx"),
  };
}
