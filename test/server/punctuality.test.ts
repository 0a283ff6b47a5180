import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

/**
 * Saves 8C's morning register at a London time, everyone else present. The register opens at
 * 08:40 and closes at 09:10: arriving at 08:55 is L, 15 minutes late; at 09:20, U, 40 minutes.
 */
async function morningRegister(
  date: string,
  time: string,
  who: "teacher" | "office",
  marks: { pupilId: number; arrivedAt?: string; code?: string; baseVersion?: number }[],
  reason?: string,
) {
  server.setNow(date, time);
  const client = await server.as(who);
  const saved = await client.send("PUT", url(`/registers/${server.groups.g8C}/${date}/AM`), {
    marks: marks.map((m) => ({ baseVersion: 0, ...m })),
    allPresent: true,
    reason,
  });
  expect(saved.statusCode, saved.body).toBe(200);
}

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  // School A's pupils join their form's year group (8C: Year 8; Dev in 9C: Year 9).
  const { db } = server.database;
  const years = await db
    .selectFrom("registration_groups")
    .select(["id", "year_group_id"])
    .where("school_id", "=", server.school.id)
    .execute();
  for (const form of years)
    await db
      .updateTable("pupils")
      .set({ year_group_id: form.year_group_id })
      .where("school_id", "=", server.school.id)
      .where("registration_group_id", "=", form.id)
      .execute();

  // Wednesday: Bilal L, 15 minutes.
  await morningRegister("2025-09-03", "09:00", "teacher", [
    { pupilId: bilal.id, arrivedAt: "08:55" },
  ]);
  // Thursday: Amelia L, 5 minutes; Chloe L, 18 minutes, later amended to present.
  await morningRegister("2025-09-04", "09:00", "teacher", [
    { pupilId: amelia.id, arrivedAt: "08:45" },
    { pupilId: chloe.id, arrivedAt: "08:58" },
  ]);
  await morningRegister(
    "2025-09-04",
    "10:00",
    "office",
    [{ pupilId: chloe.id, code: "/", baseVersion: 1 }],
    "The school bus was late: she was not",
  );
  // Friday: Bilal signs in at the office after the register closed, U, 40 minutes.
  await morningRegister("2025-09-05", "09:25", "office", [
    { pupilId: bilal.id, arrivedAt: "09:20" },
  ]);
  // The next Wednesday: Bilal L, 10 minutes; Amelia L, 2 minutes.
  await morningRegister("2025-09-10", "09:00", "teacher", [
    { pupilId: bilal.id, arrivedAt: "08:50" },
    { pupilId: amelia.id, arrivedAt: "08:42" },
  ]);
  head = await server.as("head");
});
afterAll(async () => {
  await server?.close();
});

describe("punctuality on the dashboard", () => {
  it("counts the current late marks of the period, with minutes lost and the median", async () => {
    const response = await head.get(url("/dashboard/punctuality?from=2025-09-01&to=2025-09-12"));
    expect(response.statusCode, response.body).toBe(200);
    const figures = response.json();
    expect(figures.range).toEqual({ from: "2025-09-01", to: "2025-09-12" });
    // Chloe's amended late is not counted: only the mark in force is.
    expect(figures.lates).toEqual({ L: 4, U: 1, total: 5 });
    expect(figures.minutesLost).toBe(15 + 5 + 40 + 10 + 2);
    expect(figures.latesWithoutMinutes).toBe(0);
    // L minutes 2, 5, 10, 15: the lower middle.
    expect(figures.medianMinutesLate).toBe(5);
    expect(figures.byWeekday.map((d: { lates: number }) => d.lates)).toEqual([0, 0, 3, 1, 1]);
    expect(figures.byMinutes.map((b: { lates: number }) => b.lates)).toEqual([2, 1, 1, 0, 1, 0]);
    // Eve is not on roll until October.
    expect(figures.byYearGroup).toEqual([
      { yearGroup: "Year 8", pupils: 3, lates: 5 },
      { yearGroup: "Year 9", pupils: 1, lates: 0 },
    ]);
  });

  it("names the pupils late 3 times or more, with their form and usual day", async () => {
    const response = await head.get(url("/dashboard/punctuality?from=2025-09-01&to=2025-09-12"));
    expect(response.json().lateThreshold).toBe(3);
    expect(response.json().frequentLateArrivers).toEqual([
      {
        pupilId: bilal.id,
        upn: bilal.upn,
        name: "Bilal Pupil",
        form: "8C",
        L: 2,
        U: 1,
        total: 3,
        minutes: 65,
        usualWeekday: "Wednesday",
      },
    ]);
  });

  it("takes another threshold, and the dashboard's periods", async () => {
    const office = await server.as("office");
    const atTwo = await office.get(
      url("/dashboard/punctuality?from=2025-09-01&to=2025-09-12&lateThreshold=2"),
    );
    expect(atTwo.statusCode, atTwo.body).toBe(200);
    expect(
      atTwo
        .json()
        .frequentLateArrivers.map((p: { name: string; minutes: number }) => [p.name, p.minutes]),
    ).toEqual([
      ["Bilal Pupil", 65],
      ["Amelia Pupil", 7],
    ]);
    const secondWeek = await head.get(url("/dashboard/punctuality?from=2025-09-08&to=2025-09-12"));
    expect(secondWeek.json().lates).toEqual({ L: 2, U: 0, total: 2 });
    expect(secondWeek.json().frequentLateArrivers).toEqual([]);
    const halfTerm = await head.get(url("/dashboard/punctuality?period=half_term&date=2025-09-10"));
    expect(halfTerm.json().range).toEqual({ from: "2025-09-01", to: "2025-10-24" });
    expect(halfTerm.json().lates.total).toBe(5);
  });

  it("refuses a threshold outside 2 to 20, and a range with only one end", async () => {
    for (const threshold of ["1", "21", "2.5", "three"]) {
      const response = await head.get(url(`/dashboard/punctuality?lateThreshold=${threshold}`));
      expect(response.statusCode, threshold).toBe(400);
    }
    const halfRange = await head.get(url("/dashboard/punctuality?from=2025-09-01"));
    expect(halfRange.statusCode).toBe(400);
    expect(halfRange.json().error.message).toContain("Give both from and to");
  });

  it("is refused to teachers and parents", async () => {
    for (const person of ["teacher", "parent"] as const) {
      const response = await (await server.as(person)).get(url("/dashboard/punctuality"));
      expect(response.statusCode, person).toBe(403);
    }
  });
});
