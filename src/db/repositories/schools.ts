import type { Kysely } from "kysely";
import { RollbookError } from "../../domain/errors.ts";
import type { DB, School, SchoolPhase } from "../schema.ts";

export interface NewSchool {
  name: string;
  phase: SchoolPhase;
  urn?: string | null;
  estab?: string | null;
  address?: string;
  trustName?: string | null;
  localAuthority?: { code: string; name: string } | null;
}

/** Creates a school, and its trust and local authority when they are new. */
export async function createSchool(db: Kysely<DB>, school: NewSchool): Promise<School> {
  return db.transaction().execute(async (tx) => {
    let trustId: number | null = null;
    if (school.trustName) {
      const trust = await tx
        .insertInto("trusts")
        .values({ name: school.trustName })
        .onConflict((oc) => oc.column("name").doUpdateSet({ name: school.trustName as string }))
        .returning("id")
        .executeTakeFirstOrThrow();
      trustId = trust.id;
    }
    if (school.localAuthority) {
      await tx
        .insertInto("local_authorities")
        .values(school.localAuthority)
        .onConflict((oc) => oc.column("code").doNothing())
        .execute();
    }
    return tx
      .insertInto("schools")
      .values({
        name: school.name,
        phase: school.phase,
        urn: school.urn ?? null,
        estab: school.estab ?? null,
        address: school.address ?? "",
        trust_id: trustId,
        la_code: school.localAuthority?.code ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function listSchools(db: Kysely<DB>): Promise<School[]> {
  return db.selectFrom("schools").selectAll().orderBy("id").execute();
}

/**
 * The school a command means: by id or URN when given, otherwise the only school there is. A
 * database with several schools and no choice is a clear error listing them.
 */
export async function resolveSchool(db: Kysely<DB>, wanted?: string): Promise<School> {
  const schools = await listSchools(db);
  if (wanted) {
    const found = schools.find(
      (s) => String(s.id) === wanted || s.urn === wanted || s.name === wanted,
    );
    if (!found) {
      throw new RollbookError("not_found", `No school "${wanted}". Schools: ${describe(schools)}`);
    }
    return found;
  }
  if (schools.length === 1) return schools[0] as School;
  if (schools.length === 0) {
    throw new RollbookError(
      "not_found",
      "There is no school yet: run `rollbook demo` or `rollbook init --school <name>`",
    );
  }
  throw new RollbookError(
    "invalid_input",
    `Several schools are stored; choose one with --school: ${describe(schools)}`,
  );
}

function describe(schools: School[]): string {
  return schools.length === 0 ? "(none)" : schools.map((s) => `${s.id} ${s.name}`).join("; ");
}
