import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCtf } from "../../src/app/ctf/parse-ctf.ts";
import { recordMarks } from "../../src/db/repositories/marks.ts";
import type { Pupil } from "../../src/db/schema.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let otherHead: Client;
let amelia: Pupil;
const XML = { "content-type": "application/xml" };

async function transferredRows(): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    select to_jsonb(t)::text as row from transferred_attendance t order by 1`.execute(
    server.database.db,
  );
  return rows.map((r) => r.row);
}

beforeAll(async () => {
  server = await testServer();
  amelia = server.pupils[0] as Pupil;
  office = await server.as("office");
  otherHead = await server.as("otherHead");
  const marks = [
    ["2025-09-03", "AM", "/"],
    ["2025-09-03", "PM", "\\"],
    ["2025-09-04", "AM", "I"],
    ["2025-09-04", "PM", "C2"],
    ["2025-09-05", "AM", "N"],
    ["2025-09-05", "PM", "\\"],
  ] as const;
  await server.database.db.transaction().execute((tx) =>
    recordMarks(
      tx,
      server.school.id,
      marks.map(([date, session, code]) => ({
        pupilId: amelia.id,
        date,
        session,
        code,
        minutesLate: null,
      })),
      { by: "test", at: new Date(), source: "register", reason: null },
    ),
  );
});
afterAll(async () => {
  await server?.close();
});

describe("the CTF routes", () => {
  const exportUrl = () => `/api/schools/${server.school.id}/pupils/${amelia.id}/ctf`;

  it("exports a pupil's attendance as CTF XML for the office", async () => {
    const response = await office.get(`${exportUrl()}?destLea=999&destEstab=1234`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(
      `attachment; filename="CTF_${amelia.upn}.xml"`,
    );
    const { file, problems } = parseCtf(response.body);
    expect(problems).toEqual([]);
    expect(file.header).toMatchObject({
      version: "25.0",
      dateTime: "2025-09-03T08:45:00",
      sourceSchool: { lea: "383", estab: "", schoolName: "School A", academicYear: 2025 },
      destSchool: { lea: "999", estab: "1234" },
    });
    expect(file.pupils[0]?.attendance).toEqual([
      expect.objectContaining({
        year: 2025,
        sessionsPossible: 6,
        sessionsAttended: 3,
        sessionsAuthorised: 2,
        sessionsUnauthorised: 1,
        attendSessions: { startDate: "2025-09-03", marks: "/\\ICN\\" },
      }),
    ]);
    // The school has no establishment number: the file says so to whoever reads it.
    expect(response.body).toContain("School A has no establishment number recorded");
    expect(response.body).toContain("1 session coded C2 is written in AttendanceMarks as");
  });

  it("refuses the export to staff without pupils.manage, parents, and other schools", async () => {
    for (const person of ["teacher", "dsl", "parent", "trust"] as const) {
      const response = await (await server.as(person)).get(exportUrl());
      expect(response.statusCode, person).toBe(403);
    }
    expect((await otherHead.get(exportUrl())).statusCode).toBe(403);
    const elsewhere = `/api/schools/${server.school.id}/pupils/${server.otherPupil.id}/ctf`;
    expect((await office.get(elsewhere)).statusCode).toBe(404);
  });

  it("imports the file at the pupil's new school, and the history comes back out of it", async () => {
    const xml = (await office.get(exportUrl())).body;
    const url = `/api/schools/${server.other.id}/ctf`;
    const unknown = await otherHead.send("POST", url, xml, XML);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain(`no pupil with UPN ${amelia.upn}`);

    const imported = await otherHead.send("POST", `${url}?admitOn=2025-09-08`, xml, XML);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({
      pupils: 1,
      admitted: 1,
      years: { recorded: 1, superseded: 0, unchanged: 0, skipped: 0 },
      notes: [],
    });
    const admitted = await server.database.db
      .selectFrom("pupils")
      .selectAll()
      .where("school_id", "=", server.other.id)
      .where("upn", "=", amelia.upn)
      .executeTakeFirstOrThrow();
    const again = await otherHead.get(`/api/schools/${server.other.id}/pupils/${admitted.id}/ctf`);
    expect(again.statusCode).toBe(200);
    const strip = (body: string) =>
      parseCtf(body).file.pupils[0]?.attendance.map(({ line: _line, ...year }) => year);
    expect(strip(again.body)).toEqual(strip(xml));
    const rows = await transferredRows();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0] as string)).toMatchObject({
      school_id: server.other.id,
      from_lea: "383",
      from_estab: "",
      from_school_name: "School A",
      imported_by: "Mrs O. Head (head of school) by CTF import",
    });
  });

  it("refuses a malformed file with each problem's line and element, writing nothing", async () => {
    const before = await transferredRows();
    const xml = (await office.get(exportUrl())).body;
    const line = xml.split("\n").findIndex((l) => l.includes("<AttendanceMarks>")) + 1;
    const response = await otherHead.send(
      "POST",
      `/api/schools/${server.other.id}/ctf`,
      xml.replace("<AttendanceMarks>/", "<AttendanceMarks>"),
      XML,
    );
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe("import_rejected");
    expect(error.details.problems).toEqual([
      {
        line,
        message: `line ${line}, <AttendanceMarks>: 5 characters is not a whole number of sessions (two per day)`,
      },
    ]);
    const notXml = await otherHead.send(
      "POST",
      `/api/schools/${server.other.id}/ctf`,
      "<CTfile><Header></CTfile>",
      { "content-type": "text/xml" },
    );
    expect(notXml.statusCode).toBe(400);
    expect(notXml.json().error.message).toContain(
      "the CTF file is not well-formed XML: line 1, column",
    );
    expect(await transferredRows()).toEqual(before);
  });

  it("takes XML only, and only from those who manage pupils", async () => {
    const url = `/api/schools/${server.school.id}/ctf`;
    expect((await office.send("POST", url, { not: "xml" })).statusCode).toBe(415);
    const teacher = await server.as("teacher");
    expect((await teacher.send("POST", url, "<CTfile/>", XML)).statusCode).toBe(403);
  });
});
