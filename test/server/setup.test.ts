import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let head: Client;
let office: Client;

beforeAll(async () => {
  server = await testServer();
  head = await server.as("head");
  office = await server.as("office");
});
afterAll(async () => {
  await server?.close();
});

describe("setting up a school through the API", () => {
  it("lets an administrator add a school, and nobody else", async () => {
    const admin = await server.as("admin");
    const body = {
      name: "School C",
      phase: "primary",
      urn: "123456",
      estab: "2001",
      localAuthority: { code: "383", name: "Leeds" },
    };
    const created = await admin.send("POST", "/api/schools", body);
    expect(created.statusCode).toBe(201);
    const stored = await server.database.db
      .selectFrom("schools")
      .select(["urn", "estab", "la_code"])
      .where("id", "=", created.json().id)
      .executeTakeFirst();
    expect(stored).toEqual({ urn: "123456", estab: "2001", la_code: "383" });
    const badEstab = await admin.send("POST", "/api/schools", {
      ...body,
      urn: "111111",
      estab: "21",
    });
    expect(badEstab.statusCode).toBe(400);
    expect(badEstab.json().error.message).toContain("four-digit DfE establishment number");
    expect((await admin.send("POST", "/api/schools", body)).json().error.message).toContain(
      "URN 123456 already exists",
    );
    expect((await head.send("POST", "/api/schools", { ...body, urn: "654321" })).statusCode).toBe(
      403,
    );
    const la = await server.as("la");
    expect(
      (await la.get("/api/schools")).json().schools.map((s: { name: string }) => s.name),
    ).toEqual(["School A", "School C"]);
  });

  it("sets register times, refusing a register open more than 30 minutes", async () => {
    const url = `/api/schools/${server.school.id}/settings`;
    const tooLong = await head.send("PATCH", url, {
      registerTimes: { amOpens: "08:30", amCloses: "09:15", pmOpens: "13:15", pmCloses: "13:45" },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toBe(
      "Register times: the AM register may stay open at most 30 minutes, not 45",
    );
    const ok = await head.send("PATCH", url, {
      registerTimes: { amOpens: "08:30", amCloses: "09:00", pmOpens: "13:00", pmCloses: "13:20" },
    });
    expect(ok.statusCode).toBe(200);
    expect((await head.get(`/api/schools/${server.school.id}`)).json().registerTimes).toEqual({
      amOpens: "08:30",
      amCloses: "09:00",
      pmOpens: "13:00",
      pmCloses: "13:20",
    });
  });

  it("records the school's DfE establishment number, and refuses an empty change", async () => {
    const url = `/api/schools/${server.school.id}/settings`;
    expect((await head.send("PATCH", url, { estab: "4123" })).json()).toEqual({ estab: "4123" });
    const stored = await server.database.db
      .selectFrom("schools")
      .select(["estab", "am_register_opens"])
      .where("id", "=", server.school.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ estab: "4123", am_register_opens: "08:30" });
    const empty = await head.send("PATCH", url, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain("give registerTimes, estab or both");
    expect((await head.send("PATCH", url, { estab: "41" })).statusCode).toBe(400);
  });

  it("sets term dates, refusing overlapping half terms", async () => {
    const url = `/api/schools/${server.school.id}/calendar`;
    const bad = await head.send("PUT", url, {
      academicYears: [
        {
          startYear: 2026,
          halfTerms: [
            { name: "Autumn 1", term: "Autumn", start: "2026-09-01", end: "2026-10-23" },
            { name: "Autumn 2", term: "Autumn", start: "2026-10-20", end: "2026-12-18" },
          ],
        },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain(
      "Autumn 2 starts 2026-10-20, before Autumn 1 ends (2026-10-23)",
    );
    const good = await head.send("PUT", url, {
      academicYears: [
        {
          startYear: 2026,
          halfTerms: [{ name: "Autumn 1", term: "Autumn", start: "2026-09-01", end: "2026-10-23" }],
          closures: [{ date: "2026-09-01", reason: "INSET" }],
        },
      ],
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json().academicYears.map((y: { startYear: number }) => y.startYear)).toEqual([
      2025, 2026,
    ]);
    // A file whose second year is wrong saves neither: the first year is not half-saved.
    const half = await head.send("PUT", url, {
      academicYears: [
        {
          startYear: 2027,
          halfTerms: [{ name: "Autumn 1", term: "Autumn", start: "2027-09-01", end: "2027-10-22" }],
        },
        {
          startYear: 2028,
          halfTerms: [
            { name: "Autumn 1", term: "Autumn", start: "2028-09-01", end: "2028-10-27" },
            { name: "Autumn 2", term: "Autumn", start: "2028-10-20", end: "2028-12-15" },
          ],
        },
      ],
    });
    expect(half.statusCode).toBe(400);
    const after = (await head.get(url)).json();
    expect(after.academicYears.map((y: { startYear: number }) => y.startYear)).toEqual([
      2025, 2026,
    ]);
  });

  it("creates a group and a teacher who can then take its register", async () => {
    const group = await head.send("POST", `/api/schools/${server.school.id}/groups`, {
      name: "10Q",
      yearGroup: "Year 10",
    });
    expect(group.statusCode).toBe(201);
    const staff = await head.send("POST", `/api/schools/${server.school.id}/staff`, {
      email: "New.Teacher@A.example",
      name: "Mr N. Teacher",
      password: "a long enough password",
      role: "teacher",
      registrationGroupIds: [group.json().id],
    });
    expect(staff.statusCode, staff.body).toBe(201);
    const weak = await head.send("POST", `/api/schools/${server.school.id}/staff`, {
      email: "x@a.example",
      name: "X",
      password: "short",
      role: "teacher",
    });
    expect(weak.json().error.message).toContain("body.password: must have at least 12 characters");
    // The same rules as every other account: a password from breach lists is refused here too.
    const breached = await head.send("POST", `/api/schools/${server.school.id}/staff`, {
      email: "y@a.example",
      name: "Y",
      password: "password1234",
      role: "teacher",
    });
    expect(breached.statusCode).toBe(400);
    expect(breached.json().error.message).toContain("most often found in data breaches");
    const list = (await head.get(`/api/schools/${server.school.id}/staff`)).json().staff;
    expect(list.find((s: { email: string }) => s.email === "new.teacher@a.example")).toMatchObject({
      role: "teacher",
      groups: [{ name: "10Q" }],
    });
    const login = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "new.teacher@a.example", password: "a long enough password" },
    });
    expect(login.statusCode).toBe(200);
  });

  it("imports pupils and marks as CSV through the API, naming bad lines and writing nothing", async () => {
    const url = `/api/schools/${server.school.id}/imports`;
    const upn = makeUpn("383", "4999", 25, 77);
    const bad = await office.send(
      "POST",
      `${url}/pupils`,
      `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n${upn},Ola,,2013-01-01,F,2025-09-01\n`,
      { "content-type": "text/csv" },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("line 2: legal_surname is empty");
    const good = await office.send(
      "POST",
      `${url}/pupils`,
      `upn,legal_forename,legal_surname,date_of_birth,sex,registration_group,admission_date\n${upn},Ola,Nowak,2013-01-01,F,8C,2025-09-01\n`,
      { "content-type": "text/csv" },
    );
    expect(good.json()).toMatchObject({ created: 1, updated: 0 });
    expect(good.json().summary.added).toEqual([
      expect.objectContaining({ name: "Ola Nowak", upn }),
    ]);
    const marks = await office.send(
      "POST",
      `${url}/marks`,
      `upn,date,session,code\n${upn},2025-09-03,AM,I\n`,
      { "content-type": "text/csv" },
    );
    expect(marks.statusCode, marks.body).toBe(200);
    expect(marks.json()).toMatchObject({ created: 1 });
    const json = await office.send("POST", `${url}/marks`, { not: "csv" });
    expect(json.statusCode).toBe(415);
  });
});
