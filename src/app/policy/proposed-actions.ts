import type { ExpressionBuilder } from "kysely";
import { currentPolicy } from "../../db/repositories/policies.ts";
import type { DB } from "../../db/schema.ts";
import type { PupilFlagName } from "../../domain/policy/fields.ts";
import type { Action } from "../../domain/policy/types.ts";
import type { UseCaseContext } from "../context.ts";
import { displayName } from "../registers/register.ts";

export interface ProposalFilter {
  status: "proposed" | "accepted" | "dismissed";
  pupilId?: number | undefined;
  triggerId?: string | undefined;
  /** Pupils whose open case is at this stage; "none" for pupils with no open case. */
  stageId?: string | undefined;
  yearGroupId?: number | undefined;
  flag?: PupilFlagName | undefined;
  /** "pupil": one pupil's proposals together, so overlapping ones are decided side by side. */
  order: "newest" | "pupil";
  limit: number;
  offset: number;
  /** Send each proposal's evidence too (not needed by My actions, and the bulk of each row). */
  withEvidence?: boolean | undefined;
}

/**
 * A page of the policy's proposed actions with their explanations, how many match in all, and
 * what the filters offer (the policy's stages, the school's year groups).
 */
export async function listProposedActions(ctx: UseCaseContext, filter: ProposalFilter) {
  const { db, access } = ctx;
  access.require("office.view");
  let query = db
    .selectFrom("proposed_actions as a")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "a.school_id").onRef("p.id", "=", "a.pupil_id"),
    )
    .select([
      "a.id",
      "a.pupil_id",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "a.trigger_id",
      "a.trigger_name",
      "a.actions",
      "a.explanation",
      "a.manual_review",
      "a.proposed_on",
      "a.status",
      "a.decided_by",
      "a.decided_at",
      "a.decision_reason",
      "a.case_id",
    ])
    .where("a.school_id", "=", access.schoolId)
    .where("a.status", "=", filter.status);
  if (filter.pupilId) query = query.where("a.pupil_id", "=", filter.pupilId);
  if (filter.triggerId) query = query.where("a.trigger_id", "=", filter.triggerId);
  const { stageId, yearGroupId, flag } = filter;
  if (yearGroupId) query = query.where("p.year_group_id", "=", yearGroupId);
  if (flag) query = query.where(`p.${flag}` as "p.fsm", "=", true);
  if (stageId) {
    type Row = DB & { a: DB["proposed_actions"]; p: DB["pupils"] };
    const openCase = (eb: ExpressionBuilder<Row, "a" | "p">) =>
      eb
        .selectFrom("attendance_cases as c")
        .select("c.id")
        .whereRef("c.school_id", "=", "a.school_id")
        .whereRef("c.pupil_id", "=", "a.pupil_id")
        .where("c.status", "=", "open");
    query =
      stageId === "none"
        ? query.where((eb) => eb.not(eb.exists(openCase(eb))))
        : query.where((eb) => eb.exists(openCase(eb).where("c.stage_id", "=", stageId)));
  }
  const ordered =
    filter.order === "pupil"
      ? query.orderBy("p.legal_surname").orderBy("a.pupil_id").orderBy("a.proposed_on", "desc")
      : query.orderBy("a.proposed_on", "desc");
  const [rows, counted] = await Promise.all([
    (filter.withEvidence ? ordered.select("a.evidence") : ordered)
      .orderBy("a.id")
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query
      .clearSelect()
      .select(({ fn }) => fn.countAll<string>().as("total"))
      .executeTakeFirstOrThrow(),
  ]);
  access.audit.listed(
    access.schoolId,
    rows.map((r) => r.pupil_id),
  );
  const [stored, yearGroups] = await Promise.all([
    currentPolicy(db, access.schoolId),
    db
      .selectFrom("year_groups")
      .select(["id", "name"])
      .where("school_id", "=", access.schoolId)
      .orderBy("id")
      .execute(),
  ]);
  return {
    filters: {
      stages: (stored?.policy.stages ?? []).map((st) => ({
        id: st.id,
        name: st.name,
        status: st.status ?? null,
      })),
      yearGroups,
    },
    /** Every proposal matching, not only this page. */
    total: Number(counted.total),
    proposedActions: rows.map(
      ({ legal_forename, legal_surname, preferred_forename, preferred_surname, ...r }) => ({
        ...r,
        evidence: "evidence" in r ? r.evidence : undefined,
        // Written by the evaluation from the policy's stage actions.
        actions: r.actions as Action[],
        pupil: displayName({
          legal_forename,
          legal_surname,
          preferred_forename,
          preferred_surname,
        }),
      }),
    ),
  };
}
