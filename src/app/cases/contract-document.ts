import { dayLabel } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { LetterBlock } from "../../domain/letters/merge.ts";
import { formatPercent } from "../../domain/statistics.ts";
import type { UseCaseContext } from "../context.ts";
import { letterDocx } from "../letters/render-docx.ts";
import { lettersPdf } from "../letters/render-pdf.ts";
import { displayName } from "../registers/register.ts";
import { caseToWork } from "./case-access.ts";
import type { ContractTarget, SupportAction } from "./contracts.ts";

const WHO = { school: "The school", parent: "The family", partner: "Partner" } as const;

/**
 * A contract or plan as the document the family signs and keeps (LA letter 3 is its template;
 * letter 4 encloses it): the barriers, targets, each side's commitments and the support with who
 * gives it and by when, the review date, and who agreed it. Printed by the letters' renderers.
 */
export async function contractDocument(
  ctx: UseCaseContext,
  contractId: number,
  format: "pdf" | "docx",
): Promise<{ file: Buffer; fileName: string }> {
  const { db, access } = ctx;
  const contract = await db
    .selectFrom("contracts")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("id", "=", contractId)
    .executeTakeFirst();
  if (!contract) throw new RollbookError("not_found", `No contract ${contractId} in this school`);
  const { caseRecord } = await caseToWork(db, access, contract.case_id, { mustBeOpen: false });
  const [pupil, school] = await Promise.all([
    db
      .selectFrom("pupils")
      .select(["legal_forename", "legal_surname", "preferred_forename", "preferred_surname"])
      .where("school_id", "=", access.schoolId)
      .where("id", "=", caseRecord.pupilId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("schools")
      .select(["name", "address", "logo_png"])
      .where("id", "=", access.schoolId)
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
  const paragraphs = [
    `${title} for ${displayName(pupil)}`,
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
  ];
  const blocks: LetterBlock[] = paragraphs.map((text) => ({ kind: "text", text }));
  const fileName = `${title.toLowerCase().replace(" ", "-")}-${contract.id}.${format}`;
  if (format === "pdf") {
    const file = await lettersPdf(
      [{ schoolName: school.name, schoolAddress: school.address, logo: school.logo_png, blocks }],
      title,
    );
    return { file: Buffer.from(file), fileName };
  }
  return {
    file: letterDocx({ schoolName: school.name, schoolAddress: school.address, data: {}, blocks }),
    fileName,
  };
}
