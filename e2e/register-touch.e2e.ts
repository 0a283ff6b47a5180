import { beforeAll, expect, test } from "vitest";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
let form10B: number;
let pupils10B: { id: number; name: string }[];
beforeAll(async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  form10B = (
    await db
      .selectFrom("registration_groups")
      .select("id")
      .where("school_id", "=", schoolId)
      .where("name", "=", "10B")
      .executeTakeFirstOrThrow()
  ).id;
  pupils10B = (
    await db
      .selectFrom("pupils")
      .select(["id", "legal_surname"])
      .where("school_id", "=", schoolId)
      .where("registration_group_id", "=", form10B)
      .where("leaving_date", "is", null)
      .orderBy("legal_surname")
      .orderBy("legal_forename")
      .execute()
  ).map((p) => ({ id: p.id, name: p.legal_surname }));
});

const PHONE = { width: 390, height: 844 };

async function noSidewaysScroll(page: import("playwright-core").Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, "the page scrolls sideways").toBeLessThanOrEqual(client);
}

test("a tutor marks a whole register by touch on a phone, late minutes included", async () => {
  expect(pupils10B).toHaveLength(4);
  const { page, context } = await signIn(e2e.school, "tutor.10b@northfield.example", PHONE, {
    hasTouch: true,
    isMobile: true,
  });
  await page.getByRole("link", { name: "10B AM register (not taken)" }).tap();
  await page.getByRole("heading", { level: 1, name: /10B · AM register/ }).waitFor();
  await page.getByText(/^Tap Present for each pupil/).waitFor();
  await noSidewaysScroll(page);

  const present = page.getByRole("button", { name: /^Present: / });
  const other = page.getByRole("button", { name: /^Other code for / });
  await expect(present.count()).resolves.toBe(4);
  // First pupil: one tap for present.
  await present.nth(0).tap();
  await expect(present.nth(0).getAttribute("aria-pressed")).resolves.toBe("true");
  // Second: the picker, illness among the most-used codes.
  await other.nth(1).tap();
  const picker = page.getByRole("group", { name: /^Codes for / });
  await picker.getByRole("button", { name: /^I Illness/ }).tap();
  await expect(picker.count()).resolves.toBe(0);
  // Third: late, and the minutes are asked for at once (the register opened at 08:40 in the demo).
  await other.nth(2).tap();
  await picker.getByRole("button", { name: /^L Late/ }).tap();
  const minutes = page.getByRole("spinbutton", { name: /^Minutes late for / });
  await expect(minutes.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await minutes.fill("7");
  await screenshot(page, "register-touch-late");
  await page.getByRole("button", { name: "Done" }).tap();
  // Fourth: a code from beyond the most-used ones, found under "All codes".
  await other.nth(3).tap();
  await picker.getByText(/^All codes/).tap();
  await picker.getByRole("button", { name: /^Y1 / }).tap();
  await expect(
    page
      .getByRole("textbox", { name: /^Mark for / })
      .evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value)),
  ).resolves.toEqual(["/", "I", "L", "Y1"]);
  await noSidewaysScroll(page);
  await expectAccessible(page, "register on a phone");
  await screenshot(page, "register-touch-marked");

  await page.getByRole("button", { name: "Save changes" }).tap();
  await page.getByText(/^Saved at/).waitFor();
  const saved = await e2e.school.database.db
    .selectFrom("session_marks")
    .select(["pupil_id", "code", "minutes_late"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("date", "=", DEMO_TODAY)
    .where("session", "=", "AM")
    .where(
      "pupil_id",
      "in",
      pupils10B.map((p) => p.id),
    )
    .execute();
  const byPupil = new Map(saved.map((m) => [m.pupil_id, m]));
  expect(pupils10B.map((p) => byPupil.get(p.id)?.code)).toEqual(["/", "I", "L", "Y1"]);
  expect(byPupil.get(pupils10B[2]?.id as number)?.minutes_late).toBe(7);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the registers page at 360 px offers no weekend registers and never scrolls sideways", async () => {
  const { page, context } = await signIn(e2e.school, "tutor.10b@northfield.example", {
    width: 360,
    height: 740,
  });
  // A tutor lands on My form; the registers page is one link away.
  await page.goto("/registers");
  await page.getByRole("link", { name: /10B AM register/ }).waitFor();
  await noSidewaysScroll(page);
  await page.getByLabel("Day").fill("2026-01-17");
  await page.getByText("The school does not meet at weekends.").waitFor();
  await expect(page.getByRole("link", { name: /register/ }).count()).resolves.toBe(0);
  await page.getByRole("button", { name: /^Next school day/ }).click();
  await page.getByRole("link", { name: "10B AM register (not taken)" }).waitFor();
  await expect(page.getByLabel("Day").inputValue()).resolves.toBe("2026-01-19");
  await expectAccessible(page, "registers on a weekend");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("on a tablet held upright the register shows the touch layout and fits the screen", async () => {
  const { page, context } = await signIn(
    e2e.school,
    "tutor.10b@northfield.example",
    { width: 820, height: 1180 },
    { hasTouch: true, isMobile: true },
  );
  await page.goto(`/registers/${form10B}/2026-01-13/PM`);
  await page.getByRole("heading", { level: 1, name: /10B · PM register/ }).waitFor();
  await page.getByText(/^Tap Present for each pupil/).waitFor();
  await noSidewaysScroll(page);
  await screenshot(page, "register-tablet");
  await context.close();
});

test("a pupil is found from the page header by name or form, on a phone too", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example", PHONE, {
    hasTouch: true,
    isMobile: true,
  });
  // Signed in, the office is taken on to Today; leaving a page clears the search, so type there.
  await page.waitForURL((u) => u.pathname === "/today");
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  const search = page.getByRole("searchbox", { name: "Find a pupil" });
  await search.fill("10b");
  const found = page.getByRole("list", { name: "Pupils found" }).getByRole("link");
  await expect(
    found
      .first()
      .waitFor()
      .then(() => found.count()),
  ).resolves.toBe(4);
  await noSidewaysScroll(page);
  const surname = pupils10B[1]?.name as string;
  await search.fill(surname);
  const link = page.getByRole("list", { name: "Pupils found" }).getByRole("link", {
    name: new RegExp(surname),
  });
  await link.first().waitFor();
  await expectAccessible(page, "pupil search results");
  await link.first().tap();
  await page.waitForURL(/\/pupils\/\d+$/);
  await page.getByRole("heading", { level: 1, name: new RegExp(surname) }).waitFor();
  await expect(search.inputValue()).resolves.toBe("");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
