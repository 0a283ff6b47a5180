import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { decodeText } from "../../src/app/import/encoding.ts";
import { importPupils, previewPupilImport } from "../../src/app/import/import-pupils.ts";
import type { Database } from "../../src/db/database.ts";
import { pupilsByUpn } from "../../src/db/repositories/pupils.ts";
import { createSchool } from "../../src/db/repositories/schools.ts";
import type { School } from "../../src/db/schema.ts";
import { RollbookError } from "../../src/domain/errors.ts";
import { makeUpn } from "../../src/domain/pupil.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
let school: School;
const UPN_1 = makeUpn("383", "4999", 24, 1);
const UPN_2 = makeUpn("383", "4999", 24, 2);
const UPN_3 = makeUpn("383", "4999", 24, 3);

const FULL = `upn,legal_forename,legal_surname,date_of_birth,sex,year_group,registration_group,admission_date,sen,fsm
${UPN_1},Amelia,Khan,2012-10-01,F,Year 8,8C,2024-09-01,K,Y
${UPN_2},Noah,Smith,2013-01-15,M,Year 8,8C,2024-09-01,N,N
`;

beforeEach(async () => {
  await database?.close();
  database = await testDatabase();
  school = await createSchool(database.db, { name: "MIS School", phase: "secondary" });
});
afterAll(async () => {
  await database?.close();
});

async function rejection(promise: Promise<unknown>): Promise<RollbookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RollbookError) return error;
    throw error;
  }
  throw new Error("expected the import to be refused");
}

/** Windows-1252 bytes of a text whose characters are all in Latin-1 (as Excel saves "CSV"). */
const windows1252 = (text: string) => Buffer.from(text, "latin1");

describe("encoding", () => {
  it("reads a Windows-1252 file without corrupting names", async () => {
    const file = windows1252(
      `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n${UPN_1},Renée,Müller,2012-10-01,F,2024-09-01\n`,
    );
    const result = await importPupils(database.db, school.id, file);
    const pupil = (await pupilsByUpn(database.db, school.id)).get(UPN_1);
    expect(`${pupil?.legal_forename} ${pupil?.legal_surname}`).toBe("Renée Müller");
    expect(result.summary.encoding).toBe("Windows-1252");
  });

  it("reads UTF-8 with and without a byte order mark", () => {
    const text = "name\nRenée Müller\n";
    expect(decodeText(Buffer.from(text), "pupils")).toEqual({ text, encoding: "UTF-8" });
    expect(decodeText(Buffer.from(`\uFEFF${text}`), "pupils")).toEqual({
      text,
      encoding: "UTF-8 with BOM",
    });
    // The euro sign and curly quotes are where Windows-1252 differs from Latin-1.
    expect(decodeText(Buffer.from([0x80, 0x93, 0x94]), "pupils").text).toBe("€“”");
  });

  it("refuses UTF-16, bytes that mean nothing in Windows-1252, and binary files", () => {
    const message = (bytes: Buffer) => {
      try {
        decodeText(bytes, "pupils");
      } catch (error) {
        return (error as Error).message;
      }
      return "read";
    };
    expect(message(Buffer.from("\uFEFFupn", "utf16le"))).toMatch(/cannot be read: it is UTF-16/);
    expect(message(Buffer.from("upn", "utf16le"))).toMatch(/NUL bytes/);
    expect(message(Buffer.from([0x41, 0x81, 0x42]))).toMatch(
      /neither UTF-8 nor Windows-1252 \(byte 0x81 at position 2/,
    );
    expect(message(Buffer.from("upn\n\u0007x\n"))).toMatch(/control character \(0x07\) on line 2/);
    expect(message(Buffer.from([0xef, 0xbb, 0xbf, 0xe9]))).toMatch(/starts as UTF-8/);
  });
});

describe("a file without a column", () => {
  it("leaves those fields as they were; only a present empty cell clears one", async () => {
    await importPupils(database.db, school.id, FULL);
    const before = (await pupilsByUpn(database.db, school.id)).get(UPN_1);
    const fewer = `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date\n${UPN_1},Amelia,Khan,2012-10-01,F,2024-09-01\n${UPN_2},Noah,Smith,2013-01-15,M,2024-09-01\n`;
    const result = await importPupils(database.db, school.id, fewer);
    const after = (await pupilsByUpn(database.db, school.id)).get(UPN_1);
    expect(after).toMatchObject({
      year_group_id: before?.year_group_id,
      registration_group_id: before?.registration_group_id,
      sen_support: true,
      fsm: true,
    });
    expect(after?.year_group_id).not.toBeNull();
    expect(result.summary.absentColumns).toEqual(
      expect.arrayContaining(["year_group", "registration_group", "sen", "fsm"]),
    );
    expect(result.summary.unchanged).toBe(2);

    const emptied = `upn,legal_forename,legal_surname,date_of_birth,sex,admission_date,registration_group,fsm\n${UPN_1},Amelia,Khan,2012-10-01,F,2024-09-01,,\n`;
    const cleared = await importPupils(database.db, school.id, emptied);
    expect(cleared.summary.changed).toEqual([
      {
        upn: UPN_1,
        name: "Amelia Khan",
        changes: [
          { field: "registration_group", from: "8C", to: null, cleared: true },
          { field: "fsm", from: "yes", to: "no", cleared: true },
        ],
      },
    ]);
    expect((await pupilsByUpn(database.db, school.id)).get(UPN_1)).toMatchObject({
      registration_group_id: null,
      fsm: false,
      sen_support: true,
      year_group_id: before?.year_group_id,
    });
  });
});

describe("MIS export presets", () => {
  it("reads a SIMS export with its column names and UK dates, naming SIMS", async () => {
    const sims = `UPN,Legal Surname,Legal Forename,Preferred Forename,Gender,Date of Birth,Year,Reg Group,Date of Admission,SEN Provision,FSM Eligible,Ethnicity
${UPN_1},Khan,Amelia,Millie,Female,01/10/2012,Year 8,8C,01/09/2024,SEN Support,Yes,White British
`;
    const result = await importPupils(database.db, school.id, sims);
    expect(result.summary).toMatchObject({ preset: "SIMS", ignoredColumns: ["Ethnicity"] });
    expect((await pupilsByUpn(database.db, school.id)).get(UPN_1)).toMatchObject({
      legal_forename: "Amelia",
      preferred_forename: "Millie",
      sex: "F",
      date_of_birth: "2012-10-01",
      admission_date: "2024-09-01",
      sen_support: true,
      fsm: true,
    });
  });

  it("reads Arbor's and Bromcom's exports", async () => {
    const arbor = `UPN,Legal First Name,Legal Last Name,Date of Birth,Gender,Year Group,Registration Form,Start Date\n${UPN_1},Amelia,Khan,01/10/2012,F,Year 8,8C,01/09/2024\n`;
    expect((await previewPupilImport(database.db, school.id, arbor)).preset).toBe("Arbor");
    const bromcom = `UPN,Forename,Surname,DOB,Gender,Year Group,Tutor Group,Admission Date\n${UPN_1},Amelia,Khan,01/10/2012,M,Year 8,8C,01/09/2024\n`;
    const result = await importPupils(database.db, school.id, bromcom);
    expect(result.summary.preset).toBe("Bromcom");
    expect((await pupilsByUpn(database.db, school.id)).get(UPN_1)?.date_of_birth).toBe(
      "2012-10-01",
    );
  });

  it("refuses a header two exports fit equally, unless the preset is chosen", async () => {
    const either = `UPN,Forename,Surname,Date of Birth,Gender,Admission Date\n${UPN_1},Amelia,Khan,01/10/2012,F,01/09/2024\n`;
    const error = await rejection(previewPupilImport(database.db, school.id, either));
    expect(error.message).toMatch(/fits both the SIMS and the Bromcom exports equally; choose one/);
    const chosen = await previewPupilImport(database.db, school.id, either, { preset: "bromcom" });
    expect(chosen.preset).toBe("Bromcom");
  });

  it("names a UK date that is not a date", async () => {
    const sims = `UPN,Legal Surname,Legal Forename,Gender,Date of Birth,Date of Admission\n${UPN_1},Khan,Amelia,F,31/02/2012,01/09/2024\n`;
    const error = await rejection(previewPupilImport(database.db, school.id, sims));
    expect(error.message).toContain("SIMS export");
    expect(error.message).toContain('line 2: date_of_birth "31/02/2012" is not a date');
  });
});

describe("the summary before committing", () => {
  it("counts added, changed field by field, unchanged, left and not in the file; writes nothing", async () => {
    await importPupils(database.db, school.id, FULL);
    const next = `upn,legal_forename,legal_surname,date_of_birth,sex,year_group,registration_group,admission_date,leaving_date,sen,fsm
${UPN_1},Amelia,Khan,2012-10-01,F,Year 9,9C,2024-09-01,2026-07-20,K,Y
${UPN_3},Zara,Ali,2013-03-03,F,Year 8,8C,2025-09-01,,N,N
`;
    const summary = await previewPupilImport(database.db, school.id, next);
    expect(summary).toMatchObject({
      preset: null,
      added: [{ upn: UPN_3, name: "Zara Ali" }],
      unchanged: 0,
      left: [{ upn: UPN_1, name: "Amelia Khan", leavingDate: "2026-07-20" }],
      notInFile: 1,
    });
    expect(summary.changed[0]?.changes.map((c) => [c.field, c.from, c.to])).toEqual([
      ["year_group", "Year 8", "Year 9"],
      ["registration_group", "8C", "9C"],
      ["leaving_date", null, "2026-07-20"],
    ]);
    expect((await pupilsByUpn(database.db, school.id)).size).toBe(2);

    // Confirmed as shown: imported. Confirmed after the pupils changed: refused.
    const result = await importPupils(database.db, school.id, next, {
      confirm: summary.fingerprint,
    });
    expect(result).toMatchObject({ created: 1, updated: 1 });
    const stale = await rejection(
      importPupils(database.db, school.id, FULL, { confirm: summary.fingerprint }),
    );
    expect(stale.code).toBe("conflict");
    expect((await pupilsByUpn(database.db, school.id)).get(UPN_1)?.leaving_date).toBe("2026-07-20");
  });
});
