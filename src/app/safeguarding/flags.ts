import type { Kysely } from "kysely";
import type { DB, SafeguardingFlag } from "../../db/schema.ts";
import { RollbookError } from "../../domain/errors.ts";
import type { SchoolAccess } from "../access/access.ts";
import { visiblePupil } from "../access/visible-pupil.ts";
import { inTransaction, type UseCaseContext } from "../context.ts";

export const SAFEGUARDING_FLAGS: readonly SafeguardingFlag[] = [
  "safeguarding_concern",
  "has_social_worker",
  "looked_after",
  "child_protection_plan",
  "child_in_need_plan",
];

/** In the school's words, for lists and messages. */
export const SAFEGUARDING_FLAG_NAMES: Record<SafeguardingFlag, string> = {
  safeguarding_concern: "safeguarding concern",
  has_social_worker: "has a social worker",
  looked_after: "looked after",
  child_protection_plan: "child protection plan",
  child_in_need_plan: "child in need plan",
};

export interface FlagChange {
  id: number;
  flag: SafeguardingFlag;
  value: boolean;
  reason: string;
  changedBy: string;
  changedAt: Date;
}

export interface SafeguardingFlags {
  pupilId: number;
  current: Record<SafeguardingFlag, boolean>;
  /** Every change, oldest first: append-only, so who set or cleared a flag and why is kept. */
  history: FlagChange[];
}

/** A pupil's safeguarding flags and their history (pupils.safeguarding). */
export async function safeguardingFlagsOf(
  ctx: UseCaseContext,
  pupilId: number,
): Promise<SafeguardingFlags> {
  const { db, access } = ctx;
  access.require("pupils.safeguarding");
  const pupil = await visiblePupil(db, access, pupilId);
  const history = await db
    .selectFrom("pupil_flag_changes")
    .selectAll()
    .where("school_id", "=", access.schoolId)
    .where("pupil_id", "=", pupil.id)
    .orderBy("changed_at")
    .orderBy("id")
    .execute();
  return {
    pupilId: pupil.id,
    current: Object.fromEntries(SAFEGUARDING_FLAGS.map((f) => [f, pupil[f]])) as Record<
      SafeguardingFlag,
      boolean
    >,
    history: history.map((h) => ({
      id: h.id,
      flag: h.flag,
      value: h.value,
      reason: h.reason,
      changedBy: h.changed_by,
      changedAt: h.changed_at,
    })),
  };
}

/**
 * Sets or clears a safeguarding flag with the reason, in one transaction with its history row
 * and the access log. A safeguarding concern puts the pupil on the first-day ladder's urgent
 * route (tell the DSL at once, visit the home the same day) while it stands.
 */
export async function setSafeguardingFlag(
  ctx: UseCaseContext,
  change: { pupilId: number; flag: SafeguardingFlag; value: boolean; reason: string },
): Promise<SafeguardingFlags> {
  const { db, access } = ctx;
  access.require("pupils.safeguarding");
  const pupil = await visiblePupil(db, access, change.pupilId);
  const name = SAFEGUARDING_FLAG_NAMES[change.flag];
  if (pupil[change.flag] === change.value)
    throw new RollbookError(
      "conflict",
      `The pupil's "${name}" flag is already ${change.value ? "set" : "clear"}`,
    );
  await inTransaction(ctx, `${change.value ? "set" : "clear"} ${name}`, (tx) =>
    recordFlagChange(tx, access, pupil.id, change.flag, change.value, change.reason),
  );
  return safeguardingFlagsOf(ctx, pupil.id);
}

/** Changes the flag on the pupil and appends the change (inside the caller's transaction). */
export async function recordFlagChange(
  tx: Kysely<DB>,
  access: SchoolAccess,
  pupilId: number,
  flag: SafeguardingFlag,
  value: boolean,
  reason: string,
): Promise<void> {
  await tx
    .updateTable("pupils")
    .set({ [flag]: value })
    .where("school_id", "=", access.schoolId)
    .where("id", "=", pupilId)
    .execute();
  await tx
    .insertInto("pupil_flag_changes")
    .values({
      school_id: access.schoolId,
      pupil_id: pupilId,
      flag,
      value,
      reason,
      changed_by: access.signature(),
      changed_by_user_id: access.accountId,
    })
    .execute();
}
