import { currentPolicy } from "../../db/repositories/policies.ts";
import { londonToday } from "../../domain/dates.ts";
import { RollbookError } from "../../domain/errors.ts";
import { DEFAULT_LETTERS } from "../../domain/letters/templates.ts";
import { type PolicyForParents, policyForParents } from "../../domain/policy/for-parents.ts";
import type { UseCaseContext } from "../context.ts";
import { policyPagePdf } from "../letters/render-pdf.ts";
import { registerTimesOf } from "../registers/register.ts";

/**
 * The school's policy in force as the one page families read. Anyone who may see the school
 * reads it (parents included: it is what the school publishes); no pupil's data is in it.
 */
export async function showPolicyForParents(ctx: UseCaseContext): Promise<PolicyForParents> {
  const { db, access } = ctx;
  const stored = await currentPolicy(db, access.schoolId);
  if (!stored)
    throw new RollbookError(
      "not_found",
      "This school has not set its attendance policy in Rollbook yet",
    );
  const school = await db
    .selectFrom("schools")
    .select(["name", "address", "letter_signatory"])
    .where("id", "=", access.schoolId)
    .executeTakeFirstOrThrow();
  // The titles the school gives its letters: the latest saved version of each, else the default.
  const saved = await db
    .selectFrom("letter_templates")
    .select(["letter_id", "title"])
    .where("school_id", "=", access.schoolId)
    .orderBy("version", "desc")
    .execute();
  const titles = new Map<string, string>();
  for (const row of saved) if (!titles.has(row.letter_id)) titles.set(row.letter_id, row.title);
  const letterTitle = (id: string) =>
    titles.get(id) ?? DEFAULT_LETTERS.get(id)?.title ?? "a letter";
  return policyForParents(
    stored.policy,
    {
      name: school.name,
      address: school.address,
      contact: school.letter_signatory,
      registerTimes: await registerTimesOf(db, access.schoolId),
    },
    { version: stored.version, inForceSince: londonToday(stored.createdAt) },
    letterTitle,
  );
}

/** The same page as a PDF on the school's letterhead, to print or put on the website. */
export async function printPolicyForParents(ctx: UseCaseContext): Promise<Buffer> {
  const page = await showPolicyForParents(ctx);
  const school = await ctx.db
    .selectFrom("schools")
    .select(["address", "logo_png"])
    .where("id", "=", ctx.access.schoolId)
    .executeTakeFirstOrThrow();
  return policyPagePdf(page, { address: school.address, logo: school.logo_png });
}
