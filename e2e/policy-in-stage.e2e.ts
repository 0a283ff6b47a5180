import { expect, test } from "vitest";
import {
  demoSchoolForThisFile,
  expectAccessible,
  pageProblems,
  screenshot,
  signIn,
} from "./support/harness.ts";

/**
 * The head writes "six school weeks on an attendance plan" into the draft as an in_stage
 * condition; the editor offers its length and its unit, and the JSON follows what they choose.
 */
const e2e = demoSchoolForThisFile();

test("the policy editor shows an in_stage condition's time in the stage, in the policy's units", async () => {
  const { page, context } = await signIn(e2e.school, "head@northfield.example");
  await page.goto("/policy");
  await page.getByRole("heading", { level: 2, name: /^Draft:/ }).waitFor();
  await page.getByText("Edit the whole policy as JSON (stages, actions, conditions)").click();
  const json = page.getByRole("textbox", { name: "Policy as JSON" });
  await expect.poll(() => json.inputValue()).toMatch(/^\{/);
  const draft = JSON.parse(await json.inputValue()) as { triggers: unknown[] };
  draft.triggers.push({
    id: "plan_six_weeks",
    name: "Six school weeks on an attendance plan",
    when: {
      kind: "in_stage",
      status: "On an attendance plan",
      forAtLeast: { length: 6, unit: "school_weeks" },
    },
    actions: [{ type: "meeting", meeting: "plan_review" }],
    repeat: "once_per_stage",
  });
  await json.fill(JSON.stringify(draft, null, 2));
  await page.getByRole("button", { name: "Use this JSON" }).click();
  const card = page.locator(".cards .card").filter({
    has: page.locator('input[value="Six school weeks on an attendance plan"]'),
  });
  const length = card.getByRole("spinbutton", { name: /On an attendance plan: for at least$/ });
  await expect(length.inputValue()).resolves.toBe("6");
  const unit = card.getByRole("combobox", { name: /time in the stage in$/ });
  await expect(unit.inputValue()).resolves.toBe("school_weeks");
  await length.fill("4");
  await unit.selectOption("school_days");
  await expectAccessible(page, "policy editor with an in_stage condition");
  await screenshot(page, "policy-in-stage");
  // The JSON the draft now holds has the new length and unit.
  await page.getByText("Edit the whole policy as JSON (stages, actions, conditions)").click();
  await page.getByText("Edit the whole policy as JSON (stages, actions, conditions)").click();
  await expect.poll(() => json.inputValue()).toContain('"unit": "school_days"');
  const now = JSON.parse(await json.inputValue()) as {
    triggers: { id: string; when: { forAtLeast?: unknown } }[];
  };
  expect(now.triggers.find((t) => t.id === "plan_six_weeks")?.when.forAtLeast).toEqual({
    length: 4,
    unit: "school_days",
  });
  expect(pageProblems(page)).toEqual([]);
  await context.close();
});
