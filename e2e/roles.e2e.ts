import { describe, expect, test } from "vitest";
import { contactCheck } from "../src/app/follow-up/contact-check.ts";
import { refreshQueuedSnapshots } from "../src/app/oversight/snapshots.ts";
import { londonInstant } from "../src/domain/dates.ts";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

const ROLES = [
  {
    who: "head",
    email: "head@northfield.example",
    lands: "/today",
    heading: /^Today/,
    sees: ["Dashboard", "Letters", "Policy"],
  },
  {
    who: "attendance officer",
    email: "attendance@northfield.example",
    lands: "/today",
    heading: /^Today/,
    sees: ["My actions", "Cases", "Letters"],
  },
  {
    who: "DSL",
    email: "dsl@northfield.example",
    lands: "/today",
    heading: /^Today/,
    sees: ["Cases", "Dashboard"],
  },
  {
    who: "form tutor",
    email: "tutor.9c@northfield.example",
    lands: "/my-form",
    heading: /My form/,
    sees: ["My form", "Registers", "Pupils"],
    hidden: ["Dashboard", "Cases", "Letters"],
  },
  {
    who: "trust officer",
    email: "trust@riverside.example",
    lands: "/oversight",
    heading: /Schools overview/,
    sees: ["Schools", "Dashboard", "Policy"],
    hidden: ["Cases", "Letters"],
  },
  {
    who: "local-authority officer",
    email: "la@leeds.example",
    lands: "/oversight",
    heading: /Schools overview/,
    sees: ["Schools", "Dashboard"],
    hidden: ["Cases", "Letters"],
  },
  {
    who: "parent",
    email: "parent@example.com",
    lands: "/parent",
    heading: /My children/,
    sees: ["My children"],
    hidden: ["Registers", "Dashboard", "Pupils"],
  },
  {
    who: "administrator",
    email: "admin@rollbook.example",
    lands: "/today",
    heading: /^Today/,
    sees: ["Letters", "Policy"],
  },
];

describe("each role signs in to its own start page", () => {
  for (const role of ROLES) {
    test(`${role.who}`, async () => {
      const { page, context } = await signIn(e2e.school, role.email);
      await page.waitForURL((u) => u.pathname === role.lands);
      await page.getByRole("heading", { level: 1, name: role.heading }).waitFor();
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const item of role.sees)
        await expect(nav.getByRole("link", { name: item, exact: true }).count()).resolves.toBe(1);
      for (const item of role.hidden ?? [])
        await expect(nav.getByRole("link", { name: item, exact: true }).count()).resolves.toBe(0);
      await page.waitForLoadState("networkidle");
      await screenshot(page, `start-${role.who.replaceAll(" ", "-")}`);
      await expectAccessible(page, `${role.who} start page`);
      expect(pageProblems(page)).toEqual([]);
      await context.close();
    });
  }
});

test("a teacher sees only their own form, and another form's register is refused plainly", async () => {
  const { page, context } = await signIn(e2e.school, "tutor.9c@northfield.example");
  await page.goto("/registers");
  await page.getByRole("heading", { level: 1, name: /Registers/ }).waitFor();
  await page.getByRole("heading", { level: 2 }).first().waitFor();
  const forms = await page.getByRole("heading", { level: 2 }).allTextContents();
  expect(forms).toEqual(["9C"]);
  const other = await e2e.school.database.db
    .selectFrom("registration_groups")
    .select("id")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("name", "=", "9D")
    .executeTakeFirstOrThrow();
  await page.goto(`/registers/${other.id}/${DEMO_TODAY}/AM`);
  await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not|only|own/i);
  await screenshot(page, "teacher-refused-other-form");
  await context.close();
});

test("pages are keyboard operable and pass axe for the head", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  for (const [path, heading] of [
    ["/dashboard", /dashboard/i],
    ["/pupils", /Pupils/],
    ["/worklist", /My actions/],
    ["/cases", /cases/i],
    ["/letters", /Letters/],
    ["/policy", /policy/i],
    ["/registers", /Registers/],
  ] as const) {
    await page.goto(path);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await page.waitForLoadState("networkidle");
    await expectAccessible(page, path);
    await screenshot(page, `head${path.replaceAll("/", "-")}`);
  }
  // The skip link is the first stop for the keyboard and takes focus to the content.
  await page.goto("/today");
  await page.getByRole("heading", { level: 1, name: /^Today/ }).waitFor();
  await page.keyboard.press("Tab");
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
    "Skip to content",
  );
  await page.keyboard.press("Enter");
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("main");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the local authority reads its schools, the conversation list and a pupil across schools", async () => {
  // The scheduler's recount, as under `npm start`: the overview itself never counts a school.
  await refreshQueuedSnapshots(
    e2e.school.database.db,
    DEMO_TODAY,
    londonInstant(DEMO_TODAY, "08:55"),
  );
  const { page, context } = await signIn(e2e.school, "la@leeds.example");
  await page
    .getByRole("table", { name: "Schools, year to date" })
    .getByRole("button", { name: "Northfield Academy" })
    .waitFor();
  await page.getByRole("button", { name: "Against DfE" }).click();
  const secondary = page.getByRole("table", { name: "Secondary schools against DfE's figures" });
  await secondary.waitFor();
  await expect(secondary.locator("tbody tr").allTextContents()).resolves.toEqual([
    expect.stringMatching(/^1 secondary school/),
    expect.stringMatching(/^Leeds \(local authority\)/),
    expect.stringMatching(/^England/),
  ]);
  await expectAccessible(page, "against DfE");
  await screenshot(page, "la-against-dfe");
  await page.getByRole("button", { name: "Conversation list" }).click();
  // Counts per school first; a school's pupils are fetched, a page at a time, when opened.
  await page.getByRole("button", { name: "Pupils to discuss at Northfield Academy" }).click();
  const list = page.getByRole("table", { name: /^Pupils to discuss at Northfield Academy, 1 to / });
  await list.waitFor();
  await expect(list.locator("tbody tr").count()).resolves.toBeGreaterThan(0);
  await expectAccessible(page, "conversation list");
  await screenshot(page, "la-conversation-list");
  await page.getByRole("button", { name: "Find a pupil" }).click();
  const firstUpn = await e2e.school.database.db
    .selectFrom("pupils")
    .select("upn")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("leaving_date", "is", null)
    .executeTakeFirstOrThrow();
  await page.getByLabel("UPN").fill(firstUpn.upn);
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByText(/1 enrolment\(s\); together/).waitFor();
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the attendance officer sees on Today which pupils lack two working contacts", async () => {
  // About one family in five in the demo gives a single contact; a few emails bounced and a few
  // numbers turned out wrong.
  const expected = await contactCheck(
    e2e.school.database.db,
    e2e.school.demo.school.id,
    DEMO_TODAY,
    2,
  );
  expect(expected.pupils.length).toBeGreaterThan(10);
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.getByRole("heading", { level: 2, name: "Contact details to check" }).waitFor();
  await page
    .getByText(`${expected.belowMinimum} of ${expected.pupilsOnRoll} pupils on roll`)
    .waitFor();
  const table = page.getByRole("table", { name: "Contact details to put right" });
  const rows = table.locator("tbody tr");
  await expect(rows.count()).resolves.toBe(10);
  const first = expected.pupils[0] as (typeof expected.pupils)[number];
  await expect(rows.first().textContent()).resolves.toContain(first.reasons[0]);
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "Today with the contact check");
  await page.getByRole("button", { name: `Show all ${expected.pupils.length}` }).click();
  await rows.nth(expected.pupils.length - 1).waitFor();
  await expect(rows.count()).resolves.toBe(expected.pupils.length);
  await table
    .getByText(/wrong number on/)
    .first()
    .waitFor();
  await table
    .getByText(/failed on .*still reachable by phone/)
    .first()
    .waitFor();
  await screenshot(page, "today-contact-check");
  await table.getByRole("link", { name: first.name }).first().click();
  await page.waitForURL((u) => u.pathname === `/pupils/${first.pupilId}`);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
