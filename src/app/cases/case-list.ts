import type { UseCaseContext } from "../context.ts";
import { displayName } from "../registers/register.ts";

export interface CaseListFilter {
  status: "open" | "closed" | "all";
  pupilId?: number | undefined;
}

/** The school's attendance cases, newest first, each with its pupil's name and its owner. */
export async function listCases(ctx: UseCaseContext, filter: CaseListFilter) {
  const { db, access } = ctx;
  access.require("pupils.view_all");
  const rows = await db
    .selectFrom("attendance_cases as c")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "c.school_id").onRef("p.id", "=", "c.pupil_id"),
    )
    .leftJoin("users as u", "u.id", "c.owner_user_id")
    .select([
      "c.id",
      "c.pupil_id",
      "c.stage_id",
      "c.stage_started_on",
      "c.opened_on",
      "c.next_review_on",
      "c.closed_on",
      "c.outcome",
      "c.status",
      "u.name as owner",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
    ])
    .where("c.school_id", "=", access.schoolId)
    .$if(filter.status !== "all", (q) =>
      q.where("c.status", "=", filter.status as "open" | "closed"),
    )
    .$if(filter.pupilId !== undefined, (q) => q.where("c.pupil_id", "=", filter.pupilId as number))
    .orderBy("c.opened_on", "desc")
    .execute();
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  return rows.map(
    ({ legal_forename, legal_surname, preferred_forename, preferred_surname, ...r }) => ({
      ...r,
      pupil: displayName({ legal_forename, legal_surname, preferred_forename, preferred_surname }),
    }),
  );
}
