import { readFileSync } from "node:fs";
import { sql } from "kysely";
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

test("the head reads the dashboard, switches period, sorts a table and exports it as CSV", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  await page.goto("/dashboard");
  await page.getByText(/attendance \(target 97%\)/).waitFor();
  // Charts are drawn (SVG) and carry a text alternative.
  await page
    .getByRole("img", { name: /Attendance each week/ })
    .locator("svg")
    .waitFor();
  await page
    .getByRole("img", { name: /Absence by weekday/ })
    .locator("svg")
    .waitFor();
  // Punctuality for the same period: its figures, both charts and the frequent late arrivers.
  await page.getByRole("heading", { level: 2, name: "Punctuality" }).waitFor();
  await page
    .getByRole("img", { name: /Lates by weekday/ })
    .locator("svg")
    .waitFor();
  await page
    .getByRole("img", { name: /Lates by minutes late/ })
    .locator("svg")
    .waitFor();
  const arrivers = page.getByRole("table", { name: "Frequent late arrivers" });
  await arrivers.getByRole("link").first().waitFor();
  expect(await arrivers.locator("tbody tr").count()).toBeGreaterThan(0);
  await page.waitForLoadState("networkidle");
  await expectAccessible(page, "dashboard");
  const choose = async (period: string, address: string) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(address)),
      page.getByLabel("Period").selectOption(period),
    ]);
    expect(response.status()).toBe(200);
    return (await response.json()) as { range: { from: string; to: string } };
  };
  // This week runs from Monday 12 January to the demo's today.
  expect((await choose("week", "/dashboard?from=")).range).toEqual({
    from: "2026-01-12",
    to: DEMO_TODAY,
  });
  await choose("year_to_date", "/dashboard?period=year_to_date");
  const table = page.getByRole("table", { name: "By registration group" });
  await table.getByRole("button", { name: "Attendance" }).click();
  const firstTwo = async () =>
    await table
      .locator("tbody tr")
      .evaluateAll((rows) =>
        rows.slice(0, 2).map((r) => Number.parseFloat(r.children[2]?.textContent ?? "")),
      );
  const [a, b] = await firstTwo();
  expect(a).toBeLessThanOrEqual(b as number);
  await table.getByRole("button", { name: "Attendance" }).click();
  const [c, d] = await firstTwo();
  expect(c).toBeGreaterThanOrEqual(d as number);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).nth(1).click(),
  ]);
  const csv = readFileSync((await download.path()) as string, "utf8")
    .trim()
    .split(/\r?\n/);
  expect(csv[0]).toBe(
    "Group,Pupils,Attendance,Authorised absence,Unauthorised absence,Persistently absent,PA rate,Severely absent",
  );
  expect(csv).toHaveLength(26);
  // A link-styled button stays a link under the pointer, not dark text on a dark fill.
  const exportButton = page.getByRole("button", { name: "Export CSV" }).nth(1);
  await exportButton.hover();
  await expect(exportButton.evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe(
    "rgba(0, 0, 0, 0)",
  );
  await screenshot(page, "dashboard");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the attendance officer accepts a proposal, works the case and writes the letter batch", async () => {
  const { db } = e2e.school.database;
  const proposal = await db
    .selectFrom("proposed_actions as a")
    .innerJoin("pupils as p", (j) =>
      j.onRef("p.school_id", "=", "a.school_id").onRef("p.id", "=", "a.pupil_id"),
    )
    .select([
      "a.id",
      "a.pupil_id",
      "a.trigger_name",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
    ])
    .where("a.school_id", "=", e2e.school.demo.school.id)
    .where("a.status", "=", "proposed")
    .where("a.manual_review", "=", false)
    .where(sql<boolean>`a.actions::text like '%start_stage%'`)
    .where(sql<boolean>`a.actions::text like '%letter%'`)
    .orderBy("a.id")
    .executeTakeFirstOrThrow();
  const pupil = `${proposal.preferred_forename ?? proposal.legal_forename} ${proposal.legal_surname}`;

  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/worklist");
  const card = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: `${pupil}: ${proposal.trigger_name}` }) });
  await card.first().waitFor();
  await expectAccessible(page, "worklist");
  const [accepted] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/proposed-actions/${proposal.id}/accept`)),
    card.first().getByRole("button", { name: "Accept" }).click(),
  ]);
  const { caseId } = (await accepted.json()) as { caseId: number };
  expect(caseId).toBeGreaterThan(0);
  await page.getByText(`Accepted for ${pupil}.`).waitFor();

  await page.goto("/cases");
  await page.getByRole("link", { name: pupil }).first().click();
  await page.getByRole("heading", { level: 1, name: new RegExp(`: case ${caseId}$`) }).waitFor();
  // The policy's notice holds in the screen: the date picker starts a week on, and says so.
  const schedule = page.getByRole("form", { name: "Schedule a meeting" });
  await schedule.getByText("the earliest date is Wed, 21 Jan 2026").waitFor();
  await expect(schedule.getByLabel("Date").getAttribute("min")).resolves.toBe("2026-01-21");
  await schedule.getByLabel("Date").fill("2026-01-23");
  await schedule.getByLabel("Time").fill("10:00");
  await schedule.getByLabel("Place (or how to join)").fill("the inclusion room");
  await schedule.getByLabel("Attendance lead").fill("Ms Dale");
  await schedule.getByLabel("EWO / ASO").fill("Mr Okafor");
  await schedule
    .getByLabel("Invitation letter")
    .selectOption({ label: "LA letter 1: invitation to an attendance contract meeting" });
  await expectAccessible(page, "case page: schedule a meeting");
  await schedule.getByRole("button", { name: "Schedule and write the letter" }).click();
  await page
    .getByText("Attendance contract meeting arranged for Fri, 23 Jan 2026 at 10:00.")
    .waitFor();
  const letterLink = page.getByRole("link", { name: "Download the invitation letter (PDF)" });
  const letterPdf = await page.request.get((await letterLink.getAttribute("href")) as string);
  expect(letterPdf.headers()["content-type"]).toBe("application/pdf");
  expect((await letterPdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  const invitations = await db
    .selectFrom("letters")
    .select(["content", "meeting_id"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("case_id", "=", caseId)
    .where("meeting_id", "is not", null)
    .execute();
  expect(invitations.length).toBeGreaterThanOrEqual(1);
  expect(invitations[0]?.content).toContain(
    "on 23 Jan 2026 at 10:00 (in person: the inclusion room) with Ms Dale (attendance lead) and Mr Okafor (education welfare officer)",
  );
  await page
    .getByText(/Invitation to an attendance contract meeting on 23 Jan 2026 at 10:00/)
    .waitFor();
  await page
    .getByText(/Letter sent to .+: LA letter 1/)
    .first()
    .waitFor();
  // A second meeting of the kind waits for this one to be recorded: the screen says so first.
  await schedule.getByText(/is already arranged for .*record how it went first/).waitFor();
  await expect(
    schedule.getByRole("button", { name: "Schedule and write the letter" }).isDisabled(),
  ).resolves.toBe(true);

  // The parent asks to move it, then comes.
  const record = page.getByRole("form", { name: /^Record the attendance contract meeting on/ });
  await record.getByLabel("Rescheduled at the parent's request").check();
  await record.getByLabel("New date", { exact: true }).fill("2026-01-26");
  await record.getByLabel("New time", { exact: true }).fill("15:45");
  await record.getByLabel("Letter for the new time").selectOption({ label: "No letter" });
  await record.getByRole("button", { name: "Record the outcome" }).click();
  await page.getByText("Attendance contract meeting moved to Mon, 26 Jan 2026 at 15:45.").waitFor();
  await page.getByText(/rescheduled at the parent's request to 26 Jan 2026 at 15:45/).waitFor();
  await page.getByText("· invitation letter not written yet").waitFor();
  const moved = page.getByRole("form", { name: /^Record the attendance contract meeting on/ });
  await moved.getByLabel("Held").check();
  await moved.getByLabel("What was agreed").fill("An attendance contract with a morning check-in");
  await moved.getByLabel("Notes").fill("Mornings are hard: the bus is unreliable");
  await expectAccessible(page, "case page: record a meeting");
  await moved.getByRole("button", { name: "Record the outcome" }).click();
  await page.getByText("Attendance contract meeting recorded as held.").waitFor();
  await page
    .getByText(
      /Attendance contract meeting held with .*Ms Dale, Mr Okafor\. Agreed: An attendance contract with a morning check-in/,
    )
    .waitFor();
  await expect(page.locator(".chronology li").count()).resolves.toBeGreaterThanOrEqual(5);
  // The contract: agreed with support from each side, then reviewed against the baseline.
  const contract = page.getByRole("form", { name: "Record an attendance contract" });
  await contract.getByLabel("Barriers identified (one a line)").fill("Anxiety on Monday mornings");
  await contract.getByLabel("Reached by").fill("2026-03-27");
  await contract
    .getByLabel("The school will (one a line: what / who / by YYYY-MM-DD)")
    .fill("Meet at the gate each morning / Ms Dale / 2026-01-19\nWeekly check-in with the tutor");
  await contract
    .getByLabel("The parents agree to (one a line)")
    .fill("Bedtime by 21:30 on school nights");
  await contract.getByLabel("The pupil agrees to (one a line)").fill("Go to the gate meeting");
  const agreedBy = contract.getByRole("group", { name: "Agreed by" }).getByRole("checkbox");
  if ((await agreedBy.count()) > 0) await agreedBy.first().check();
  const [agreedResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/cases/${caseId}/contracts`)),
    contract.getByRole("button", { name: "Record the contract" }).click(),
  ]);
  expect(agreedResponse.status(), await agreedResponse.text()).toBe(201);
  await page.getByText(/^Contract recorded; first review/).waitFor();
  await page.getByText("School: Weekly check-in with the tutor").waitFor();
  await page
    .getByText("School: Meet at the gate each morning (Ms Dale), by Mon, 19 Jan 2026")
    .waitFor();
  await page.getByText("The parents agree to: Bedtime by 21:30 on school nights.").waitFor();
  const contractPdf = await page.request.get(
    (await page
      .getByRole("link", { name: "The contract to print (PDF)" })
      .getAttribute("href")) as string,
  );
  expect(contractPdf.headers()["content-type"]).toBe("application/pdf");
  expect((await contractPdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  // Reviewing on the day it was agreed is refused: improvement is judged on a school week at least.
  await page.getByLabel("Review outcome").fill("Keep going: the gate meetings help");
  await page.getByRole("button", { name: "Record the review" }).click();
  await expect(page.getByRole("alert").textContent()).resolves.toMatch(
    /^Too early to review contract/,
  );
  expect(pageProblems(page).splice(0)).toEqual([
    "Failed to load resource: the server responded with a status of 409 (Conflict)",
  ]);
  // A call logged from the case, against the contact actually spoken to.
  const log = page.getByRole("form", { name: "Log a contact" });
  const spokenTo = log.getByLabel("Spoken to");
  const options = await spokenTo.locator("option").allTextContents();
  await spokenTo.selectOption({ index: options.length > 2 ? 1 : 0 });
  const who = (await spokenTo.locator("option:checked").textContent())?.replace(/ \(.*$/, "");
  await log.getByLabel("Outcome").fill("Agreed to walk her to the gate");
  await log.getByRole("button", { name: "Log it" }).click();
  await log.getByText(`Phone call with ${who} logged.`).waitFor();
  await page.getByText(`phone · ${who}: Agreed to walk her to the gate`).waitFor();
  await expectAccessible(page, "case page");
  await screenshot(page, "case");
  // Stage moves with their reasons; closing, then reopening, opens a new linked case.
  const moveForm = page.getByRole("form", { name: "Move the case" });
  const nextStage = (await moveForm
    .getByLabel("Move to")
    .locator("option")
    .first()
    .textContent()) as string;
  await moveForm.getByLabel("Why").fill("Contract agreed with the family");
  await moveForm.getByRole("button", { name: "Move the case" }).click();
  await page.getByText(`Moved to ${nextStage}.`).waitFor();
  await page
    .locator(".chronology li")
    .filter({ hasText: `Moved to ${nextStage}: Contract agreed with the family` })
    .waitFor();
  const closeForm = page.getByRole("form", { name: "Close the case" });
  await closeForm.getByLabel("Outcome").fill("Moved away");
  await closeForm.getByRole("button", { name: "Close the case" }).click();
  await page.getByText("Closed: Moved away", { exact: true }).waitFor();
  const reopenForm = page.getByRole("form", { name: "Reopen the case" });
  await reopenForm.getByLabel("Why").fill("Came back to the school");
  await reopenForm.getByRole("button", { name: "Reopen the case" }).click();
  await page
    .getByRole("heading", { level: 1, name: new RegExp(`: case (?!${caseId}$)\\d+$`) })
    .waitFor();
  await page
    .locator(".chronology li")
    .filter({ hasText: `(earlier case ${caseId} had closed): Came back to the school` })
    .waitFor();
  const stored = await db
    .selectFrom("meetings")
    .select(["kind", "format"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("case_id", "=", caseId)
    .execute();
  expect(stored).toHaveLength(2);

  await page.goto("/letters");
  await page
    .getByRole("button", { name: "Write every letter accepted proposals call for" })
    .click();
  await page.getByText(/letter\(s\) written for accepted proposals/).waitFor();
  const pdfLink = page.getByRole("link", { name: "one PDF" }).first();
  const href = (await pdfLink.getAttribute("href")) as string;
  const pdf = await page.request.get(href);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  const letters = await db
    .selectFrom("letters")
    .select("pupil_id")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("pupil_id", "=", proposal.pupil_id)
    .execute();
  expect(letters.length).toBeGreaterThanOrEqual(1);

  // Preview with edited wording, without saving it.
  await page
    .getByLabel("Wording (merge fields in braces, paragraphs separated by a blank line)")
    .fill("{salutation},\n\nAbout {forename}.");
  await page.getByRole("button", { name: "Preview" }).click();
  await screenshot(page, "letters-preview");
  await expect(page.getByRole("region", { name: "Letter preview" }).textContent()).resolves.toMatch(
    /^Dear .+\n\nAbout .+\./,
  );
  await screenshot(page, "letters");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
  // The whole of a case's work in the browser: generous for a shared, busy machine.
}, 180_000);

test("the attendance officer logs a home visit from the pupil page, against the contact seen", async () => {
  const { db } = e2e.school.database;
  const contact = await db
    .selectFrom("contacts")
    .select(["id", "pupil_id", "name"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .orderBy("pupil_id")
    .orderBy("priority", "desc")
    .executeTakeFirstOrThrow();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto(`/pupils/${contact.pupil_id}`);
  const log = page.getByRole("form", { name: "Log a contact" });
  await log.getByLabel("What").selectOption({ label: "Home visit" });
  await log.getByLabel("Spoken to").selectOption(String(contact.id));
  await log.getByLabel("Outcome").fill("Seen at home: unwell, GP appointment booked");
  await expectAccessible(page, "pupil page: log a contact");
  await log.getByRole("button", { name: "Log it" }).click();
  await log.getByText(`Home visit with ${contact.name} logged.`).waitFor();
  await page
    .getByRole("table", { name: "Contact with the family" })
    .getByText("Seen at home: unwell, GP appointment booked")
    .waitFor();
  // A note needs no one spoken to.
  await log.getByLabel("What").selectOption({ label: "Note" });
  await expect(log.getByLabel("Spoken to").count()).resolves.toBe(0);
  await log.getByLabel("Note (a line)").fill("School nurse to be asked about the cough");
  await log.getByRole("button", { name: "Log it" }).click();
  await log.getByText("Note logged.").waitFor();
  const logged = await db
    .selectFrom("contact_log")
    .select(["method", "contact_id"])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("pupil_id", "=", contact.pupil_id)
    .orderBy("id", "desc")
    .limit(2)
    .execute();
  expect(logged).toEqual([
    { method: "note", contact_id: null },
    { method: "home_visit", contact_id: contact.id },
  ]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);

test("the office writes the half-termly colour-coded letters to every family by band", async () => {
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/letters");
  const byBand = page.getByRole("region", { name: "Letters by attendance band" });
  // The trust policy names each band's letter: green for the best bands, red for the worst.
  const outstanding = byBand.getByLabel(/^Outstanding attendance/);
  await expect(outstanding.locator("option:checked").textContent()).resolves.toBe(
    "Half-termly attendance letter: green",
  );
  await expect(
    byBand
      .getByLabel(/^Severely absent/)
      .locator("option:checked")
      .textContent(),
  ).resolves.toBe("Half-termly attendance letter: red");
  await expectAccessible(page, "letters by band");
  await byBand.getByRole("button", { name: "Write to every family" }).click();
  // A background job: its bar counts the pupils written to, then says how many of how many.
  await byBand.getByRole("progressbar").waitFor();
  await byBand.getByText(/^Written for \d+ of \d+ pupils/).waitFor({ timeout: 60_000 });
  const done = byBand.getByRole("status").filter({ hasText: "The batches are below" });
  await done.waitFor({ timeout: 60_000 });
  await expect(done.textContent()).resolves.toMatch(
    /Outstanding attendance: \d+ letter\(s\) for \d+ pupil\(s\)/,
  );
  const written = await e2e.school.database.db
    .selectFrom("letters")
    .select(({ fn }) => [fn.count<number>("pupil_id").distinct().as("pupils")])
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("letter_id", "in", ["trust_rag_green", "trust_rag_amber", "trust_rag_red"])
    .executeTakeFirstOrThrow();
  expect(Number(written.pupils)).toBeGreaterThan(50);
  await page
    .getByText(/× trust rag red ·/)
    .first()
    .waitFor();
  await screenshot(page, "letters-by-band");
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the head adjusts a threshold, simulates it against last term, then saves it", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  await page.goto("/policy");
  await page.getByRole("heading", { level: 2, name: /^Draft:/ }).waitFor();
  const save = page.getByRole("button", { name: "Save as the school's policy" });
  await expect(save.isDisabled()).resolves.toBe(true);
  await expect(page.getByLabel("Against").locator("option:checked").textContent()).resolves.toMatch(
    /^Autumn 2025 \(2025-09-01 to 2025-12-19\)$/,
  );
  const threshold = page.locator(".cards .card").first().getByRole("spinbutton").first();
  const was = Number(await threshold.inputValue());
  await threshold.fill(String(was + 1));
  await page.getByRole("button", { name: "Simulate" }).click();
  await page
    .getByText(/school days and \d+ pupils the draft would have made/)
    .waitFor({ timeout: 60_000 });
  await expect(
    page
      .getByRole("table", { name: "Pupils each trigger would have proposed for" })
      .locator("tbody tr")
      .count(),
  ).resolves.toBeGreaterThan(0);
  await expectAccessible(page, "policy editor");
  await screenshot(page, "policy-simulated");
  await save.click();
  await page.getByText(/^Saved as version 2\./).waitFor();
  const versions = await e2e.school.database.db
    .selectFrom("policies")
    .select("version")
    .where("school_id", "=", e2e.school.demo.school.id)
    .execute();
  expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});

test("the attendance officer dismisses several proposals at once with one reason", async () => {
  const { db } = e2e.school.database;
  const waiting = async () =>
    Number(
      (
        await db
          .selectFrom("proposed_actions")
          .select(({ fn }) => fn.countAll<string>().as("n"))
          .where("school_id", "=", e2e.school.demo.school.id)
          .where("status", "=", "proposed")
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = await waiting();
  const { page, context } = await signIn(e2e.school, "attendance@northfield.example");
  await page.goto("/worklist");
  await page
    .getByText(new RegExp(`^Showing 1–${Math.min(before, 200)} of ${before} proposal\\(s\\)\\.$`))
    .waitFor();
  const boxes = page.getByRole("checkbox", { name: /^Select / });
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const bulk = page.getByRole("group", { name: "Decide the selected proposals" });
  await bulk.getByText("2 selected.").waitFor();
  await expectAccessible(page, "worklist: bulk decisions");
  await bulk.getByLabel("Reason to dismiss the selected").fill("Known to the EWO already");
  await bulk.getByRole("button", { name: "Dismiss selected" }).click();
  await page.getByText("Dismissed 2 proposal(s).").waitFor();
  await page.getByText(new RegExp(`of ${before - 2} proposal\\(s\\)\\.$`)).waitFor();
  expect(await waiting()).toBe(before - 2);
  const reasons = await db
    .selectFrom("proposed_actions")
    .select("decision_reason")
    .where("school_id", "=", e2e.school.demo.school.id)
    .where("decision_reason", "=", "Known to the EWO already")
    .execute();
  expect(reasons).toHaveLength(2);
  expect(pageProblems(page)).toEqual([]);
  await context.close();
}, 120_000);
