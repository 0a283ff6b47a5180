import { beforeAll, expect, test } from "vitest";
import { contactCheck } from "../src/app/follow-up/contact-check.ts";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
let form9D: number;
let pupils9D: { id: number; name: string }[];
beforeAll(async () => {
  const { db } = e2e.school.database;
  form9D = (
    await db
      .selectFrom("registration_groups")
      .select("id")
      .where("school_id", "=", e2e.school.demo.school.id)
      .where("name", "=", "9D")
      .executeTakeFirstOrThrow()
  ).id;
  pupils9D = (
    await db
      .selectFrom("pupils")
      .select(["id", "legal_surname"])
      .where("school_id", "=", e2e.school.demo.school.id)
      .where("registration_group_id", "=", form9D)
      .where("leaving_date", "is", null)
      .orderBy("legal_surname")
      .orderBy("legal_forename")
      .execute()
  ).map((p) => ({ id: p.id, name: p.legal_surname }));
});

async function marksOf(date: string, session: "AM" | "PM"): Promise<Map<number, string>> {
  const rows = await e2e.school.database.db
    .selectFrom("session_marks")
    .select(["pupil_id", "code"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("date", "=", date)
    .where("session", "=", session)
    .where(
      "pupil_id",
      "in",
      pupils9D.map((p) => p.id),
    )
    .execute();
  return new Map(rows.map((r) => [r.pupil_id, r.code]));
}

test("a tutor takes the morning register from the keyboard, and a flaky connection loses nothing", async () => {
  expect(pupils9D).toHaveLength(4);
  expect(await marksOf(DEMO_TODAY, "AM")).toEqual(new Map());
  const { page, context } = await signIn(e2e.school, "tutor.9d@northfield.example");
  await page.getByRole("link", { name: "9D AM register (not taken)" }).click();
  await page.getByRole("heading", { level: 1, name: /9D · AM register/ }).waitFor();
  await expectAccessible(page, "register");
  const boxes = page.getByRole("textbox", { name: /^Mark for / });
  await expect(boxes.count()).resolves.toBe(pupils9D.length);
  // First pupil: no reason yet (N); the next one arrives late (L, timed now); focus moves on by itself.
  await boxes.first().focus();
  await page.keyboard.press("n");
  await page.keyboard.press("l");
  await expect(boxes.nth(0).inputValue()).resolves.toBe("N");
  await expect(boxes.nth(1).inputValue()).resolves.toBe("L");
  await screenshot(page, "register-marking");
  await page.getByRole("button", { name: "Mark everyone else present and save" }).click();
  await page.getByText(/^Saved at/).waitFor();
  const saved = await marksOf(DEMO_TODAY, "AM");
  expect([...saved.values()].sort()).toEqual(["/", "/", "L", "N"]);
  expect(saved.get(pupils9D[0]?.id as number)).toBe("N");

  // The connection drops while saving a change: the page says it will retry and keeps the mark.
  await context.setOffline(true);
  await boxes.nth(2).focus();
  await page.keyboard.press("m");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText(/Trying again in 2 seconds/).waitFor();
  await screenshot(page, "register-offline-retrying");
  await context.setOffline(false);
  await page.getByText(/^Saved at/).waitFor({ timeout: 15_000 });
  expect((await marksOf(DEMO_TODAY, "AM")).get(pupils9D[2]?.id as number)).toBe("M");

  // The server is past capacity and answers 503 with Retry-After: the page says so, waits that
  // long and saves by itself.
  const registerSave = "**/api/schools/*/registers/**";
  await page.route(registerSave, (route) =>
    route.request().method() === "PUT"
      ? route.fulfill({
          status: 503,
          headers: { "retry-after": "3" },
          contentType: "application/json",
          body: JSON.stringify({
            error: {
              code: "overloaded",
              message: "The server is busy; nothing was saved. Try again in 3 seconds.",
            },
          }),
        })
      : route.continue(),
  );
  await boxes.nth(3).focus();
  await page.keyboard.press("i");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText(/The server is busy.*Trying again in [34] seconds/).waitFor();
  await screenshot(page, "register-busy-retrying");
  await page.unroute(registerSave);
  await page.getByText(/^Saved at/).waitFor({ timeout: 15_000 });
  expect((await marksOf(DEMO_TODAY, "AM")).get(pupils9D[3]?.id as number)).toBe("I");

  await page.reload();
  await expect(
    page
      .getByRole("textbox", { name: /^Mark for / })
      .nth(2)
      .inputValue(),
  ).resolves.toBe("M");
  expect(
    pageProblems(page).filter(
      (p) => !p.includes("ERR_INTERNET_DISCONNECTED") && !p.includes("503"),
    ),
  ).toEqual([]);
  await context.close();
});

test("the office amends yesterday's mark with a reason, and the pupil's history keeps both", async () => {
  const yesterday = "2026-01-13";
  const pupil = pupils9D[3] as { id: number; name: string };
  const before = (await marksOf(yesterday, "AM")).get(pupil.id);
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto(`/registers/${form9D}/${yesterday}/AM`);
  await page.getByText(/Closed: changes are amendments/).waitFor();
  await page
    .getByRole("textbox", { name: /^Mark for / })
    .nth(3)
    .focus();
  await page.keyboard.press("m");
  await page.getByLabel("Reason for the changes").fill("Dentist's appointment card seen");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText(/^Saved at/).waitFor();
  expect((await marksOf(yesterday, "AM")).get(pupil.id)).toBe("M");

  await page.goto(`/pupils/${pupil.id}`);
  const amendments = page.getByRole("table", { name: "Changes to recorded marks" });
  const row = amendments.getByRole("row", { name: /Dentist's appointment card seen/ });
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain(`${yesterday} AM${before}M`);
  // Each code says what it means, and the headline figure shows the sessions it comes from.
  const byCode = page.getByRole("table", { name: "Sessions by code" });
  await byCode.getByRole("row", { name: /^M Medical or dental appointment/ }).waitFor();
  await page.getByText(/^\d+ of \d+ possible sessions attended$/).waitFor();
  // The demo gives this family one contact: the office sees it on the pupil's page too.
  const check = await contactCheck(
    e2e.school.database.db,
    e2e.school.demo.school.id,
    DEMO_TODAY,
    2,
  );
  const mine = check.pupils.find((p) => p.pupilId === pupil.id);
  expect(mine?.reasons).toEqual(["Only one contact recorded"]);
  await page.getByText("Contact details to put right: Only one contact recorded.").waitFor();
  await screenshot(page, "pupil-profile-after-amendment");
  await expectAccessible(page, "pupil profile");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
