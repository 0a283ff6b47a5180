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
let child: { id: number; name: string };
beforeAll(async () => {
  const link = await e2e.school.database.db
    .selectFrom("parent_links as l")
    .innerJoin("users as u", "u.id", "l.user_id")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "l.school_id").onRef("p.id", "=", "l.pupil_id"),
    )
    .select(["p.id", "p.legal_forename", "p.preferred_forename", "p.legal_surname"])
    .where("u.email", "=", "parent@example.com")
    .executeTakeFirstOrThrow();
  child = {
    id: link.id,
    name: `${link.preferred_forename ?? link.legal_forename} ${link.legal_surname}`,
  };
});

const phone = { width: 390, height: 844 };

test("a parent on a phone reports this afternoon's absence, and the office accepts it", async () => {
  const { page, context } = await signIn(e2e.school, "parent@example.com", phone);
  await page.getByRole("heading", { level: 2, name: child.name }).waitFor();
  await page.getByText(/attendance this school year/).waitFor();
  await expectAccessible(page, "parent portal");
  await screenshot(page, "parent-phone");
  const form = page.getByRole("form", { name: "Report an absence" });
  await form.getByLabel("From session").selectOption("PM");
  await form
    .getByLabel("Reason")
    .fill("She has a temperature and is going home poorly at lunchtime");
  await form.getByRole("button", { name: "Send to the school" }).click();
  await page.getByText(`Thank you: the school has ${child.name}'s absence`).waitFor();
  expect(pageProblems(page)).toEqual([]);
  await context.close();

  // The DSL sees the parent's reason on Today but not the office's buttons the server refuses them.
  const dsl = await signIn(e2e.school, "dsl@northfield.example");
  const seen = dsl.page
    .getByRole("heading", { name: "Reasons sent by parents" })
    .locator("xpath=following-sibling::ul[1]")
    .getByRole("listitem")
    .filter({ hasText: "going home poorly" });
  await seen.waitFor();
  await dsl.page.getByRole("link", { name: "Cases", exact: true }).waitFor();
  await expect(seen.getByRole("button", { name: /^Accept as/ }).count()).resolves.toBe(0);
  await dsl.context.close();

  const office = await signIn(e2e.school, "attendance@northfield.example");
  const reports = office.page
    .getByRole("heading", { name: "Reasons sent by parents" })
    .locator("xpath=following-sibling::ul[1]");
  const card = reports.getByRole("listitem").filter({ hasText: "going home poorly" });
  await card.waitFor();
  await card.getByRole("button", { name: /^Accept as I$/ }).click();
  await card.waitFor({ state: "detached" });
  const mark = await e2e.school.database.db
    .selectFrom("session_marks")
    .select("code")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("pupil_id", "=", child.id)
    .where("date", "=", DEMO_TODAY)
    .where("session", "=", "PM")
    .executeTakeFirstOrThrow();
  expect(mark.code).toBe("I");
  expect(pageProblems(office.page)).toEqual([]);
  await office.context.close();
});

test("a parent asks for leave; the head authorises it and the family sees the decision", async () => {
  const { page, context } = await signIn(e2e.school, "parent@example.com", phone);
  const form = page.getByRole("form", { name: "Ask for leave in exceptional circumstances" });
  await form.getByLabel("From", { exact: true }).fill("2026-01-22");
  await form.getByLabel("To", { exact: true }).fill("2026-01-23");
  await form
    .getByLabel("The exceptional circumstances")
    .fill("Her grandfather's funeral in Glasgow on the Thursday.");
  await form.getByRole("button", { name: "Send the request" }).click();
  await page.getByText(/has gone to the head of school/).waitFor();
  await context.close();

  const head = await signIn(e2e.school, "head@northfield.example");
  const request = head.page.getByRole("listitem").filter({ hasText: "grandfather's funeral" });
  await request
    .getByLabel("Reason for the decision (the family is told)")
    .fill("Authorised: a family funeral");
  // The trust policy lists its exceptional circumstances: the head must name the one that applies.
  await request.getByRole("button", { name: "Authorise" }).click();
  await head.page
    .getByText(/Choose which of the policy's exceptional circumstances applies/)
    .waitFor();
  await request
    .getByLabel("Exceptional circumstance (needed to authorise)")
    .selectOption("Other exceptional circumstances at the discretion of the Head of School");
  await request.getByRole("button", { name: "Authorise" }).click();
  await head.page.getByText(/authorised: the registers will show C/).waitFor();
  await head.context.close();

  const planned = await e2e.school.database.db
    .selectFrom("planned_absences")
    .select(["code", "start_date", "end_date"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("pupil_id", "=", child.id)
    .execute();
  expect(planned).toContainEqual({ code: "C", start_date: "2026-01-22", end_date: "2026-01-23" });

  const again = await signIn(e2e.school, "parent@example.com", phone);
  await again.page.getByText("Authorised: a family funeral").waitFor();
  await expect(
    again.page
      .getByRole("listitem")
      .filter({ hasText: "Authorised: a family funeral" })
      .textContent(),
  ).resolves.toMatch(/authorised/);
  await screenshot(again.page, "parent-leave-authorised");
  expect(pageProblems(again.page)).toEqual([]);
  await again.context.close();
});

test("a parent reads the school's attendance policy on a phone and downloads it", async () => {
  const { page, context } = await signIn(e2e.school, "parent@example.com", phone);
  await page.getByRole("link", { name: "Attendance policy" }).click();
  await page.getByRole("heading", { level: 1, name: /^Attendance at / }).waitFor();
  await page.getByRole("heading", { name: "The steps we take when attendance falls" }).waitFor();
  await page.getByRole("heading", { name: "If your child is absent" }).waitFor();
  await expect(page.getByText(/We expect every child to attend at least \d/).count()).resolves.toBe(
    1,
  );
  // Nothing wider than the phone.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, "attendance policy for families");
  await screenshot(page, "parent-policy-phone");
  const href = await page.getByRole("link", { name: "Download as PDF" }).getAttribute("href");
  const pdf = await page.request.get(href ?? "");
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toContain("application/pdf");
  expect(pageProblems(page)).toEqual([]);
  await context.close();

  // Staff check what families are told from the policy editor.
  const head = await signIn(e2e.school, "head@northfield.example");
  await head.page.getByRole("link", { name: "Policy", exact: true }).click();
  await head.page.getByRole("link", { name: "What families read" }).click();
  await head.page.getByRole("heading", { name: "Leave in term time" }).waitFor();
  await head.context.close();
});
