import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { IsoDate } from "../../domain/dates.ts";
import type { Actor } from "../access/access.ts";
import { type GroupBenchmarks, groupBenchmarks } from "../benchmarks/group-benchmarks.ts";
import { type Scope, schoolsInScope } from "./overview.ts";

/**
 * The schools an officer oversees against DfE's published figures. A local-authority officer of
 * one authority is shown that authority's own DfE row without asking for it; a trust scope, or an
 * officer of several authorities, gets it only by naming the authority.
 */
export async function benchmarksOverseen(
  db: Kysely<DB>,
  actor: Actor,
  scope: Scope,
  today: IsoDate,
): Promise<GroupBenchmarks> {
  const schoolIds = await schoolsInScope(db, actor, scope);
  const laCodes = new Set(actor.grants.flatMap((g) => (g.laCode ? [g.laCode] : [])));
  const soleLa = laCodes.size === 1 && scope.trustId === undefined ? [...laCodes][0] : undefined;
  return groupBenchmarks(db, schoolIds, today, scope.laCode ?? soleLa);
}
