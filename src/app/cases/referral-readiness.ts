import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { londonToday } from "../../domain/dates.ts";
import { isRollbookError } from "../../domain/errors.ts";
import { parentBasis } from "../../domain/policy/parents.ts";
import type { SchoolAccess } from "../access/access.ts";
import type { UseCaseContext } from "../context.ts";
import { caseToWork } from "./case-access.ts";
import {
  issueNoticeToImproveIn,
  referForLegalInterventionIn,
  referForPenaltyNoticeIn,
  referToEarlyHelpIn,
  referToSchoolNursingIn,
  referToSocialCareIn,
  reportMissingEducationIn,
  requestSafeAndWellCheckIn,
} from "./interventions.ts";

export type ReferralKind =
  | "notice_to_improve"
  | "penalty_notice"
  | "legal_intervention"
  | "social_care"
  | "children_missing_education"
  | "school_nursing"
  | "early_help"
  | "safe_and_well_check";

export interface ReferralReadiness {
  kind: ReferralKind;
  title: string;
  /** Every precondition met today: the step can be taken now. */
  ready: boolean;
  /** What must happen first, in the words the refusal would use. */
  reasons: string[];
}

const DRY_RUN = Symbol("dry run");

/**
 * Tries the step in a transaction that is always rolled back, so the screen explains exactly the
 * preconditions the step itself enforces (one set of rules, never a copy in the screen).
 */
async function tryStep(
  db: Kysely<DB>,
  step: (tx: Transaction<DB>) => Promise<unknown>,
): Promise<string[]> {
  try {
    await db.transaction().execute(async (tx) => {
      await step(tx);
      throw DRY_RUN;
    });
  } catch (e) {
    if (e === DRY_RUN) return [];
    if (isRollbookError(e)) {
      const reasons = e.details.reasons;
      return Array.isArray(reasons) ? (reasons as string[]) : [e.message];
    }
    throw e;
  }
  return [];
}

/** Each referral and legal step for a case, with what must happen first when it cannot be taken yet. */
export async function referralReadiness(
  ctx: UseCaseContext,
  caseId: number,
): Promise<{
  steps: ReferralReadiness[];
  parents: { contactId: number; name: string; basis: string }[];
}> {
  const { db, access } = ctx;
  const { caseRecord } = await caseToWork(db, access, caseId, { mustBeOpen: false });
  const today = londonToday(ctx.clock());
  const contacts = await db
    .selectFrom("contacts")
    .select(["id", "name", "parental_responsibility", "lives_with_pupil"])
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", caseRecord.pupilId)
    .orderBy("priority")
    .execute();
  const parents = contacts
    .map((c) => ({
      contactId: c.id,
      name: c.name,
      basis: parentBasis({
        name: c.name,
        parentalResponsibility: c.parental_responsibility,
        livesWithPupil: c.lives_with_pupil,
      }),
    }))
    .filter((p) => p.basis !== "not a parent in law");
  const a: SchoolAccess = access;
  const steps: [ReferralKind, string, (tx: Transaction<DB>) => Promise<unknown>][] = [
    [
      "notice_to_improve",
      "Notice to improve",
      (tx) => issueNoticeToImproveIn(tx, a, caseId, today),
    ],
    [
      "penalty_notice",
      "Penalty-notice referral",
      (tx) =>
        referForPenaltyNoticeIn(
          tx,
          a,
          { caseId, contactIds: parents.map((p) => p.contactId) },
          today,
        ),
    ],
    [
      "legal_intervention",
      "Legal intervention (prosecution)",
      (tx) => referForLegalInterventionIn(tx, a, caseId, today),
    ],
    [
      "social_care",
      "Children's social care",
      (tx) => referToSocialCareIn(tx, a, caseId, "the reason is given when referring", today),
    ],
    [
      "children_missing_education",
      "Children missing education",
      (tx) => reportMissingEducationIn(tx, a, caseId, today),
    ],
    ["school_nursing", "School nursing", (tx) => referToSchoolNursingIn(tx, a, caseId, today)],
    [
      "early_help",
      "Early help assessment",
      // The family's agreement is given when referring: the screen asks for it there.
      (tx) => referToEarlyHelpIn(tx, a, { caseId, familyAgrees: true }, today),
    ],
    [
      "safe_and_well_check",
      "Police safe-and-well check",
      (tx) =>
        requestSafeAndWellCheckIn(
          tx,
          a,
          { caseId, concern: "the concern is given when asking" },
          today,
        ),
    ],
  ];
  const results: ReferralReadiness[] = [];
  // One at a time: each dry run is its own transaction on the same connection pool.
  for (const [kind, title, step] of steps) {
    const reasons = caseRecord.status === "open" ? await tryStep(db, step) : ["the case is closed"];
    results.push({ kind, title, ready: reasons.length === 0, reasons });
  }
  return { steps: results, parents };
}
