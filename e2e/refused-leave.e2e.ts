import { beforeAll, expect, test } from "vitest";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

/**
 * The head refused leave for one of 9D's pupils over today; the tutor's register suggests G for
 * that pupil, "Mark everyone else present" leaves them for the tutor, and the tutor chooses G.
 */
const e2e = demoSchoolForThisFile();
let pupils9D: { id: number; name: string }[];
let away: { id: number; name: string };

beforeAll(async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const form = await db
    .selectFrom("registration_groups")
    .select("id")
    .where("school_id", "=", schoolId)
    .where("name", "=", "9D")
    .executeTakeFirstOrThrow();
  pupils9D = (
    await db
      .selectFrom("pupils")
      .select(["id", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"])
      .where("school_id", "=", schoolId)
      .where("registration_group_id", "=", form.id)
      .where("leaving_date", "is", null)
      .orderBy("legal_surname")
      .orderBy("legal_forename")
      .execute()
  ).map((p) => ({
    id: p.id,
    name: `${p.preferred_forename ?? p.legal_forename} ${p.preferred_surname ?? p.legal_surname}`,
  }));
  away = pupils9D[1] as { id: number; name: string };
  await db
    .insertInto("leave_requests")
    .values({
      school_id: schoolId,
      pupil_id: away.id,
      from_date: DEMO_TODAY,
      from_session: "AM",
      to_date: DEMO_TODAY,
      to_session: "PM",
      reason: "A week skiing",
      requested_by: "A parent",
      requested_at: new Date("2026-01-05T10:00:00Z"),
      status: "refused",
      decided_by: "Mrs A. Head (head)",
      decided_at: new Date("2026-01-06T10:00:00Z"),
      decision_reason: "A holiday is not an exceptional circumstance",
    })
    .execute();
});

async function marksToday(): Promise<Map<number, string>> {
  const rows = await e2e.school.database.db
    .selectFrom("session_marks")
    .select(["pupil_id", "code"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("date", "=", DEMO_TODAY)
    .where("session", "=", "AM")
    .where(
      "pupil_id",
      "in",
      pupils9D.map((p) => p.id),
    )
    .execute();
  return new Map(rows.map((r) => [r.pupil_id, r.code]));
}

test("the register suggests G for refused leave and leaves the pupil for the tutor to mark", async () => {
  expect(pupils9D.length).toBeGreaterThan(1);
  const { page } = await signIn(e2e.school, "tutor.9d@northfield.example");
  await page.getByRole("link", { name: "9D AM register (not taken)" }).click();
  await page.getByRole("heading", { level: 1, name: /9D · AM register/ }).waitFor();
  await page.getByText("Suggested G.").waitFor();
  await page
    .getByText(/was refused by Mrs A\. Head \(head\): A holiday is not an exceptional/)
    .waitFor();
  await expect(page.getByText(/was refused/).count()).resolves.toBe(1);
  await expectAccessible(page, "register with refused leave");
  await screenshot(page, "register-refused-leave");

  await page.getByRole("button", { name: "Mark everyone else present and save" }).click();
  await page.getByText(/^Saved at/).waitFor();
  const saved = await marksToday();
  expect(saved.has(away.id)).toBe(false);
  expect(saved.size).toBe(pupils9D.length - 1);
  expect([...saved.values()].every((code) => code === "/")).toBe(true);
  await page.getByText(`Refused leave: ${away.name} is not marked present`).waitFor();

  await page.getByRole("button", { name: `Mark G for ${away.name}` }).click();
  await expect(
    page.getByRole("textbox", { name: `Mark for ${away.name}` }).inputValue(),
  ).resolves.toBe("G");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText(/^Saved at/).waitFor();
  expect((await marksToday()).get(away.id)).toBe("G");
  await expectAccessible(page, "register after marking G");
  expect(pageProblems(page)).toEqual([]);
});
