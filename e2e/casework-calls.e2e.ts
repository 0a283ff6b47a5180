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
