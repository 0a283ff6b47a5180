import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();

test("the head chooses Twilio for texts; the token is never shown back; the office sees what was not sent", async () => {
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const { page, context } = await signIn(e2e.school, "head@northfield.example", viewport);
    await page.goto("/messaging");
    await page.getByRole("heading", { level: 1, name: "Text messages" }).waitFor();
    await page.getByLabel("Twilio").check();
    await page.getByLabel("Account SID").fill(`AC${"0".repeat(31)}1`);
    await page.getByLabel("Auth token").fill("secret-twilio-token-1234");
    await page.getByLabel(/Send from/).fill("+447700900001");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved. New texts go through this provider.").waitFor();
    expect(await page.content()).not.toContain("secret-twilio-token");
    expect(await page.getByLabel("Auth token").getAttribute("placeholder")).toContain("1234");
    await expectAccessible(page, `messaging ${viewport.width}`);
    await screenshot(page, `messaging-${viewport.width}`);
    // A clear message for settings Twilio would refuse.
    await page.getByLabel(/Send from/).fill("not a number at all");
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByRole("alert")
      .getByText(/sender id of up to 11/)
      .waitFor();
    expect(pageProblems(page).filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  }

  const { db } = e2e.school.database;
  const school = await db.selectFrom("schools").select("id").executeTakeFirstOrThrow();
  await db
    .insertInto("outbox")
    .values({
      school_id: school.id,
      idempotency_key: "e2e-not-sent",
      channel: "email",
      to_address: "family@home.example",
      body: "x",
      purpose: "first_day_absence",
      status: "not_sent",
      last_error: "not sent: no provider",
    })
    .execute();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/today");
  await page.getByRole("heading", { name: "Messages not delivered" }).waitFor();
  await page.getByText(/1 message not sent because no provider is set up/).waitFor();
  await page.getByRole("cell", { name: "family@home.example" }).waitFor();
  await expectAccessible(page, "today with messages not sent");
  await page.getByRole("button", { name: "Send 1 again" }).click();
  await page.getByText("1 message queued to go again.").waitFor();
  const queued = await db
    .selectFrom("outbox")
    .select("status")
    .where("idempotency_key", "=", "e2e-not-sent")
    .executeTakeFirstOrThrow();
  expect(queued.status).toBe("queued");
  await context.close();
});

test("the office emails a letter from the pupil's page, the PDF attached", async () => {
  const { db } = e2e.school.database;
  const contact = await db
    .selectFrom("contacts")
    .select(["school_id", "pupil_id", "id", "email"])
    .where("email", "is not", null)
    .orderBy("pupil_id")
    .executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto("letters")
    .values({
      school_id: contact.school_id,
      pupil_id: contact.pupil_id,
      contact_id: contact.id,
      letter_id: "e2e_letter",
      template_version: 1,
      addressee: "Parent/Carer",
      content: "Dear Parent/Carer,\n\nAttendance matters.",
      merge_data: JSON.stringify({}),
      pdf: Buffer.from("%PDF-1.4\n%%EOF\n"),
      docx: Buffer.from("docx"),
      issued_on: "2026-01-14",
      issued_by: "Office",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto(`/pupils/${contact.pupil_id}`);
  const item = page.getByRole("listitem").filter({ hasText: "e2e letter" });
  await item.getByRole("button", { name: "Email" }).click();
  await item.getByText(`Emailed to ${contact.email}`).waitFor();
  const queued = await db
    .selectFrom("outbox")
    .select(["letter_id", "to_address"])
    .where("letter_id", "=", id)
    .executeTakeFirstOrThrow();
  expect(queued.to_address).toBe(contact.email);
  await expectAccessible(page, "pupil page after emailing a letter");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
