import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { testDatabase } from "../support/database.ts";

/**
 * The schema keeps what Citus needs to distribute every school's rows by school_id (docs/scaling.md):
 * read from the database's own catalogue after every migration, so a new table or constraint that
 * would stop the distribution fails here rather than on the day a deployment outgrows one server.
 */
const SHARED = new Set([
  // Small, read everywhere, written rarely: reference tables (a copy on every node).
  "schools",
  "trusts",
  "local_authorities",
  "attendance_benchmarks",
  // People and sign-ins: read by user id once a request, never joined with a school's marks.
  "users",
  "role_grants",
  "user_sessions",
  "sign_in_attempts",
  "password_links",
  "identity_providers",
  "sso_sign_ins",
  "two_factor_rules",
  "recovery_codes",
  // One row: whether this database is a demo.
  "deployment",
  // The migrator's own bookkeeping.
  "kysely_migration",
  "kysely_migration_lock",
]);

interface Constraint {
  table: string;
  kind: "p" | "u" | "f";
  name: string;
  columns: string[];
  referenced: string | null;
  referencedColumns: string[] | null;
}

let database: Database;
let tables: string[];
let constraints: Constraint[];
let uniqueIndexes: { table: string; name: string; definition: string }[];
let schoolOwned: Set<string>;

beforeAll(async () => {
  database = await testDatabase();
  const { db } = database;
  tables = (
    await sql<{ table: string }>`
      select table_name as "table" from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
  ).rows.map((r) => r.table);
  const withSchoolId = (
    await sql<{ table: string }>`
      select table_name as "table" from information_schema.columns
      where table_schema = current_schema() and column_name = 'school_id'`.execute(db)
  ).rows.map((r) => r.table);
  schoolOwned = new Set(withSchoolId.filter((t) => !SHARED.has(t)));
  constraints = (
    await sql<Constraint>`
      select c.relname as "table", con.contype as kind, con.conname as name,
             array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
                   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n
                   order by k.i) as columns,
             f.relname as referenced,
             case when con.confrelid = 0 then null else
               array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i)
                     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n
                     order by k.i) end as "referencedColumns"
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_class f on f.oid = con.confrelid
      where n.nspname = current_schema() and con.contype in ('p', 'u', 'f')`.execute(db)
  ).rows;
  uniqueIndexes = (
    await sql<{ table: string; name: string; definition: string }>`
      select tablename as "table", indexname as name, indexdef as definition from pg_indexes
      where schemaname = current_schema() and indexdef like 'CREATE UNIQUE INDEX%'`.execute(db)
  ).rows;
});

afterAll(async () => {
  await database?.close();
});

describe("the schema can be distributed by school", () => {
  it("names every table either school-owned (it has school_id) or shared on purpose", () => {
    const unplaced = tables.filter((t) => !SHARED.has(t) && !schoolOwned.has(t));
    expect(unplaced, "tables with no school_id that are not declared shared").toEqual([]);
    expect(schoolOwned.size).toBeGreaterThan(30);
  });

  it("leads every school-owned table's primary key with school_id", () => {
    const wrong = [...schoolOwned].flatMap((table) => {
      const key = constraints.find((c) => c.table === table && c.kind === "p");
      return key?.columns[0] === "school_id"
        ? []
        : [`${table}: ${key?.columns.join(", ") ?? "none"}`];
    });
    expect(wrong).toEqual([]);
  });

  it("refers between school-owned tables only through school_id", () => {
    const wrong = constraints
      .filter(
        (c) => c.kind === "f" && schoolOwned.has(c.table) && schoolOwned.has(c.referenced ?? ""),
      )
      .filter((c) => c.columns[0] !== "school_id" || c.referencedColumns?.[0] !== "school_id")
      .map(
        (c) => `${c.table}.${c.name}: (${c.columns}) -> ${c.referenced}(${c.referencedColumns})`,
      );
    expect(wrong).toEqual([]);
  });

  it("has no shared table referring to a school-owned one", () => {
    const wrong = constraints
      .filter((c) => c.kind === "f" && SHARED.has(c.table) && schoolOwned.has(c.referenced ?? ""))
      .map((c) => `${c.table} -> ${c.referenced}`);
    expect(wrong).toEqual([]);
  });

  it("includes school_id in every unique constraint and unique index of a school-owned table", () => {
    const constraintsWithout = constraints
      .filter((c) => c.kind === "u" && schoolOwned.has(c.table) && !c.columns.includes("school_id"))
      .map((c) => `${c.table}.${c.name}`);
    const indexesWithout = uniqueIndexes
      .filter((i) => schoolOwned.has(i.table) && !/\(([^)]*\b)?school_id\b/.test(i.definition))
      .map((i) => `${i.table}.${i.name}`);
    expect([...constraintsWithout, ...indexesWithout]).toEqual([]);
  });

  it("gives every reference column a foreign key", () => {
    // A column named like a school row's id must point at that row, so nothing dangles.
    const referencing = new Set(
      constraints
        .filter((c) => c.kind === "f")
        .flatMap((c) => c.columns.map((col) => `${c.table}.${col}`)),
    );
    const expected = [
      "contact_log.contact_id",
      "contact_log.case_id",
      "contact_log.corrects",
      "interventions.contact_id",
      "interventions.person_id",
      "contacts.person_id",
      "letters.case_id",
      "letters.contact_id",
      "letters.proposal_id",
      "outbox.pupil_id",
      "outbox.contact_id",
      "proposed_actions.case_id",
      "leave_requests.planned_absence_id",
    ];
    expect(expected.filter((column) => !referencing.has(column))).toEqual([]);
  });
});

describe("casework records are append-only", () => {
  it.each(["case_events", "contact_log", "letters"])("refuses to truncate %s", async (table) => {
    await expect(sql`truncate ${sql.table(table)} cascade`.execute(database.db)).rejects.toThrow(
      /append-only casework record/,
    );
  });
});
