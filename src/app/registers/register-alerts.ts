import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { SchoolAccess } from "../access/access.ts";
import { mayReadSafeguarding } from "../access/safeguarding.ts";

export type RegisterAlert = "medical" | "sen" | "social_worker";

/**
 * The icons beside a pupil's name on the register. A medical condition and special educational
 * needs (SEN support or an EHC plan) are for every member of staff who takes the register: they
 * change what a teacher does in the room. A social worker is safeguarding information, shown only
 * to those who read safeguarding records (KCSIE: need to know).
 */
export async function registerAlerts(
  db: Kysely<DB>,
  access: SchoolAccess,
  pupilIds: number[],
): Promise<Map<number, RegisterAlert[]>> {
  const alerts = new Map<number, RegisterAlert[]>();
  if (pupilIds.length === 0) return alerts;
  const rows = await db
    .selectFrom("pupils")
    .select(["id", "medical_condition", "sen_support", "ehcp", "has_social_worker"])
    .where("school_id", "=", access.schoolId)
    .where("id", "in", pupilIds)
    .execute();
  const safeguarding = mayReadSafeguarding(access);
  for (const r of rows) {
    const list: RegisterAlert[] = [];
    if (r.medical_condition) list.push("medical");
    if (r.sen_support || r.ehcp) list.push("sen");
    if (r.has_social_worker && safeguarding) list.push("social_worker");
    if (list.length > 0) alerts.set(r.id, list);
  }
  return alerts;
}
