import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import {
  DEMO_TODAY,
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

const e2e = demoSchoolForThisFile();
const OFFICE = "attendance@northfield.example";
const PHONE = { width: 390, height: 844 };
const SCREENS = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, device: {} },
  { name: "phone", viewport: PHONE, device: { hasTouch: true, isMobile: true } },
] as const;
const ONE_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const dir = mkdtempSync(join(tmpdir(), "rollbook-desk-"));

interface FormPupil {
  id: number;
  upn: string;
  name: string;
  am: string | null;
}
let forms: Map<string, { id: number; pupils: FormPupil[] }>;

beforeAll(async () => {
  const { db } = e2e.school.database;
  const schoolId = e2e.school.demo.school.id;
  const rows = await db
    .selectFrom("pupils as p")
    .innerJoin("registration_groups as g", "g.id", "p.registration_group_id")
    .leftJoin("session_marks as m", (j) =>
      j
        .onRef("m.school_id", "=", "p.school_id")
        .onRef("m.pupil_id", "=", "p.id")
        .on("m.date", "=", DEMO_TODAY)
        .on("m.session", "=", "AM"),
    )
    .select([
      "p.id",
      "p.upn",
      "p.legal_forename",
      "p.legal_surname",
      "p.preferred_forename",
      "p.preferred_surname",
      "g.id as groupId",
      "g.name as form",
      "m.code as am",
    ])
    .where("p.school_id", "=", schoolId)
    .where("p.leaving_date", "is", null)
    .orderBy("p.legal_surname")
    .orderBy("p.legal_forename")
    .execute();
  forms = new Map();
  for (const r of rows) {
    const form = forms.get(r.form) ?? { id: r.groupId, pupils: [] };
    form.pupils.push({
      id: r.id,
      upn: r.upn,
      name: `${r.preferred_forename ?? r.legal_forename} ${r.preferred_surname ?? r.legal_surname}`,
      am: r.am,
    });
    forms.set(r.form, form);
  }
});

const form = (name: string) => forms.get(name) as { id: number; pupils: FormPupil[] };

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, "the page scrolls sideways").toBeLessThanOrEqual(client);
}

/** The page printed to PDF by Chromium, as pdftotext reads it back. */
async function printed(page: Page, name: string): Promise<string> {
  await page.emulateMedia({ media: "print" });
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, await page.pdf({ format: "A4" }));
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  await page.emulateMedia({ media: "screen" });
  return text;
}

async function choosePupil(page: Page, within: string, pupil: FormPupil): Promise<void> {
  const formBox = page.getByRole("form", { name: within });
  await formBox.getByLabel("Pupil").fill(pupil.upn);
  await formBox.getByRole("button", { name: new RegExp(`^${pupil.name}`) }).click();
  await formBox.getByText(pupil.name).waitFor();
}

describe.each(SCREENS)("on a $name", ({ name, viewport, device }) => {
  test("reception signs in a late arrival and signs out an early leaver, in the book and the pupil's history", async () => {
    const [late, leaver] = name === "desktop" ? form("9D").pupils : form("10B").pupils;
    const why = name === "desktop" ? "Dentist" : "Optician";
    if (!late || !leaver) throw new Error("the demo forms have pupils");
    const { page, context } = await signIn(e2e.school, OFFICE, viewport, device);
    await page.getByRole("link", { name: "Reception" }).first().click();
    await page.getByRole("heading", { level: 1, name: /^Reception/ }).waitFor();
    await noSidewaysScroll(page);

    await choosePupil(page, "Late arrival", late);
    await page
      .getByRole("form", { name: "Late arrival" })
      .getByLabel("Reason given (optional)")
      .fill("Doctor's note");
    await page.getByRole("button", { name: "Sign in late" }).click();
    // Demo registers open at 08:40 and close at 09:10; the clock started at 08:58.
    await page
      .getByText(
        new RegExp(
          `^${late.name} signed in at 08:5\\d: L \\(1\\d minutes late\\) in the AM register`,
        ),
      )
      .waitFor();

    await choosePupil(page, "Leaving early", leaver);
    const leaving = page.getByRole("form", { name: "Leaving early" });
    await leaving.getByLabel("Reason for leaving").fill(why);
    await leaving.getByRole("button", { name: "Sign out" }).click();
    await page.getByText(`${leaver.name} signed out at`).waitFor();
    const book = page.getByRole("table", { name: /Signed in and out today/ });
    await book.getByRole("link", { name: late.name }).waitFor();
    await book.getByText(why).waitFor();
    await expectAccessible(page, `reception on a ${name}`);
    await screenshot(page, `desk-${name}`);
    await page.getByRole("button", { name: `Sign ${leaver.name} back in` }).click();
    await page.getByText(`${leaver.name} back in at`).waitFor();

    const text = await printed(page, `desk-book-${name}`);
    expect(text).toContain(late.name);
    expect(text).toContain(why);
    expect(text).not.toContain("Sign in late");

    const mark = await e2e.school.database.db
      .selectFrom("session_marks")
      .select(["code", "minutes_late"])
      .where("pupil_id", "=", late.id)
      .where("date", "=", DEMO_TODAY)
      .where("session", "=", "AM")
      .executeTakeFirstOrThrow();
    expect(mark.code).toBe("L");

    await book.getByRole("link", { name: late.name }).click();
    await page.getByRole("heading", { level: 2, name: "Signed in and out at reception" }).waitFor();
    await page
      .getByRole("table", { name: /Changes to recorded marks/ })
      .getByText(/Signed in late at reception at 08:5\d: Doctor's note/)
      .waitFor();
    await page
      .getByRole("table", { name: /Reception book entries/ })
      .getByText("Signed in late")
      .waitFor();
    await noSidewaysScroll(page);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("a roll call lists who is on site by form, ticked off as they are found, and prints", async () => {
    const { page, context } = await signIn(e2e.school, OFFICE, viewport, device);
    await page.goto("/roll-call");
    await page.getByRole("heading", { level: 1, name: "Roll call" }).waitFor();
    await page.getByRole("button", { name: "Start a roll call" }).click();
    await page.getByText(/^Roll call under way since/).waitFor();
    const first = form("7A").pupils.find((p) => p.am === "/") as FormPupil;
    const tick = page.getByRole("checkbox", { name: first.name });
    await tick.click();
    await page.getByText(/Roll call under way since .*: 1 of \d+ found/).waitFor();
    await expect(tick.isChecked()).resolves.toBe(true);
    await page
      .getByText(/Mrs .*\(attendance officer\)|\(attendance officer\)/)
      .first()
      .waitFor();
    await noSidewaysScroll(page);
    await expectAccessible(page, `roll call on a ${name}`);
    await screenshot(page, `roll-call-${name}`);
    const text = await printed(page, `roll-call-${name}`);
    expect(text).toContain("7A");
    expect(text).toContain(first.name);
    expect(text).not.toContain("Finish the roll call");
    await page.getByRole("button", { name: "Finish the roll call" }).click();
    await page.getByRole("button", { name: "Start a roll call" }).waitFor();
    const ticks = await e2e.school.database.db
      .selectFrom("roll_call_ticks")
      .select(["pupil_id", "ticked_by"])
      .where("pupil_id", "=", first.id)
      .execute();
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.at(-1)?.ticked_by).toMatch(/\(attendance officer\)$/);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("the office amends a mark from the pupil's page, with a reason", async () => {
    const pupil = (name === "desktop" ? form("8A") : form("8B")).pupils[0] as FormPupil;
    const { page, context } = await signIn(e2e.school, OFFICE, viewport, device);
    await page.goto(`/pupils/${pupil.id}`);
    const amend = page.getByRole("form", { name: "Amend a mark" });
    await amend.getByLabel("Date").fill("2026-01-13");
    await amend.getByLabel("Session").selectOption("PM");
    await amend.getByLabel("New code").fill("M");
    await amend.getByRole("button", { name: "Amend the mark" }).click();
    // The reason is required: the browser refuses the form before anything is sent.
    await expect(
      amend
        .getByLabel("Reason (kept in the history)")
        .evaluate((el) => (el as HTMLInputElement).validity.valueMissing),
    ).resolves.toBe(true);
    await amend.getByLabel("Reason (kept in the history)").fill("Orthodontist letter seen");
    await amend.getByRole("button", { name: "Amend the mark" }).click();
    await amend.getByText(/2026-01-13 PM is now M\.|already the mark/).waitFor();
    await page
      .getByRole("table", { name: /Changes to recorded marks/ })
      .getByText("Orthodontist letter seen")
      .waitFor();
    await noSidewaysScroll(page);
    await expectAccessible(page, `amending from the pupil page on a ${name}`);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("a tutor who missed a register asks the office, who sees it on Today and takes it", async () => {
    const formName = name === "desktop" ? "11A" : "11B";
    const { id } = form(formName);
    const { db } = e2e.school.database;
    // The tutor missed yesterday afternoon's register: nobody took it.
    await db
      .deleteFrom("registers_taken")
      .where("registration_group_id", "=", id)
      .where("date", "=", "2026-01-13")
      .where("session", "=", "PM")
      .execute();
    const tutor = await signIn(
      e2e.school,
      `tutor.${formName.toLowerCase()}@northfield.example`,
      viewport,
      device,
    );
    await tutor.page.goto(`/registers/${id}/2026-01-13/PM`);
    await tutor.page.getByRole("heading", { level: 2, name: "Missed this register?" }).waitFor();
    await tutor.page.getByText(/only the attendance office can take it now: ask /).waitFor();
    await tutor.page.getByLabel("Who was there (for the office)").fill("Everyone but two");
    await tutor.page.getByRole("button", { name: "Ask the office to take it" }).click();
    await tutor.page.getByText(/the office will take it\.$/).waitFor();
    await noSidewaysScroll(tutor.page);
    await expectAccessible(tutor.page, `a missed register on a ${name}`);
    expect(pageProblems(tutor.page)).toEqual([]);
    await tutor.context.close();

    const { page, context } = await signIn(e2e.school, OFFICE, viewport, device);
    await page.goto("/today");
    await page
      .getByRole("heading", { level: 2, name: "Registers tutors asked you to take" })
      .waitFor();
    await page.getByText("“Everyone but two”").waitFor();
    await page
      .getByRole("link", { name: `Take ${formName} PM register, ${"Tue 13 Jan"}` })
      .or(page.getByRole("link", { name: new RegExp(`^Take ${formName} PM register`) }))
      .first()
      .click();
    await page
      .getByRole("heading", { level: 1, name: new RegExp(`${formName} · PM register`) })
      .waitFor();
    await page.getByLabel(/Reason for the changes/).fill("Taken for the tutor, who asked");
    await page.getByRole("button", { name: "Mark everyone else present and save" }).click();
    await page.getByText(/^Saved at/).waitFor();
    await page.goto("/today");
    await page
      .getByRole("heading", { level: 2, name: "Absent with no reason: call list" })
      .waitFor();
    await expect(page.getByText("“Everyone but two”").count()).resolves.toBe(0);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("a teacher marks a lesson, and a pupil registered but missing is on the office's Today", async () => {
    const className = `${name}-Ma`;
    const pupils = form("7A")
      .pupils.filter((p) => p.am === "/")
      .slice(0, 3);
    expect(pupils.length).toBe(3);
    const csv = [
      "class,subject,day,period,starts,ends,teacher_email,upn",
      ...pupils.map(
        (p) => `${className},Maths,Wed,P1,09:15,10:15,tutor.7a@northfield.example,${p.upn}`,
      ),
    ].join("\n");
    const office = await signIn(e2e.school, OFFICE, viewport, device);
    await office.page.goto("/lessons");
    await office.page.getByText("Import the timetable (CSV)").click();
    await office.page.getByLabel("Timetable file").setInputFiles({
      name: "timetable.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await office.page.getByRole("button", { name: "Import" }).click();
    await office.page
      .getByText(/^Imported 1 class, 1 period, 1 lesson a week and 3 places in classes/)
      .waitFor();
    await office.page.getByRole("link", { name: `P1 ${className}` }).waitFor();
    await expectAccessible(office.page, `lessons on a ${name}`);

    const tutor = await signIn(e2e.school, "tutor.7a@northfield.example", viewport, device);
    await tutor.page.getByRole("link", { name: "Lessons" }).first().click();
    await tutor.page.getByRole("link", { name: `P1 ${className}` }).click();
    await tutor.page
      .getByRole("heading", { level: 1, name: new RegExp(`P1 ${className}`) })
      .waitFor();
    const missing = pupils[1] as FormPupil;
    await tutor.page
      .getByRole("group", { name: `Lesson mark for ${missing.name}` })
      .getByRole("button", { name: "Absent" })
      .click();
    await tutor.page
      .getByRole("group", { name: `Lesson mark for ${pupils[2]?.name}` })
      .getByRole("button", { name: "Late" })
      .click();
    await tutor.page.getByLabel(`Minutes late for ${pupils[2]?.name}`).fill("4");
    await noSidewaysScroll(tutor.page);
    await expectAccessible(tutor.page, `a lesson register on a ${name}`);
    await screenshot(tutor.page, `lesson-${name}`);
    await tutor.page.getByRole("button", { name: "Mark everyone else present and save" }).click();
    await tutor.page.getByText(/^Saved: 3 mark\(s\) recorded/).waitFor();
    expect(pageProblems(tutor.page)).toEqual([]);
    await tutor.context.close();

    await office.page.goto("/today");
    await office.page.getByRole("heading", { level: 2, name: "Missing from lessons" }).waitFor();
    await office.page
      .getByText(new RegExp(`Registered \\(/\\) but absent from ${className}, P1 at 09:15`))
      .waitFor();
    await office.page.getByRole("link", { name: missing.name }).first().waitFor();
    await noSidewaysScroll(office.page);
    await expectAccessible(office.page, `Today with a pupil missing from a lesson on a ${name}`);
    expect(pageProblems(office.page)).toEqual([]);
    await office.context.close();
  });

  test("a photo uploaded on the pupil's page shows on the register, with alert icons by role", async () => {
    const formName = name === "desktop" ? "7B" : "7C";
    const [pictured, flagged] = form(formName).pupils as [FormPupil, FormPupil];
    await e2e.school.database.db
      .updateTable("pupils")
      .set({ medical_condition: true, has_social_worker: true })
      .where("id", "=", flagged.id)
      .execute();
    const office = await signIn(e2e.school, OFFICE, viewport, device);
    await office.page.goto(`/pupils/${pictured.id}`);
    await office.page.getByLabel("Photo (JPEG or PNG, at most 2 MB)").setInputFiles({
      name: "photo.png",
      mimeType: "image/png",
      buffer: Buffer.from(ONE_PIXEL_PNG, "base64"),
    });
    await office.page.getByText("Photo saved: the registers show it.").waitFor();
    await office.page.goto(`/registers/${form(formName).id}/${DEMO_TODAY}/AM`);
    const officeRow = office.page.getByRole("row", { name: new RegExp(flagged.name) });
    await officeRow.getByRole("img", { name: "Has a social worker" }).waitFor();
    expect(pageProblems(office.page)).toEqual([]);
    await office.context.close();

    const tutor = await signIn(
      e2e.school,
      `tutor.${formName.toLowerCase()}@northfield.example`,
      viewport,
      device,
    );
    await tutor.page.goto(`/registers/${form(formName).id}/${DEMO_TODAY}/AM`);
    await tutor.page
      .getByRole("heading", { level: 1, name: new RegExp(`${formName} · AM register`) })
      .waitFor();
    const row = tutor.page.getByRole("row", { name: new RegExp(flagged.name) });
    await row.getByRole("img", { name: "Medical condition" }).waitFor();
    await expect(row.getByRole("img", { name: "Has a social worker" }).count()).resolves.toBe(0);
    const photo = tutor.page.locator(`img[src$="/pupils/${pictured.id}/photo"]`);
    await photo.waitFor();
    await expect(photo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).resolves.toBe(1);
    await noSidewaysScroll(tutor.page);
    await expectAccessible(tutor.page, `a register with photos and alerts on a ${name}`);
    await screenshot(tutor.page, `register-alerts-${name}`);
    // A save answers the marks only: the icons and photos the register opened with stay.
    await tutor.page.getByRole("button", { name: "Mark everyone else present and save" }).click();
    await tutor.page.getByText(/^Saved at /).waitFor();
    await row.getByRole("img", { name: "Medical condition" }).waitFor();
    await photo.waitFor();
    expect(pageProblems(tutor.page)).toEqual([]);
    await tutor.context.close();
  });
});
