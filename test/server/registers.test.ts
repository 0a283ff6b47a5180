import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureGroups } from "../../src/db/repositories/pupils.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let teacher: Client;
let office: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;

const register = (date: string, session: "AM" | "PM", groupId = () => server.groups.g8C) =>
  `/api/schools/${server.school.id}/registers/${groupId()}/${date}/${session}`;

beforeAll(async () => {
  server = await testServer();
  teacher = await server.as("teacher");
  office = await server.as("office");
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.setNow("2025-09-03", "08:45");
});

describe("taking the register", () => {
  it("shows the group's pupils on roll that day, not yet marked", async () => {
    const response = await teacher.get(register("2025-09-03", "AM"));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.state).toBe("open");
    expect(body.pupils.map((p: { name: string }) => p.name)).toEqual([
      "Amelia Pupil",
      "Bilal Pupil",
      "Chloe Pupil",
    ]);
    expect(body.pupils.every((p: { mark: unknown }) => p.mark === null)).toBe(true);
  });

  it("lets the teacher mark their own register while it is open, and saving twice changes nothing", async () => {
    const payload = {
      marks: [
        { pupilId: amelia.id, code: "/" },
        { pupilId: bilal.id, code: "N" },
      ],
      allPresent: true,
    };
    const first = await teacher.send("PUT", register("2025-09-03", "AM"), payload);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 3, amended: 0, unchanged: 0 });
    const codes = first.json().register.pupils.map((p: { mark: { code: string } }) => p.mark.code);
    expect(codes).toEqual(["/", "N", "/"]);
    const again = await teacher.send("PUT", register("2025-09-03", "AM"), payload);
    // Chloe is marked now, so "everyone present" has nobody left to add: only the two given marks are checked.
    expect(again.json()).toMatchObject({ created: 0, amended: 0, unchanged: 2 });
    expect(again.json().register.taken).toMatchObject({
      firstTakenBy: "Ms K. Tutor (teacher)",
      saves: 2,
    });
  });

  it("marks a pupil arriving before the register closes L with minutes late, and after it U", async () => {
    server.setNow("2025-09-03", "09:10");
    const before = await teacher.get(register("2025-09-03", "AM"));
    const version = before.json().pupils[1].mark.version;
    const late = await teacher.send("PUT", register("2025-09-03", "AM"), {
      marks: [{ pupilId: bilal.id, arrivedAt: "09:10", baseVersion: version }],
    });
    expect(late.statusCode).toBe(200);
    expect(late.json().register.pupils[1].mark).toMatchObject({ code: "L", minutesLate: 30 });
    const tooLate = await teacher.send("PUT", register("2025-09-03", "AM"), {
      marks: [{ pupilId: chloe.id, code: "L", minutesLate: 31, baseVersion: 1 }],
    });
    expect(tooLate.statusCode).toBe(400);
    expect(tooLate.json().error.message).toContain(
      "31 minutes late is after the register closed: that is U, not L",
    );
  });

  it("closes to the teacher after the closing time; the office amends with a reason kept in the history", async () => {
    server.setNow("2025-09-03", "09:11");
    const closed = await teacher.send("PUT", register("2025-09-03", "AM"), {
      marks: [{ pupilId: chloe.id, code: "M", baseVersion: 1 }],
    });
    expect(closed.statusCode).toBe(403);
    expect(closed.json().error.message).toBe(
      "The AM register closed at 09:10; ask the attendance office to amend it",
    );

    const noReason = await office.send("PUT", register("2025-09-03", "AM"), {
      marks: [{ pupilId: chloe.id, arrivedAt: "09:25", baseVersion: 1 }],
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toContain(
      "give a reason to change the marks of Chloe Pupil",
    );

    server.setNow("2025-09-03", "09:26");
    const amended = await office.send("PUT", register("2025-09-03", "AM"), {
      marks: [{ pupilId: chloe.id, arrivedAt: "09:25", baseVersion: 1 }],
      reason: "Signed in at the office at 09:25",
    });
    expect(amended.statusCode).toBe(200);
    expect(amended.json().register.pupils[2].mark).toMatchObject({
      code: "U",
      minutesLate: 45,
      version: 2,
    });

    const history = await office.get(`/api/schools/${server.school.id}/pupils/${chloe.id}/marks`);
    const entries = history.json().history;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      previousCode: null,
      code: "/",
      changedBy: "Ms K. Tutor (teacher)",
      source: "register",
    });
    expect(entries[1]).toMatchObject({
      previousCode: "/",
      code: "U",
      minutesLate: 45,
      changedBy: "Mrs S. Office (attendance officer)",
      reason: "Signed in at the office at 09:25",
      source: "amendment",
    });
    expect(new Date(entries[1].changedAt).toISOString()).toBe("2025-09-03T08:26:00.000Z");
  });

  it("refuses a save built on a mark someone else changed, and keeps theirs", async () => {
    server.setNow("2025-09-03", "13:20");
    const url = register("2025-09-03", "PM");
    const [a, b] = await Promise.all([
      teacher.send("PUT", url, { marks: [{ pupilId: amelia.id, code: "\\", baseVersion: 0 }] }),
      office.send("PUT", url, { marks: [{ pupilId: amelia.id, code: "M", baseVersion: 0 }] }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.message).toMatch(
      /Someone else changed 1 mark\(s\) since you opened this register \(Amelia Pupil is now (\\|M)\); nothing was saved/,
    );
    const winner = a.statusCode === 200 ? "\\" : "M";
    const now = await office.get(url);
    expect(now.json().pupils[0].mark.code).toBe(winner);
  });

  it("saves two people's marks for different pupils at the same moment without losing either", async () => {
    server.setNow("2025-09-03", "13:25");
    const url = register("2025-09-03", "PM");
    const [a, b] = await Promise.all([
      teacher.send("PUT", url, { marks: [{ pupilId: bilal.id, code: "\\" }] }),
      office.send("PUT", url, { marks: [{ pupilId: chloe.id, code: "I" }] }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const marks = (await office.get(url))
      .json()
      .pupils.map((p: { mark: { code: string } | null }) => p.mark?.code);
    expect(marks.slice(1)).toEqual(["\\", "I"]);
  });

  it("refuses other groups, non-school days, the future and pupils not on roll, clearly", async () => {
    server.setNow("2025-09-03", "13:30");
    expect(
      (
        await teacher.send(
          "PUT",
          register("2025-09-03", "AM", () => server.groups.g9C),
          { allPresent: true },
        )
      ).statusCode,
    ).toBe(403);
    const saturday = await office.send("PUT", register("2025-09-06", "AM"), { allPresent: true });
    expect(saturday.statusCode).toBe(400);
    expect(saturday.json().error.message).toBe(
      "2025-09-06 AM is not a school session: no register is taken then",
    );
    const future = await office.send("PUT", register("2025-09-10", "AM"), { allPresent: true });
    expect(future.json().error.message).toContain(
      "future session; record a planned absence instead",
    );
    const eve = server.pupils[4] as Pupil;
    const notOnRoll = await office.send("PUT", register("2025-09-03", "PM"), {
      marks: [{ pupilId: eve.id, code: "\\" }],
    });
    expect(notOnRoll.statusCode).toBe(400);
    expect(notOnRoll.json().error.message).toContain(
      `pupil ${eve.id} is not on roll in 8C on 2025-09-03`,
    );
    const badCode = await office.send("PUT", register("2025-09-03", "PM"), {
      marks: [{ pupilId: amelia.id, code: "H", baseVersion: 1 }],
    });
    expect(badCode.json().error.message).toContain('Code "H" cannot be recorded on 2025-09-03');
  });

  it("pre-fills planned absences and applies them when marking everyone present", async () => {
    const planned = await office.send("POST", `/api/schools/${server.school.id}/planned-absences`, {
      pupilId: bilal.id,
      startDate: "2025-09-08",
      endDate: "2025-09-08",
      code: "M",
      reason: "Orthodontist, letter seen",
    });
    expect(planned.statusCode).toBe(201);
    const refused = await office.send("POST", `/api/schools/${server.school.id}/planned-absences`, {
      pupilId: bilal.id,
      startDate: "2025-09-05",
      endDate: "2025-09-05",
      code: "O",
      reason: "x",
    });
    expect(refused.json().error.message).toContain("Code O cannot be planned in advance");
    server.setNow("2025-09-08", "08:41");
    expect((await teacher.get(register("2025-09-08", "AM"))).statusCode).toBe(401); // yesterday's session has expired
    teacher = await server.as("teacher");
    const view = await teacher.get(register("2025-09-08", "AM"));
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().pupils[1].planned).toMatchObject({
      code: "M",
      reason: "Orthodontist, letter seen",
    });
    const saved = await teacher.send("PUT", register("2025-09-08", "AM"), { allPresent: true });
    expect(
      saved.json().register.pupils.map((p: { mark: { code: string } }) => p.mark.code),
    ).toEqual(["/", "M", "/"]);
  });

  it("amends a single mark through the office endpoint, refusing without a reason", async () => {
    const url = `/api/schools/${server.school.id}/marks/amendments`;
    const missing = await office.send("POST", url, {
      pupilId: bilal.id,
      date: "2025-09-03",
      session: "AM",
      code: "I",
      reason: "",
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain("a reason is required");
    expect(
      (
        await teacher.send("POST", url, {
          pupilId: bilal.id,
          date: "2025-09-03",
          session: "AM",
          code: "I",
          reason: "x",
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe("which registers a day offers", () => {
  const day = (date: string) => `/api/schools/${server.school.id}/registers?date=${date}`;

  it("offers registers only on school sessions and says why not on other days", async () => {
    const wednesday = (await office.get(day("2025-09-03"))).json();
    expect(wednesday).toMatchObject({ sessions: ["AM", "PM"], why: null });
    // 8C's registers were taken by its tutor above; 9C's were not.
    const taken = (group: string) =>
      wednesday.registers.find((r: { group: string }) => r.group === group);
    expect(taken("8C")).toMatchObject({
      AM: { firstTakenBy: "Ms K. Tutor (teacher)", lastSavedAt: expect.any(String) },
    });
    expect(taken("9C")).toMatchObject({ AM: null, PM: null });
    const saturday = (await office.get(day("2025-09-06"))).json();
    expect(saturday).toMatchObject({
      sessions: [],
      why: "The school does not meet at weekends.",
      previousSchoolDay: "2025-09-05",
      nextSchoolDay: "2025-09-08",
    });
    const inset = (await office.get(day("2025-09-01"))).json();
    expect(inset).toMatchObject({ sessions: [], why: "The school is closed: INSET." });
    // Nor can a register be opened by its address on such a day.
    const opened = await office.get(register("2025-09-06", "AM"));
    expect(opened.statusCode).toBe(400);
    expect(opened.json().error.message).toBe(
      "2025-09-06 AM is not a school session: no register is taken then",
    );
  });

  it("lists forms in the school's order: 7B, 8C, 9C, 10A", async () => {
    await ensureGroups(server.database.db, server.school.id, [
      { yearGroup: "Year 10", registrationGroup: "10A" },
      { yearGroup: "Year 7", registrationGroup: "7B" },
    ]);
    const { registers } = (await office.get(day("2025-09-03"))).json();
    expect(registers.map((r: { group: string }) => r.group)).toEqual(["7B", "8C", "9C", "10A"]);
  });

  it("gives the register's picker the school's most-used codes first, and every valid code", async () => {
    server.setNow("2025-09-08", "15:45");
    // A session lasts 12 hours: the new day needs a new sign-in.
    const desk = await server.as("office");
    for (const s of ["AM", "PM"] as const) {
      const before = (await desk.get(register("2025-09-08", s))).json();
      const save = await desk.send("PUT", register("2025-09-08", s), {
        marks: before.pupils.map((p: { pupilId: number; mark: { version: number } | null }) => ({
          pupilId: p.pupilId,
          code: "R",
          baseVersion: p.mark?.version ?? 0,
        })),
        reason: "Religious festival: letter from home",
      });
      expect(save.statusCode, JSON.stringify(save.json())).toBe(200);
    }
    const { picker } = (await desk.get(register("2025-09-08", "AM"))).json();
    // Religious observance, six times or more this week, comes before the codes used once or twice.
    expect(picker.common[0]).toBe("R");
    expect(picker.common).not.toContain("/");
    expect(picker.all).toContain("Y7");
    expect(picker.all).not.toContain("H");
  });
});
