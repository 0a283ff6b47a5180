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

// School A's registers: AM opens 08:40 and closes 09:10; PM 13:15 to 13:45 (the defaults).
beforeAll(async () => {
  server = await testServer();
  [amelia, bilal, chloe] = server.pupils as [Pupil, Pupil, Pupil];
  url = `/api/schools/${server.school.id}`;
  server.setNow("2025-09-03", "08:50");
  teacher = await server.as("teacher");
  const saved = await teacher.send("PUT", `${url}/registers/${server.groups.g8C}/2025-09-03/AM`, {
    marks: [
      { pupilId: amelia.id, code: "N" },
      { pupilId: bilal.id, code: "N" },
    ],
    allPresent: true,
  });
  expect(saved.statusCode, saved.body).toBe(200);
  server.setNow("2025-09-03", "09:40");
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("the reception late book", () => {
  it("signs in a pupil arriving while the register is open as L with minutes from when it opened", async () => {
    const signed = await office.send("POST", `${url}/desk/late-arrivals`, {
      pupilId: amelia.id,
      at: "09:05",
      reason: "bus late",
    });
    expect(signed.statusCode, signed.body).toBe(201);
    expect(signed.json()).toMatchObject({
      kind: "late_arrival",
      session: "AM",
      code: "L",
      minutesLate: 25,
      at: "09:05",
    });
    const history = (await office.get(`${url}/pupils/${amelia.id}/marks`)).json().history;
    expect(history.at(-1)).toMatchObject({
      date: "2025-09-03",
      session: "AM",
      previousCode: "N",
      code: "L",
      minutesLate: 25,
      source: "amendment",
      reason: "Signed in late at reception at 09:05: bus late",
      changedBy: "Mrs S. Office (attendance officer)",
    });
  });

  it("signs in a pupil arriving after the register closed as U, the time now", async () => {
    const signed = await office.send("POST", `${url}/desk/late-arrivals`, { pupilId: bilal.id });
    expect(signed.json()).toMatchObject({ code: "U", minutesLate: 60, at: "09:40" });
    const register = (
      await office.get(`${url}/registers/${server.groups.g8C}/2025-09-03/AM`)
    ).json();
    const mark = register.pupils.find((p: { pupilId: number }) => p.pupilId === bilal.id).mark;
    expect(mark).toMatchObject({ code: "U", minutesLate: 60 });
  });

  it("refuses a time not late, a time still to come, and a teacher at the desk", async () => {
    const early = await office.send("POST", `${url}/desk/late-arrivals`, {
      pupilId: chloe.id,
      at: "08:30",
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toMatch(/not late: the register opens at 08:40/);
    const future = await office.send("POST", `${url}/desk/late-arrivals`, {
      pupilId: chloe.id,
      at: "10:15",
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.message).toMatch(/later than now/);
    const byTeacher = await teacher.send("POST", `${url}/desk/late-arrivals`, {
      pupilId: chloe.id,
    });
    expect(byTeacher.statusCode).toBe(403);
  });
});

describe("signing out and back in", () => {
  it("needs a reason to sign out, keeps both in the day's book and on the pupil's page", async () => {
    const noReason = await office.send("POST", `${url}/desk/sign-outs`, {
      pupilId: chloe.id,
      reason: " ",
    });
    expect(noReason.statusCode).toBe(400);
    const notOut = await office.send("POST", `${url}/desk/back-in`, { pupilId: chloe.id });
    expect(notOut.statusCode).toBe(400);
    const out = await office.send("POST", `${url}/desk/sign-outs`, {
      pupilId: chloe.id,
      at: "09:20",
      reason: "Dentist; collected by mum",
    });
    expect(out.statusCode, out.body).toBe(201);
    server.setNow("2025-09-03", "11:00");
    office = await server.as("office");
    const back = await office.send("POST", `${url}/desk/back-in`, { pupilId: chloe.id });
    expect(back.json()).toMatchObject({ kind: "back_in", at: "11:00" });

    const book = (await office.get(`${url}/desk/book`)).json();
    expect(book.date).toBe("2025-09-03");
    expect(
      book.entries.map((e: { name: string; kind: string; at: string }) => [e.at, e.name, e.kind]),
    ).toEqual([
      ["09:05", "Amelia Pupil", "late_arrival"],
      ["09:20", "Chloe Pupil", "signed_out"],
      ["09:40", "Bilal Pupil", "late_arrival"],
      ["11:00", "Chloe Pupil", "back_in"],
    ]);
    const chloes = (await office.get(`${url}/pupils/${chloe.id}/desk`)).json().entries;
    expect(chloes.map((e: { kind: string }) => e.kind)).toEqual(["back_in", "signed_out"]);
    expect(chloes[1]).toMatchObject({ reason: "Dentist; collected by mum", group: "8C" });
    expect((await teacher.get(`${url}/desk/book`)).statusCode).toBe(403);
  });
});

describe("the roll call", () => {
  it("says who is on site by form, and keeps a drill's ticks with who ticked", async () => {
    const out = await office.send("POST", `${url}/desk/sign-outs`, {
      pupilId: amelia.id,
      reason: "Sent home ill",
    });
    expect(out.statusCode).toBe(201);
    const before = (await office.get(`${url}/roll-call`)).json();
    expect(before.session).toBe("AM");
    expect(before.drill).toBeNull();
    expect(before.forms.map((f: { group: string }) => f.group)).toEqual(["8C", "9C"]);
    const where = Object.fromEntries(
      before.forms.flatMap((f: { pupils: { name: string; whereabouts: string }[] }) =>
        f.pupils.map((p) => [p.name, p.whereabouts]),
      ),
    );
    expect(where).toEqual({
      "Amelia Pupil": "signed_out",
      "Bilal Pupil": "on_site",
      "Chloe Pupil": "on_site",
      "Dev Pupil": "not_marked",
    });
    expect(before.counts).toMatchObject({ on_site: 2, signed_out: 1, not_marked: 1, found: 0 });

    const drill = await office.send("POST", `${url}/roll-calls`);
    expect(drill.statusCode, drill.body).toBe(201);
    const { id } = drill.json();
    expect((await office.send("POST", `${url}/roll-calls`)).statusCode).toBe(409);
    const dsl = await server.as("dsl");
    expect(
      (await dsl.send("POST", `${url}/roll-calls/${id}/ticks`, { pupilId: bilal.id, found: true }))
        .statusCode,
    ).toBe(403);
    const head = await server.as("head");
    const tick = await head.send("POST", `${url}/roll-calls/${id}/ticks`, {
      pupilId: bilal.id,
      found: true,
    });
    expect(tick.json()).toEqual({
      found: true,
      tickedBy: "Mr H. Head (head of school)",
    });
    const during = (await office.get(`${url}/roll-call`)).json();
    expect(during.drill).toMatchObject({ id, startedBy: "Mrs S. Office (attendance officer)" });
    expect(during.counts.found).toBe(1);
    const bilalRow = during.forms[0].pupils.find(
      (p: { pupilId: number }) => p.pupilId === bilal.id,
    );
    expect(bilalRow).toMatchObject({
      found: true,
      tickedBy: "Mr H. Head (head of school)",
    });

    expect((await office.send("POST", `${url}/roll-calls/${id}/finish`)).statusCode).toBe(200);
    const late = await office.send("POST", `${url}/roll-calls/${id}/ticks`, {
      pupilId: chloe.id,
      found: true,
    });
    expect(late.statusCode).toBe(409);
    const after = (await office.get(`${url}/roll-call`)).json();
    expect(after.drill).toBeNull();
    const ticks = await server.database.db
      .selectFrom("roll_call_ticks")
      .select(["pupil_id", "ticked_by"])
      .where("roll_call_id", "=", id)
      .execute();
    expect(ticks).toEqual([{ pupil_id: bilal.id, ticked_by: "Mr H. Head (head of school)" }]);
  });
});

describe("a missed register", () => {
  it("tells the tutor whom to ask, takes the request, and shows it on the office's list until taken", async () => {
    const reg = `${url}/registers/${server.groups.g8C}/2025-09-03/PM`;
    server.setNow("2025-09-03", "14:10");
    teacher = await server.as("teacher");
    office = await server.as("office");
    const refused = await teacher.send("PUT", reg, { allPresent: true });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/ask the attendance office/);
    const view = (await teacher.get(`${reg}/request`)).json();
    expect(view).toEqual({ whomToAsk: ["Mrs S. Office", "Mr H. Head"], request: null });
    const asked = await teacher.send("POST", `${reg}/request`, {
      note: "All there except Chloe",
    });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({ group: "8C", session: "PM", taken: false });
    const again = await teacher.send("POST", `${reg}/request`, {});
    expect(again.json().id).toBe(asked.json().id);
    const other = await server.as("otherTeacher");
    expect((await other.get(`${reg}/request`)).statusCode).toBe(403);

    const open = (await office.get(`${url}/office/register-requests`)).json().requests;
    expect(open).toMatchObject([
      {
        group: "8C",
        session: "PM",
        note: "All there except Chloe",
        requestedBy: "Ms K. Tutor (teacher)",
      },
    ]);
    const taken = await office.send("PUT", reg, {
      allPresent: true,
      marks: [{ pupilId: chloe.id, code: "N" }],
      reason: "Taken for the tutor, who asked",
    });
    expect(taken.statusCode, taken.body).toBe(200);
    expect((await office.get(`${url}/office/register-requests`)).json().requests).toEqual([]);
    expect((await teacher.get(`${reg}/request`)).json().request.taken).toBe(true);
  });
});
