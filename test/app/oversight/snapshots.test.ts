import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRange } from "../../../src/app/attendance-statistics.ts";
import { schoolDashboard } from "../../../src/app/dashboard.ts";
import { conversationList } from "../../../src/app/oversight/overview.ts";
import {
  FLAG_BELOW_PERCENT,
  refreshQueuedSnapshots,
  storedSnapshots,
} from "../../../src/app/oversight/snapshots.ts";
import type { Database } from "../../../src/db/database.ts";
import { loadCalendar } from "../../../src/db/repositories/calendar.ts";
import { ensureGroups } from "../../../src/db/repositories/pupils.ts";
import type { Pupil, School } from "../../../src/db/schema.ts";
import { londonInstant } from "../../../src/domain/dates.ts";
import { daysOf, writeAttendance } from "../../support/attendance.ts";
import { testDatabase } from "../../support/database.ts";
import { aSchoolWithPupils } from "../../support/school.ts";

const today = "2025-10-10";
let database: Database;
let school: School;
let pupils: Pupil[];

beforeAll(async () => {
  database = await testDatabase();
  ({ school, pupils } = await aSchoolWithPupils(database.db, 12));
  const { db } = database;
  // Two year groups, and one pupil below compulsory school age (never PA or SA, still counted).
  const groups = await ensureGroups(db, school.id, [
    { yearGroup: "Year 9", registrationGroup: "9A" },
  ]);
  await db
    .updateTable("pupils")
    .set({
      year_group_id: groups.yearGroups.get("Year 9") ?? null,
      registration_group_id: groups.registrationGroups.get("9A") ?? null,
    })
    .where(
      "id",
      "in",
      pupils.slice(8).map((p) => p.id),
    )
    .execute();
  await db
    .updateTable("pupils")
    .set({ date_of_birth: "2021-06-01" })
    .where("id", "=", (pupils[11] as Pupil).id)
    .execute();
});
afterAll(async () => {
  await database?.close();
});

/** The school's figures counted from scratch, as its own dashboard counts them. */
async function fromScratch() {
  const range = resolveRange(
    await loadCalendar(database.db, school.id),
    { kind: "year_to_date" },
    today,
  );
  const dashboard = await schoolDashboard(database.db, school.id, range);
  return {
    overall: dashboard.overall,
    byYearGroup: dashboard.byYearGroup,
    flagged: dashboard.pupils
      .filter((p) => p.absence * 100 > (100 - FLAG_BELOW_PERCENT) * p.possible)
      .map((p) => ({
        pupil_id: p.pupilId,
        possible: p.possible,
        absence: p.absence,
        unauthorised: p.unauthorised,
        persistently_absent: p.persistentlyAbsent,
        severely_absent: p.severelyAbsent,
      }))
      .sort((a, b) => a.pupil_id - b.pupil_id),
  };
}

async function stored() {
  const { db } = database;
  const row = await db
    .selectFrom("school_snapshots")
    .select(["overall", "by_year_group"])
    .where("school_id", "=", school.id)
    .executeTakeFirstOrThrow();
  const flagged = await db
    .selectFrom("snapshot_pupils")
    .select([
      "pupil_id",
      "possible",
      "absence",
      "unauthorised",
      "persistently_absent",
      "severely_absent",
    ])
    .where("school_id", "=", school.id)
    .orderBy("pupil_id")
    .execute();
  return { overall: row.overall, byYearGroup: row.by_year_group, flagged };
}

describe("overview figures drained from the queue", () => {
  it("equal a from-scratch count after marks are written, and again after they are amended", async () => {
    const { db } = database;
    // A spread of absence: none, a little, persistent, severe; illness and no reason.
    for (const [i, pupil] of pupils.entries())
      await writeAttendance(
        db,
        school.id,
        pupil.id,
        "2025-09-03",
        "2025-10-03",
        daysOf("2025-09-03", [0, 1, 3, 6, 12][i % 5] as number, i % 2 ? "I" : "N"),
      );
    const first = await refreshQueuedSnapshots(db, today, londonInstant(today, "09:00"));
    expect(first.refreshed.map((r) => [r.schoolId, r.why])).toEqual([[school.id, "marked"]]);
    const expected = await fromScratch();
    expect(expected.flagged.length).toBeGreaterThan(3);
    expect(expected.overall.persistentAbsentees).toBeGreaterThan(0);
    expect(expected.overall.severeAbsentees).toBeGreaterThan(0);
    expect(await stored()).toEqual(expected);

    // Amendments and a new week: queued by the save, shown stale, then recounted exactly.
    for (const pupil of pupils.slice(0, 5))
      await writeAttendance(
        db,
        school.id,
        pupil.id,
        "2025-09-29",
        "2025-10-10",
        daysOf("2025-09-29", 4, "U"),
      );
    const [stale] = await storedSnapshots(db, [school.id], today);
    expect(stale?.freshness).toBe("stale");
    expect(stale?.overall).toEqual(expected.overall);
    await refreshQueuedSnapshots(db, today, londonInstant(today, "09:05"));
    const again = await fromScratch();
    expect(again.overall.possible).toBeGreaterThan(expected.overall.possible);
    expect(await stored()).toEqual(again);
    const [current] = await storedSnapshots(db, [school.id], today);
    expect(current).toMatchObject({ freshness: "current", overall: again.overall });

    // The conversation list's counts are the flagged pupils' concerns, counted in the database.
    const [listed] = await conversationList(db, [school.id], today, 92);
    const below92 = again.flagged.filter(
      (p) => !p.severely_absent && !p.persistently_absent && p.absence * 100 > 8 * p.possible,
    );
    expect(listed?.counts).toEqual({
      severelyAbsent: again.flagged.filter((p) => p.severely_absent).length,
      persistentlyAbsent: again.flagged.filter((p) => !p.severely_absent && p.persistently_absent)
        .length,
      atRisk: below92.length,
    });
  });
});
