import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUpn } from "../../src/domain/pupil.ts";
import { type Client, type TestServer, testServer } from "../support/server.ts";

let server: TestServer;
let office: Client;
let teacher: Client;
const UPN = makeUpn("383", "4999", 26, 7);
const CSV = { "content-type": "text/csv" };
const url = (path: string) => `/api/schools/${server.school.id}/imports/pupils${path}`;

/** A SIMS export as Excel saves it: Windows-1252, UK dates. */
const SIMS = Buffer.from(
  `UPN,Legal Surname,Legal Forename,Gender,Date of Birth,Reg Group,Year,Date of Admission\r\n${UPN},Müller,Renée,F,01/10/2012,8C,Year 8,01/09/2024\r\n`,
  "latin1",
);

beforeAll(async () => {
  server = await testServer();
  office = await server.as("office");
  teacher = await server.as("teacher");
});
afterAll(async () => {
  await server?.close();
});

describe("pupil imports over the API", () => {
  it("previews, then imports only the summary confirmed", async () => {
    const preview = await office.send("POST", url("/preview"), SIMS, CSV);
    expect(preview.statusCode).toBe(200);
    const summary = preview.json();
    expect(summary).toMatchObject({
      encoding: "Windows-1252",
      preset: "SIMS",
      added: [{ upn: UPN, name: "Renée Müller" }],
    });
    expect(summary.notInFile).toBeGreaterThan(0);

    const wrong = await office.send("POST", url(`?confirm=${"0".repeat(32)}`), SIMS, CSV);
    expect(wrong.statusCode).toBe(409);
    const done = await office.send("POST", url(`?confirm=${summary.fingerprint}`), SIMS, CSV);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ created: 1, updated: 0 });
    const stored = await server.database.db
      .selectFrom("pupils")
      .select(["legal_forename", "legal_surname", "date_of_birth"])
      .where("upn", "=", UPN)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      legal_forename: "Renée",
      legal_surname: "Müller",
      date_of_birth: "2012-10-01",
    });
  });

  it("refuses a file in neither UTF-8 nor Windows-1252 with a clear 4xx", async () => {
    const response = await office.send(
      "POST",
      url("/preview"),
      Buffer.from("\uFEFFupn\n", "utf16le"),
      CSV,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/cannot be read: it is UTF-16 text/);
  });

  it("is for those who may manage pupils", async () => {
    const response = await teacher.send("POST", url("/preview"), SIMS, CSV);
    expect(response.statusCode).toBe(403);
  });
});
