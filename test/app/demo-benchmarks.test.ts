import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schoolBenchmarks } from "../../src/app/benchmarks/school-benchmarks.ts";
import { DEMO_BENCHMARKS_FILE, loadDemoBenchmarks } from "../../src/app/demo/benchmarks.ts";
import { DEMO_SCHOOL } from "../../src/app/demo/create-demo-school.ts";
import type { Database } from "../../src/db/database.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("the demo's DfE benchmarks", () => {
  it("are DfE's published sample, bundled with the demo", () => {
    const fixture = new URL("../fixtures/dfe-attendance-ytd-2025-26-sample.csv", import.meta.url);
    expect(readFileSync(DEMO_BENCHMARKS_FILE, "utf8")).toBe(readFileSync(fixture, "utf8"));
  });

  it("give Northfield Academy (LA 383 Leeds, secondary) Leeds, its region and England", async () => {
    const { db } = database;
    const school = await createSchool(db, DEMO_SCHOOL);
    expect(await loadDemoBenchmarks(db, new Date())).toBe(true);
    // A second demo (or a real import of the year) is never overwritten by the sample.
    expect(await loadDemoBenchmarks(db, new Date())).toBe(false);
    const comparison = await schoolBenchmarks(db, school.id, "2026-11-25");
    expect(comparison.benchmark?.academicYear).toBe("2025/26");
    expect(comparison.schoolRange).toEqual({ from: "2025-08-01", to: "2026-07-31" });
    expect(comparison.rows.map((r) => `${r.level}: ${r.name}`)).toEqual([
      "School: Northfield Academy",
      "Local authority: Leeds",
      "Regional: Yorkshire and The Humber",
      "National: England",
    ]);
  });
});
