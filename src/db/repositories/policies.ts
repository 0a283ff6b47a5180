import type { Kysely } from "kysely";
import type { Policy } from "../../domain/policy/types.ts";
import type { DB } from "../schema.ts";
import { inTransactionOf } from "../transactions.ts";

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
