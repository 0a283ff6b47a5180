import { type Kysely, sql } from "kysely";
import type { Policy } from "../../domain/policy/types.ts";
import type { DB } from "../schema.ts";
import { inTransactionOf } from "../transactions.ts";
import { chunks } from "./marks.ts";

export interface StoredPolicy {
  version: number;
  policy: Policy;
  createdBy: string;
  createdAt: Date;
}

/** The school's policy in force: its latest version. */
export async function currentPolicy(
  db: Kysely<DB>,
  schoolId: number,
): Promise<StoredPolicy | undefined> {
  const row = await db
    .selectFrom("policies")
    .selectAll()
    .where("school_id", "=", schoolId)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return (
    row && {
      version: row.version,
      policy: row.document as Policy,
      createdBy: row.created_by,
      createdAt: row.created_at,
    }
  );
}

export async function policyVersions(db: Kysely<DB>, schoolId: number) {
  return db
    .selectFrom("policies")
    .select(["version", "name", "preset", "created_by", "created_at"])
    .where("school_id", "=", schoolId)
    .orderBy("version", "desc")
    .execute();
}

/** Saves a policy as the school's next version; earlier versions are kept. */
export async function savePolicyVersion(
  db: Kysely<DB>,
  schoolId: number,
  policy: Policy,
  by: string,
): Promise<number> {
  const save = async (tx: Kysely<DB>) => {
    const latest = await tx
      .selectFrom("policies")
      .select((eb) => eb.fn.max("version").as("version"))
      .where("school_id", "=", schoolId)
      .executeTakeFirst();
    const version = Number(latest?.version ?? 0) + 1;
    await tx
      .insertInto("policies")
      .values({
        school_id: schoolId,
        version,
        name: policy.name,
        preset: policy.preset ?? null,
        document: JSON.stringify(policy),
        created_by: by,
      })
      .execute();
    return version;
  };
  // Inside a use case's change it joins that transaction; alone it makes its own.
  return inTransactionOf(db, save);
}

/** What the engine proposed for one pupil, ready to store (JSON fields already serialised). */
export interface ProposalToStore {
  pupilId: number;
  triggerId: string;
  triggerName: string;
  actions: string;
  explanation: string;
  evidence: string;
  evidenceEnd: string | null;
  dedupeKey: string;
  manualReview: boolean;
}

/**
 * Stores a day's proposals, each once: a proposal whose key the pupil already has is skipped.
 * One statement per 20,000 proposals, the values sent as one array per column (a statement of
 * 12 parameters, not 12 per row). Returns the trigger of each proposal stored.
 */
export async function storeProposals(
  db: Kysely<DB>,
  schoolId: number,
  policyVersion: number,
  proposedOn: string,
  proposals: ProposalToStore[],
): Promise<string[]> {
  const stored: string[] = [];
  for (const chunk of chunks(proposals, 20_000)) {
    const { rows } = await sql<{ trigger_id: string }>`
      insert into proposed_actions (school_id, pupil_id, policy_version, trigger_id, trigger_name, actions,
                                    explanation, evidence, evidence_end, dedupe_key, manual_review, proposed_on)
      select ${schoolId}::int, p.pupil_id, ${policyVersion}::int, p.trigger_id, p.trigger_name, p.actions::jsonb,
             p.explanation, p.evidence::jsonb, p.evidence_end, p.dedupe_key, p.manual_review, ${proposedOn}::date
      from unnest(${chunk.map((p) => p.pupilId)}::int[], ${chunk.map((p) => p.triggerId)}::text[],
                  ${chunk.map((p) => p.triggerName)}::text[], ${chunk.map((p) => p.actions)}::text[],
                  ${chunk.map((p) => p.explanation)}::text[], ${chunk.map((p) => p.evidence)}::text[],
                  ${chunk.map((p) => p.evidenceEnd)}::date[], ${chunk.map((p) => p.dedupeKey)}::text[],
                  ${chunk.map((p) => p.manualReview)}::boolean[])
        as p(pupil_id, trigger_id, trigger_name, actions, explanation, evidence, evidence_end, dedupe_key,
             manual_review)
      on conflict (school_id, pupil_id, dedupe_key) do nothing
      returning trigger_id`.execute(db);
    for (const r of rows) stored.push(r.trigger_id);
  }
  return stored;
}
