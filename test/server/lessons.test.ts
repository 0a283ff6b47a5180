import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let teacher: Client;
let amelia: Pupil;
let bilal: Pupil;
let chloe: Pupil;
let url: string;

const csv = (rows: string[]) =>
  ["class,subject,day,period,starts,ends,teacher_email,upn", ...rows].join("\n");

beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  url = `/api/schools/${server.school.id}`;
  server.setNow("2025-09-03", "08:50");
  teacher = await server.as("teacher");
  // Amelia and Chloe present at registration, Bilal absent with no reason.
  const saved = await teacher.send("PUT", `${url}/registers/${server.groups.g8C}/2025-09-03/AM`, {
    marks: [{ pupilId: bilal.id, code: "N" }],
    allPresent: true,
  });
  expect(saved.statusCode, saved.body).toBe(200);
  server.setNow("2025-09-03", "10:20");
  office = await server.as("office");
  teacher = await server.as("teacher");
});
afterAll(async () => {
  await server?.close();
});

describe("the timetable import", () => {
  it("refuses a file naming unknown staff, pupils, days or times, line by line, importing nothing", async () => {
    const bad = await office.send(
      "POST",
      `${url}/timetable`,
      csv([
        `8C-Ma,Maths,Sat,P1,09:15,10:15,teacher@a.example,${amelia.upn}`,
        `8C-Ma,Maths,Wed,P1,09:15,10:15,nobody@a.example,${amelia.upn}`,
        "8C-Ma,Maths,Wed,P2,10:15,10:00,teacher@a.example,X000000000000",
      ]),
      { "content-type": "text/csv" },
    );
    expect(bad.statusCode).toBe(400);
    const message = bad.json().error.message;
    expect(message).toMatch(/line 2: "Sat" is not a school day/);
    expect(message).toMatch(/line 3: no member of staff here has the email nobody@a.example/);
    expect(message).toMatch(/line 4: the period must end after it starts/);
    expect(message).toMatch(/line 4: no pupil here has the UPN X000000000000/);
    const lessons = (await office.get(`${url}/lessons`)).json().lessons;
    expect(lessons).toEqual([]);
  });

  it("imports periods, classes, teachers and pupils; a teacher sees only their own lessons", async () => {
    const imported = await office.send(
      "POST",
      `${url}/timetable`,
      csv([
        ...[amelia, bilal, chloe].map(
          (p) => `8C-Ma,Maths,Wed,P2,10:15,11:15,teacher@a.example,${p.upn}`,
        ),
        ...[amelia, chloe].map((p) => `8C-Ma,Maths,Thu,P1,09:15,10:15,teacher@a.example,${p.upn}`),
        `9-Sc,Science,Wed,P2,10:15,11:15,head@a.example,${server.pupils[3]?.upn}`,
      ]),
      { "content-type": "text/csv" },
    );
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ periods: 2, classes: 2, lessons: 3, places: 4 });
    const mine = (await teacher.get(`${url}/lessons?date=2025-09-03`)).json().lessons;
    expect(mine).toMatchObject([
      { class: "8C-Ma", subject: "Maths", period: "P2", session: "AM", pupils: 3, marked: 0 },
    ]);
    const all = (await office.get(`${url}/lessons?date=2025-09-03`)).json().lessons;
    expect(all.map((l: { class: string }) => l.class)).toEqual(["8C-Ma", "9-Sc"]);
    const otherTeacher = await server.as("otherTeacher");
    expect((await otherTeacher.get(`${url}/lessons`)).statusCode).toBe(403);
  });
});

describe("lesson marks and post-registration truancy", () => {
  it("a pupil present at registration and marked absent from a lesson is on the office's list at once", async () => {
    const [lesson] = (await teacher.get(`${url}/lessons`)).json().lessons;
    const address = `${url}/lessons/${lesson.classId}/2025-09-03/${lesson.periodId}`;
    const register = (await teacher.get(address)).json();
    expect(register.mayMark).toBe(true);
    expect(
      register.pupils.map((p: { name: string; registration: string }) => [p.name, p.registration]),
    ).toEqual([
      ["Amelia Pupil", "/"],
      ["Bilal Pupil", "N"],
      ["Chloe Pupil", "/"],
    ]);
    const late = await teacher.send("PUT", address, {
      marks: [{ pupilId: amelia.id, mark: "late" }],
    });
    expect(late.statusCode).toBe(400);
    expect(late.json().error.message).toMatch(/late needs the minutes late/);
    const saved = await teacher.send("PUT", address, {
      marks: [
        { pupilId: amelia.id, mark: "absent" },
        { pupilId: bilal.id, mark: "absent" },
        { pupilId: chloe.id, mark: "late", minutesLate: 5 },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ saved: 3, unchanged: 0 });

    const missing = (await office.get(`${url}/office/missing-from-lessons`)).json();
    // Bilal was not in at registration: he is on the call list, not a truant from the lesson.
    expect(missing.pupils).toMatchObject([
      {
        pupilId: amelia.id,
        name: "Amelia Pupil",
        group: "8C",
        class: "8C-Ma",
        period: "P2",
        registration: "/",
        markedBy: "Ms K. Tutor (teacher)",
      },
    ]);
    // The statutory register is the register of record: the lesson mark changed nothing there.
    const history = (await office.get(`${url}/pupils/${amelia.id}/marks`)).json().history;
    expect(history.map((h: { code: string }) => h.code)).toEqual(["/"]);

    // Found and marked present: off the list; the lesson keeps both marks.
    const again = await teacher.send("PUT", address, {
      marks: [
        { pupilId: amelia.id, mark: "present" },
        { pupilId: chloe.id, mark: "late", minutesLate: 5 },
      ],
    });
    expect(again.json()).toEqual({ saved: 1, unchanged: 1 });
    expect((await office.get(`${url}/office/missing-from-lessons`)).json().pupils).toEqual([]);
    const rows = await server.database.db
      .selectFrom("lesson_marks")
      .select("mark")
      .where("pupil_id", "=", amelia.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.mark)).toEqual(["absent", "present"]);
  });

  it("does not count a pupil signed out at the desk as missing, and keeps others' lessons from a teacher", async () => {
    const [lesson] = (await teacher.get(`${url}/lessons`)).json().lessons;
    const address = `${url}/lessons/${lesson.classId}/2025-09-03/${lesson.periodId}`;
    expect(
      (
        await office.send("POST", `${url}/desk/sign-outs`, {
          pupilId: chloe.id,
          at: "10:00",
          reason: "Orthodontist",
        })
      ).statusCode,
    ).toBe(201);
    await teacher.send("PUT", address, { marks: [{ pupilId: chloe.id, mark: "absent" }] });
    expect((await office.get(`${url}/office/missing-from-lessons`)).json().pupils).toEqual([]);

    const science = (await office.get(`${url}/lessons`)).json().lessons[1];
    const theirs = `${url}/lessons/${science.classId}/2025-09-03/${science.periodId}`;
    expect((await teacher.get(theirs)).statusCode).toBe(403);
    expect((await teacher.send("PUT", theirs, { marks: [] })).statusCode).toBe(403);
    const notThatDay = `${url}/lessons/${lesson.classId}/2025-09-05/${lesson.periodId}`;
    expect((await teacher.get(notThatDay)).statusCode).toBe(404);
  });
});
