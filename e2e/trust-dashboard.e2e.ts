import { expect, test } from "vitest";
import { TYPICAL_TERM_DATES } from "../src/app/demo/term-dates.ts";
import { refreshQueuedSnapshots } from "../src/app/oversight/snapshots.ts";
import { saveAcademicYear } from "../src/db/repositories/calendar.ts";
import { type MarkToRecord, recordMarks } from "../src/db/repositories/marks.ts";
import type { AcademicYearCalendar } from "../src/domain/calendar.ts";
import { londonInstant } from "../src/domain/dates.ts";
import { formatPercent } from "../src/domain/percent.ts";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile({ trust: true });
const PHONE = { width: 390, height: 844 };
const TOUCH = { hasTouch: true, isMobile: true };

test("the sign-in page lists the trust's schools' heads and the trust and LA officers", async () => {
  const context = await e2e.school.browser.newContext({ baseURL: e2e.school.url });
  const page = await context.newPage();
  await page.goto("/login");
  const panel = page.getByRole("region", { name: "Demo accounts" });
  await panel.getByText("head@riverside-primary.example").waitFor();
  const text = await panel.textContent();
  for (const expected of [
    "Riverside Primary School",
    "Brook House School",
    "trust@riverside.example",
    "la@leeds.example",
  ])
    expect(text).toContain(expected);
  await context.close();
});

test("the trust officer sees three schools side by side, the conversation list and the pupil who moved", async () => {
  // The scheduler's recount, as under `npm start`: the overview itself never counts a school.
  await refreshQueuedSnapshots(
    e2e.school.database.db,
    DEMO_TODAY,
    londonInstant(DEMO_TODAY, "08:55"),
  );
  for (const [viewport, device, name] of [
    [undefined, {}, "desktop"],
    [PHONE, TOUCH, "phone"],
  ] as const) {
    const { page, context } = await signIn(e2e.school, "trust@riverside.example", viewport, device);
    await page.waitForURL((u) => u.pathname === "/oversight");
    const table = page.getByRole("table", { name: "Schools, year to date" });
    await table.getByRole("button", { name: "Brook House School" }).waitFor();
    const rows = await table.locator("tbody tr").allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.join(" ")).toMatch(/Riverside Primary School.*primary/);
    expect(rows.every((r) => /As of \d\d:\d\d/.test(r))).toBe(true);
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, `/oversight (${name})`);
    await screenshot(page, `trust-schools-${name}`);

    await page.getByRole("button", { name: "Conversation list" }).click();
    await page.getByRole("heading", { level: 3, name: /^Northfield Academy:/ }).waitFor();
    expect(await page.getByRole("heading", { level: 3 }).count()).toBe(3);
    // Counts come first; a school's pupils are fetched, a page at a time, when opened.
    expect(await page.getByRole("table", { name: /^Pupils to discuss at/ }).count()).toBe(0);
    await page.getByRole("button", { name: "Pupils to discuss at Northfield Academy" }).click();
    const pupils = page.getByRole("table", {
      name: /^Pupils to discuss at Northfield Academy, 1 to /,
    });
    await pupils.waitFor();
    const listed = await pupils.locator("tbody tr").count();
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThanOrEqual(25);
    await expectAccessible(page, `/oversight conversation list (${name})`);
    await screenshot(page, `trust-conversation-${name}`);

    await page.getByRole("button", { name: "Find a pupil" }).click();
    await page.getByLabel("UPN").fill(e2e.school.trust?.mover?.upn ?? "");
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.getByText(/2 enrolment\(s\)/).waitFor();
    const enrolments = await page.locator("ol > li").allTextContents();
    expect(enrolments.join(" ")).toMatch(/Northfield Academy.*Brook House School/);
    await expectAccessible(page, `/oversight find a pupil (${name})`);
    await screenshot(page, `trust-pupil-across-schools-${name}`);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  }
});

/**
 * Last year's registers for today's Year 9 (last year's Year 8), two days in September 2024, one
 * pupil away without a reason on one of them: the demo itself starts in September 2025.
 */
async function lastYearForYear9(): Promise<{ possible: number; attended: number }> {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const shifted = JSON.parse(
    JSON.stringify(TYPICAL_TERM_DATES[0]).replaceAll("2025-", "2024-").replaceAll("2026-", "2025-"),
  ) as AcademicYearCalendar;
  await saveAcademicYear(db, schoolId, { ...shifted, startYear: 2024 });
  const year9 = await db
    .selectFrom("pupils as p")
    .innerJoin("year_groups as y", "y.id", "p.year_group_id")
    .select("p.id")
    .where("p.school_id", "=", schoolId)
    .where("y.name", "=", "Year 9")
    .where("p.admission_date", "<=", "2024-09-04")
    .orderBy("p.id")
    .execute();
  const marks: MarkToRecord[] = year9.flatMap((p, i) =>
    ["2024-09-04", "2024-09-05"].flatMap((date) =>
      (["AM", "PM"] as const).map((session) => ({
        pupilId: p.id,
        date,
        session,
        code: i === 0 && date === "2024-09-05" ? "O" : session === "AM" ? "/" : "\\",
        minutesLate: null,
      })),
    ),
  );
  await recordMarks(db, schoolId, marks, {
    by: "Office",
    source: "register",
    reason: null,
    at: londonInstant("2024-09-05", "16:00"),
  });
  return { possible: marks.length, attended: marks.length - 2 };
}

test("the head drills down from a dashboard figure to the pupils behind it", async () => {
  const lastYear = await lastYearForYear9();
  for (const [viewport, device, name] of [
    [undefined, {}, "desktop"],
    [PHONE, TOUCH, "phone"],
  ] as const) {
    const { page, context } = await signIn(e2e.school, "head@northfield.example", viewport, device);
    await page.goto("/dashboard");
    await page.getByRole("heading", { level: 1, name: /dashboard/i }).waitFor();
    await page
      .getByText(/last year at this date/)
      .first()
      .waitFor();
    // Year 8 against last year's Year 8 (today's Year 9), from the exact counts.
    const byYear = page.getByRole("table", { name: "By year group" });
    const year8 = byYear.getByRole("row").filter({ hasText: /^Year 8/ });
    const expected = `${formatPercent({ numerator: lastYear.attended, denominator: lastYear.possible })}%`;
    await year8.getByRole("cell", { name: expected, exact: true }).waitFor();
    const header = await byYear.getByRole("columnheader").allTextContents();
    expect(header.join("|")).toContain("Attendance last year at this date");
    expect(await year8.getByRole("cell").last().textContent()).toMatch(/^[+−]\d+\.\d$/);
    // No year group had registers last year but Year 8: the others say so.
    const year10 = byYear.getByRole("row").filter({ hasText: /^Year 10/ });
    expect(await year10.getByRole("cell").last().textContent()).toBe("–");
    await page.getByRole("button", { name: "Pupils behind attendance" }).click();
    const drill = page.getByRole("region", { name: /^Pupils behind: attendance/ });
    await drill.waitFor();
    const everyone = await drill.getByRole("link").count();
    expect(everyone).toBeGreaterThan(50);
    // A year group's pupils: the list's sums are that row's figures.
    await page
      .getByRole("table", { name: "By year group" })
      .getByRole("button", { name: "Year 9" })
      .click();
    const year9 = page.getByRole("region", { name: /^Pupils behind: Year 9/ });
    await year9.waitFor();
    const listed = await year9.getByRole("link").count();
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(everyone);
    // A bar of the weekday chart: the pupils behind Wednesday's absence, their sums the bar's.
    const chartLabel = await page
      .getByRole("img", { name: /^Absence by weekday:/ })
      .getAttribute("aria-label");
    const barPercent = /Wednesday (\d+\.\d)%/.exec(chartLabel ?? "")?.[1];
    expect(barPercent).toBeDefined();
    await page.getByRole("button", { name: "Pupils behind absence on Wednesdays" }).click();
    const wednesdays = page.getByRole("region", {
      name: /^Pupils behind: absence on Wednesdays, this year to date/,
    });
    await wednesdays.waitFor();
    const sums = /(\d+) of (\d+) possible sessions? missed/.exec(
      (await wednesdays.locator("p").first().textContent()) ?? "",
    );
    expect(sums).not.toBeNull();
    const [missed, possible] = [Number(sums?.[1]), Number(sums?.[2])];
    expect(possible).toBeGreaterThan(0);
    expect(((missed * 100) / possible).toFixed(1)).toBe(barPercent);
    expect(await wednesdays.getByRole("link").count()).toBeGreaterThan(0);
    // Punctuality's late sessions: the pupils behind them add up to the tile's figure.
    const lateTile = page.locator(".tile").filter({ hasText: "Pupils behind late sessions" });
    const lateFigure = Number(
      ((await lateTile.locator(".figure").textContent()) ?? "").replaceAll(",", ""),
    );
    expect(lateFigure).toBeGreaterThan(0);
    await lateTile.getByRole("button", { name: "Pupils behind late sessions" }).click();
    const lateDrill = page.getByRole("region", {
      name: /^Pupils behind: late sessions, this year to date/,
    });
    await lateDrill.waitFor();
    const lateSum = /; ([\d,]+) late sessions?\./.exec(
      (await lateDrill.locator("p").first().textContent()) ?? "",
    )?.[1];
    expect(Number(lateSum?.replaceAll(",", ""))).toBe(lateFigure);
    // A week of the week-by-week chart, chosen from the list beside it.
    const weeks = page.getByLabel("Pupils behind the week of");
    const firstWeek = await weeks.locator("option").nth(1).getAttribute("value");
    await weeks.selectOption(firstWeek ?? "");
    const week = page.getByRole("region", { name: `Pupils behind: the week of ${firstWeek}` });
    await week.waitFor();
    expect(await week.getByRole("link").count()).toBeGreaterThan(0);
    await page
      .getByRole("table", { name: "By year group" })
      .getByRole("button", { name: "Year 9" })
      .click();
    await year9.waitFor();
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, `/dashboard drill-down (${name})`);
    await screenshot(page, `dashboard-drill-down-${name}`);
    await year9.getByRole("link").first().click();
    await page.waitForURL((u) => /^\/pupils\/\d+$/.test(u.pathname));
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  }
});

test("a form tutor lands on their own form: registers, absences, the year and whom to chase", async () => {
  for (const [viewport, device, name] of [
    [undefined, {}, "desktop"],
    [PHONE, TOUCH, "phone"],
  ] as const) {
    const { page, context } = await signIn(
      e2e.school,
      "tutor.9c@northfield.example",
      viewport,
      device,
    );
    await page.waitForURL((u) => u.pathname === "/my-form");
    await page.getByRole("heading", { level: 1, name: "My form" }).waitFor();
    await page.getByRole("heading", { level: 2, name: /^9C, / }).waitFor();
    await page.getByRole("link", { name: "AM register" }).waitFor();
    await page.getByRole("table", { name: /^To chase/ }).waitFor();
    await page.getByRole("table", { name: /^Persistently absent in 9C/ }).waitFor();
    expect(await page.getByText("attendance this year to date").count()).toBe(1);
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, `/my-form (${name})`);
    await screenshot(page, `my-form-${name}`);
    await page.getByRole("link", { name: "AM register" }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/registers/"));
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  }
});
