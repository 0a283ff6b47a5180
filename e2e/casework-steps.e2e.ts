import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
/** The pupil the call card test calls about: the later tests open a case for them. */
let calledPupil = 0;
/** Their case, opened by the efforts test. */
let calledCase = 0;

/** Opens a case the way the office does by hand: through the API with the session's CSRF token. */
async function openCaseFor(page: Page, schoolId: number, pupilId: number): Promise<number> {
  const policy = (await (await page.request.get(`/api/schools/${schoolId}/policy`)).json()) as {
    policy: { stages: { id: string }[] };
  };
  const csrf = await page.evaluate(() =>
    fetch("/api/auth/session").then((r) => r.json() as Promise<{ csrfToken?: string }>),
  );
  const opened = await page.request.post(`/api/schools/${schoolId}/cases`, {
    data: { pupilId, stageId: policy.policy.stages[0]?.id },
    headers: { "x-csrf-token": csrf.csrfToken ?? "" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  return ((await opened.json()) as { id: number }).id;
}

test("the first-day call card logs each call against the contact called, and the call step waits for every contact", async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  // A pupil on today's call list (an N mark today) given two contacts with phones.
  const absent = await db
    .selectFrom("session_marks")
    .select("pupil_id")
    .where("school_id", "=", schoolId)
    .where("date", "=", DEMO_TODAY)
    .where("code", "=", "N")
    .orderBy("pupil_id")
    .executeTakeFirst();
  let pupilId = absent?.pupil_id;
  if (pupilId === undefined) {
    const any = await db
      .selectFrom("session_marks")
      .select(["pupil_id", "session"])
      .where("school_id", "=", schoolId)
      .where("date", "=", DEMO_TODAY)
      .orderBy("pupil_id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("session_marks")
      .set({ code: "N" })
      .where("school_id", "=", schoolId)
      .where("pupil_id", "=", any.pupil_id)
      .where("date", "=", DEMO_TODAY)
      .execute();
    pupilId = any.pupil_id;
  }
  calledPupil = pupilId;
  await db.deleteFrom("contact_log").where("pupil_id", "=", pupilId).execute();
  await db.deleteFrom("contacts").where("pupil_id", "=", pupilId).execute();
  await db
    .insertInto("contacts")
    .values([
      {
        school_id: schoolId,
        pupil_id: pupilId,
        priority: 1,
        name: "Dana First",
        relationship: "Mother",
        phone: "07700 900201",
      },
      {
        school_id: schoolId,
        pupil_id: pupilId,
        priority: 2,
        name: "Eli Second",
        relationship: "Father",
        phone: "07700 900202",
      },
    ])
    .execute();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/today");
  const card = page
    .locator(".cards .card")
    .filter({ has: page.getByRole("list", { name: /in priority order/ }) })
    .filter({ hasText: "Dana First" });
  await card.waitFor();
  const contacts = card.getByRole("list", { name: /in priority order/ });
  expect(await contacts.getByRole("listitem").allTextContents()).toEqual([
    expect.stringMatching(/^Dana First \(Mother\).*not called yet/),
    expect.stringMatching(/^Eli Second \(Father\).*not called yet/),
  ]);
  await expectAccessible(page, "today: call card with two contacts");
  // The first contact: no answer. The step is not done until the second is tried.
  await card.getByRole("button", { name: "Called Dana First (Mother): no answer" }).click();
  await contacts.getByText(/called \d\d:\d\d: no answer/).waitFor();
  await card.getByText("(1 of 2 tried)").waitFor();
  await card.getByRole("button", { name: "Called Eli Second (Father): left a message" }).click();
  await card.getByText(/^✓ Call the contacts in priority order/).waitFor();
  await card.getByText("No one answered: send a text").waitFor();
  const logged = await db
    .selectFrom("contact_log as l")
    .innerJoin("contacts as c", "c.id", "l.contact_id")
    .select(["c.name", "l.outcome"])
    .where("l.pupil_id", "=", pupilId)
    .orderBy("l.id")
    .execute();
  expect(logged).toEqual([
    { name: "Dana First", outcome: "no answer" },
    { name: "Eli Second", outcome: "left message" },
  ]);
  await expectAccessible(page, "today: call card after two calls");
  await screenshot(page, "call-card-per-contact");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);

test("the case page sets out everything the school has done so far, from the chronology", async () => {
  const schoolId = e2e.school.demo.school.id;
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/cases");
  const caseId = await openCaseFor(page, schoolId, calledPupil);
  calledCase = caseId;
  await page.goto(`/cases/${caseId}`);
  const efforts = page.getByRole("list", { name: "Efforts made so far" });
  await efforts.getByText("Phone call with Dana First (Mother): no answer").waitFor();
  await efforts.getByText("Phone call with Eli Second (Father): left message").waitFor();
  expect(await efforts.locator("time").first().getAttribute("dateTime")).toBe(DEMO_TODAY);
  await expectAccessible(page, "case: efforts made so far");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);

test("the case page refers on: each referral explains what it needs first; social care for a safeguarding concern is never held back", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto(`/cases/${calledCase}`);
  const referrals = page.getByRole("region", { name: "Referrals and legal steps" });
  await referrals.getByRole("heading", { name: "School nursing: not yet" }).waitFor();
  await referrals
    .getByRole("list", { name: "What School nursing needs first" })
    .getByText(/illness is recorded for \d+ session\(s\) this year/)
    .waitFor();
  await referrals
    .getByRole("list", { name: "What Police safe-and-well check needs first" })
    .getByText("visit the home first: no home visit is logged")
    .waitFor();
  await referrals
    .getByRole("list", { name: "What Early help assessment needs first" })
    .getByText(/hold a meeting with the family first/)
    .waitFor();
  for (const title of [
    "Notice to improve",
    "Penalty-notice referral",
    "Legal intervention (prosecution)",
    "Children's social care",
    "Children missing education",
  ])
    await referrals
      .getByRole("heading", { name: new RegExp(`^${title.replace(/[()]/g, "\\$&")}: `) })
      .waitFor();
  await expectAccessible(page, "case: every referral with its preconditions");
  // Social care for a safeguarding concern: the box is ticked, the referral goes whatever the attendance.
  const socialCare = referrals.getByRole("listitem").filter({
    has: page.getByRole("heading", { name: /^Children's social care: / }),
  });
  await socialCare.getByLabel("Safeguarding reason for the referral").fill("Bruising seen at PE");
  await socialCare.getByLabel(/This is a safeguarding concern/).check();
  await socialCare.getByRole("button", { name: "Children's social care" }).click();
  await page.getByText("Children's social care: done, and in the chronology.").waitFor();
  await page
    .locator(".chronology")
    .getByText(/Referred to children's social care .*Bruising seen at PE/)
    .first()
    .waitFor();
  await page
    .getByRole("list", { name: "Efforts made so far" })
    .getByText(/Referred to children's social care/)
    .waitFor();
  await expectAccessible(page, "case: after a social care referral");
  await screenshot(page, "case-referrals-all");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);

test("My actions: by year group, one pupil's overlapping proposals together, and accepting one settles those it supersedes", async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const policy = await db
    .selectFrom("policies")
    .select(["version", "document"])
    .where("school_id", "=", schoolId)
    .orderBy("version", "desc")
    .executeTakeFirstOrThrow();
  const stages = (policy.document as { stages: { id: string }[] }).stages.map((s) => s.id);
  expect(stages.length).toBeGreaterThanOrEqual(2);
  // A pupil with no open case and no proposal waiting, in a year group.
  const pupil = await db
    .selectFrom("pupils as p")
    .select(["p.id", "p.year_group_id"])
    .where("p.school_id", "=", schoolId)
    .where("p.year_group_id", "is not", null)
    .where((eb) =>
      eb.not(
        eb.or([
          eb.exists(
            eb
              .selectFrom("attendance_cases as c")
              .select("c.id")
              .whereRef("c.pupil_id", "=", "p.id")
              .where("c.status", "=", "open"),
          ),
          eb.exists(
            eb
              .selectFrom("proposed_actions as a")
              .select("a.id")
              .whereRef("a.pupil_id", "=", "p.id")
              .where("a.status", "=", "proposed"),
          ),
        ]),
      ),
    )
    .orderBy("p.id")
    .executeTakeFirstOrThrow();
  const propose = (trigger: string, name: string, stage: string) =>
    db
      .insertInto("proposed_actions")
      .values({
        school_id: schoolId,
        pupil_id: pupil.id,
        policy_version: policy.version,
        trigger_id: trigger,
        trigger_name: name,
        actions: JSON.stringify([{ type: "start_stage", stage }]),
        explanation: `Proposed in the browser test: start ${stage}`,
        evidence: "[]",
        evidence_end: null,
        dedupe_key: `${trigger}@e2e-supersede`,
        manual_review: false,
        proposed_on: DEMO_TODAY,
      })
      .execute();
  await propose("e2e_first_stage", "E2E first stage", stages[0] as string);
  await propose("e2e_second_stage", "E2E second stage", stages[1] as string);
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/worklist");
  await page.getByText(/proposal\(s\)\.$/).waitFor();
  const yearName = await page
    .getByRole("combobox", { name: "Year group", exact: true })
    .locator(`option[value="${pupil.year_group_id}"]`)
    .textContent();
  await page
    .getByRole("combobox", { name: "Year group", exact: true })
    .selectOption(String(pupil.year_group_id));
  await page.getByLabel("One pupil's proposals together").check();
  const first = page.locator(".cards .card").filter({ hasText: "E2E first stage" });
  const second = page.locator(".cards .card").filter({ hasText: "E2E second stage" });
  await second.waitFor();
  await first.waitFor();
  await page
    .getByText(/2 proposals for .+ together: accepting one settles those it supersedes/)
    .first()
    .waitFor();
  expect(yearName).toBeTruthy();
  await expectAccessible(page, "worklist: one pupil's overlapping proposals by year group");
  await second.getByRole("button", { name: "Accept", exact: true }).click();
  await page.getByText(/1 overlapping proposal\(s\) settled with it/).waitFor();
  await first.waitFor({ state: "detached" });
  const settled = await db
    .selectFrom("proposed_actions")
    .select(["status", "decision_reason"])
    .where("trigger_id", "=", "e2e_first_stage")
    .executeTakeFirstOrThrow();
  expect(settled).toEqual({
    status: "dismissed",
    decision_reason: expect.stringMatching(/^Superseded by "E2E second stage"/),
  });
  await expectAccessible(page, "worklist: after accepting one that supersedes another");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);
