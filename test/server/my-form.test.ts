import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
const url = (path: string) => `/api/schools/${server.school.id}${path}`;

beforeAll(async () => {
  server = await testServer();
  const [amelia, bilal] = server.pupils as [Pupil, Pupil];
  server.setNow("2025-09-03", "08:45");
  // 8C this morning: Amelia ill, Bilal no reason yet, Chloe present.
  const saved = await (await server.as("teacher")).send(
    "PUT",
    url(`/registers/${server.groups.g8C}/2025-09-03/AM`),
    {
      marks: [
        { pupilId: amelia.id, code: "I" },
        { pupilId: bilal.id, code: "N" },
      ],
      allPresent: true,
    },
  );
  expect(saved.statusCode, saved.body).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe("the form tutor's own page", () => {
  it("shows their form's registers today, who is absent and who to chase", async () => {
    server.setNow("2025-09-03", "10:00");
    const response = await (await server.as("teacher")).get(url("/my-form"));
    expect(response.statusCode, response.body).toBe(200);
    const { date, forms } = response.json();
    expect(date).toBe("2025-09-03");
    expect(forms.map((f: { form: string }) => f.form)).toEqual(["8C"]);
    const [form] = forms;
    expect(form.registers).toEqual([
      { session: "AM", taken: true, state: "closed" },
      { session: "PM", taken: false, state: "not_open_yet" },
    ]);
    expect(form.absentToday.map((a: { name: string; code: string }) => [a.name, a.code])).toEqual([
      ["Amelia Pupil", "I"],
      ["Bilal Pupil", "N"],
    ]);
    expect(form.toChase).toEqual([
      expect.objectContaining({ name: "Bilal Pupil", dates: ["2025-09-03 AM"], due: false }),
    ]);
    expect(form.yearToDate).toMatchObject({
      possible: 3,
      absence: 2,
      attendanceRate: { numerator: 1, denominator: 3 },
    });
    // One morning is not enough to call anyone persistently absent.
    expect(form.persistentAbsenceCounted).toBe(false);
    expect(form.persistentlyAbsent).toEqual([]);
  });

  it("counts an absence still without a reason days later, due after five school days", async () => {
    server.setNow("2025-09-10", "10:00");
    const { forms } = (await (await server.as("teacher")).get(url("/my-form"))).json();
    expect(forms[0].toChase).toEqual([
      expect.objectContaining({ name: "Bilal Pupil", dates: ["2025-09-03 AM"], due: true }),
    ]);
    expect(forms[0].absentToday).toEqual([]);
  });

  it("is for tutors of a form only, and refused to parents", async () => {
    const head = await (await server.as("head")).get(url("/my-form"));
    expect(head.statusCode).toBe(404);
    expect(head.body).toMatch(/not the tutor of any form/);
    expect((await (await server.as("parent")).get(url("/my-form"))).statusCode).toBe(403);
  });
});
