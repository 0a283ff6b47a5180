import { sql } from "kysely";
import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

test("the attendance officer filters My actions by stage and flag, with one pupil's proposals together", async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const count = async (where: (q: ReturnType<typeof base>) => ReturnType<typeof base>) =>
    Number((await where(base()).executeTakeFirstOrThrow()).n);
  const base = () =>
    db
      .selectFrom("proposed_actions as a")
      .innerJoin("pupils as p", (j) =>
        j.onRef("p.school_id", "=", "a.school_id").onRef("p.id", "=", "a.pupil_id"),
      )
      .select(({ fn }) => fn.countAll<string>().as("n"))
      .where("a.school_id", "=", schoolId)
      .where("a.status", "=", "proposed");
  const all = await count((q) => q);
  const withSocialWorker = await count((q) => q.where("p.has_social_worker", "=", true));
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/worklist");
  await page.getByText(new RegExp(`of ${all} proposal\\(s\\)\\.$`)).waitFor();
  await page.getByRole("combobox", { name: "Flag", exact: true }).selectOption("has_social_worker");
  await page
    .getByText(
      withSocialWorker === 0
        ? "No proposals."
        : new RegExp(`of ${withSocialWorker} proposal\\(s\\)\\.$`),
    )
    .waitFor();
  await page.getByRole("combobox", { name: "Flag", exact: true }).selectOption("");
  await page.getByRole("combobox", { name: "Stage", exact: true }).selectOption("none");
  await page.getByText(/proposal\(s\)\.$|No proposals\./).waitFor();
  await page.getByRole("combobox", { name: "Stage", exact: true }).selectOption("");
  await page.getByText(new RegExp(`of ${all} proposal\\(s\\)\\.$`)).waitFor();
  // A pupil with several proposals: they are shown together, announced once.
  const several = await db
    .selectFrom("proposed_actions")
    .select(["pupil_id", ({ fn }) => fn.countAll<string>().as("n")])
    .where("school_id", "=", schoolId)
    .where("status", "=", "proposed")
    .groupBy("pupil_id")
    .having(sql`count(*)`, ">", 1)
    .executeTakeFirst();
  if (several)
    await page
      .getByText(/proposals for .+ together/)
      .first()
      .waitFor();
  await expectAccessible(page, "worklist: filters");
  await screenshot(page, "worklist-filters");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);

test("the case page explains what each referral needs first, and the stage's status", async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const pupil = await db
    .selectFrom("pupils")
    .select(["id", "legal_forename", "legal_surname", "preferred_forename"])
    .where("school_id", "=", schoolId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("attendance_cases as c")
            .select("c.id")
            .whereRef("c.pupil_id", "=", "pupils.id")
            .where("c.status", "=", "open"),
        ),
      ),
    )
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  // Open a case the way the office does by hand: through the API with the session's CSRF token.
  await page.goto("/cases");
  const stages = (await (await page.request.get(`/api/schools/${schoolId}/policy`)).json()) as {
    policy: { stages: { id: string }[] };
  };
  const stageId = stages.policy.stages[0]?.id as string;
  const csrf = await page.evaluate(() =>
    fetch("/api/auth/session").then((r) => r.json() as Promise<{ csrfToken?: string }>),
  );
  const opened = await page.request.post(`/api/schools/${schoolId}/cases`, {
    data: { pupilId: pupil.id, stageId },
    headers: { "x-csrf-token": csrf.csrfToken ?? "" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  const { id: caseId } = (await opened.json()) as { id: number };
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/referrals`)),
    page.goto(`/cases/${caseId}`),
  ]);
  expect(answer.status(), await answer.text()).toBe(200);
  const referrals = page.getByRole("region", { name: "Referrals and legal steps" });
  await referrals.getByRole("heading", { name: "Notice to improve: not yet" }).waitFor();
  await referrals
    .getByRole("list", { name: "What Notice to improve needs first" })
    .getByText(/support comes first/)
    .waitFor();
  await referrals
    .getByRole("list", { name: "What Penalty-notice referral needs first" })
    .getByText(/threshold is not met/)
    .waitFor();
  await expectAccessible(page, "case: referrals");
  await screenshot(page, "case-referrals");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);
